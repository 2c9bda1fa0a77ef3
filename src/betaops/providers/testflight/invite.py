"""TestFlight as an invite target: a beta group, by id or by name within an app."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from betaops.core.invite_target import InviteCapability, Outcomes, Prepared, TargetRef, run_task
from betaops.core.invites import Outcome, Person
from betaops.core.preview import quoted
from betaops.core.resolve import Choice
from betaops.core.task import Plan, TaskContext
from betaops.providers.testflight.tasks import TASKS, AppText, EmailsParams, group_choice

INVITE = next(t for t in TASKS if t.name == "invite_testers")
SHARED: dict[str, Outcome] = {
    "created": "invited",
    "added": "invited",
    "already_in_group": "already_there",
    "invalid": "invalid",
}


def prepare(target: TargetRef, people: dict[str, Person]) -> Prepared:
    ref = {"beta_group_id": target.get("id"), "beta_group_name": target.get("name"), "app_id": target.get("app_id")}
    entries = [p.entry for p in people.values()]
    params = EmailsParams.model_validate({"emails": entries, **{k: v for k, v in ref.items() if v}})
    group = quoted(target.get("name")) if target.get("name") else f"id {target.get('id')}"
    return Prepared(INVITE, params, f"TestFlight group {group}")


async def run(ctx: TaskContext, prepared: Prepared, plan: Plan, key: str | None) -> Outcomes:
    """TestFlight's per-email outcomes in the shared vocabulary (failed and unknown keep their detail)."""
    result = (await run_task(ctx, prepared, plan, key)).model_dump()
    done = Outcomes()
    for o in result["outcomes"]:
        email = o["email"].lower()
        done.outcomes[email] = SHARED.get(o["outcome"], "failed")
        if o["outcome"] in ("failed", "unknown"):
            done.failures[email] = o.get("detail") or o["outcome"]
    return done


async def groups(ctx: TaskContext) -> list[Choice]:
    """Every beta group of every app, told apart by kind and app."""
    return [group_choice(g) for g in await ctx.collect("list_beta_groups", {}, max_items=1000)]


INVITE_TARGET = InviteCapability(
    target="TestFlight group",
    id_means="TestFlight group",
    choices=groups,
    prepare=prepare,
    run=run,
    fields={
        "name": (
            Annotated[str, Field(min_length=1, max_length=200)] | None,
            Field(None, description="TestFlight group name"),
        ),
        "app_id": (AppText | None, Field(None, description="Its app, if names repeat")),
    },
)
