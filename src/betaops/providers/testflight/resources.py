"""TestFlight resources: an app's newest build and its beta status, without a tool call.

Declared in `provider.py`; read here, when first read."""

from __future__ import annotations

from typing import Any

from betaops.core.task import Task, TaskContext


async def latest_build(ctx: TaskContext, task: Task, values: dict[str, str]) -> dict[str, Any]:
    """What `get_build_beta_status` says about the app's newest build."""
    params = task.params.model_validate({"app": values["app"]})
    status = await task.run(ctx, params, None, None)
    return status.model_dump(mode="json")
