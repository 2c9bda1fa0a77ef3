"""BetaTesting resources: a test's status with its issue triage summary, without a tool call.

Declared in `provider.py`; read here, when first read."""

from __future__ import annotations

from typing import Any

from betaops.core.task import Task, TaskContext
from betaops.providers.betatesting.tasks import SummarizeIssuesParams, summarize_issues


async def test_summary(ctx: TaskContext, _task: Task, values: dict[str, str]) -> dict[str, Any]:
    test_id = values["test_id"]
    if not test_id.isdigit() or int(test_id) < 1:
        raise ValueError(f"test_id must be a positive integer, not {test_id!r}")
    test = (await ctx.call("get_test", {"test_id": int(test_id)})).data
    summary = await summarize_issues(ctx, SummarizeIssuesParams(test_id=int(test_id)), None)
    return {"test": test, "issues": summary.model_dump(mode="json")}
