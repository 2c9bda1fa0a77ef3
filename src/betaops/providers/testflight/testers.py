"""Who is in a beta group, by state: "did they accept?" in one small call.

Apple's API has no filter on a tester's `state` (NOT_INVITED, INVITED, ACCEPTED, INSTALLED,
REVOKED), so betaops reads the whole group (only the four attributes it shows) and counts and
filters here. The answer is a count per state plus, per asked state, the testers' emails: a
344-tester group's "who has not accepted?" stays around 2 KB.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from pydantic import BaseModel, Field

from betaops.core.operation import Effect
from betaops.core.task import Plan, Task, TaskContext
from betaops.providers.testflight.operations import TESTER_STATES
from betaops.providers.testflight.tasks import PROVIDER, GroupRef, resolve_group

SHOWN = ("firstName", "lastName", "email", "state")
LISTED = 50  # emails at most: about 2 KB; the generic list reads the rest


class GroupTestersParams(GroupRef):
    states: list[Literal[TESTER_STATES]] | None = Field(  # type: ignore[valid-type]
        None, description="Only these (not accepted yet: INVITED, NOT_INVITED)"
    )


class GroupTesters(BaseModel):
    beta_group_id: str
    beta_group_name: str | None = None
    total: int
    by_state: dict[str, int]
    testers: dict[str, list[str]]  # per state: emails (a name where there is none)
    more: int = 0  # testers in the given states not listed
    note: str | None = None  # how to list them


def _who(tester: dict[str, Any]) -> str:
    if tester.get("email"):
        return str(tester["email"])
    name = " ".join(str(tester[k]) for k in ("firstName", "lastName") if tester.get(k))
    return f"{name or tester.get('id')} (no email)"


async def run_group_testers(
    ctx: TaskContext, params: GroupTestersParams, _: str | None, plan: Plan | None = None
) -> GroupTesters:
    group = await resolve_group(ctx, params)
    testers = await ctx.collect(
        "list_testers_in_beta_group",
        {"beta_group_id": group["id"], "fieldsets": {"betaTesters": list(SHOWN)}},
        max_items=100_000,
    )
    await ctx.report(len(testers), len(testers), f"read {len(testers)} testers")
    chosen = [t for t in testers if params.states is None or t.get("state") in params.states]
    listed: dict[str, list[str]] = {}
    for tester in chosen[:LISTED]:
        listed.setdefault(str(tester.get("state")), []).append(_who(tester))
    more = max(0, len(chosen) - LISTED)
    note = (
        f"{more} more: testflight_list_testers_in_beta_group (through betaops_read_operation) with "
        f"beta_group_id, the same states and limit=2000 lists them all."
        if more
        else None
    )
    return GroupTesters(
        beta_group_id=str(group["id"]),
        beta_group_name=group.get("name"),
        total=len(testers),
        by_state=dict(Counter(str(t.get("state")) for t in testers)),
        testers=listed,
        more=more,
        note=note,
    )


LIST_GROUP_TESTERS = Task(
    provider=PROVIDER,
    name="list_group_testers",
    title="Beta group testers by state",
    summary="Who is in a beta group by state: counts, emails (filtered by betaops).",
    params=GroupTestersParams,
    result=GroupTesters,
    effect=Effect.READ,
    idempotent=True,
    toolset="testers",
    run=run_group_testers,
)
