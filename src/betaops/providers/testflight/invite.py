"""TestFlight as an invite target: a beta group, by id or by name within an app."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from betaops.core.invite_target import InviteCapability, Prepared, TargetRef
from betaops.core.invites import Person
from betaops.core.preview import quoted
from betaops.core.resolve import Choice
from betaops.core.task import TaskContext
from betaops.providers.testflight.tasks import TASKS, AppText, EmailsParams, group_choice

INVITE = next(t for t in TASKS if t.name == "invite_testers")


def prepare(target: TargetRef, people: dict[str, Person]) -> Prepared:
    ref = {"beta_group_id": target.get("id"), "beta_group_name": target.get("name"), "app_id": target.get("app_id")}
    entries = [p.entry for p in people.values()]
    params = EmailsParams.model_validate({"emails": entries, **{k: v for k, v in ref.items() if v}})
    group = quoted(target.get("name")) if target.get("name") else f"id {target.get('id')}"
    return Prepared(params, f"TestFlight group {group}")


async def groups(ctx: TaskContext) -> list[Choice]:
    """Every beta group of every app, told apart by kind and app."""
    return [group_choice(g) for g in await ctx.collect("list_beta_groups", {}, max_items=1000)]


INVITE_TARGET = InviteCapability(
    target="TestFlight group",
    task=INVITE,
    id_means="TestFlight group",
    choices=groups,
    prepare=prepare,
    fields={
        "name": (
            Annotated[str, Field(min_length=1, max_length=200)] | None,
            Field(None, description="TestFlight group name"),
        ),
        "app_id": (AppText | None, Field(None, description="Its app, if names repeat")),
    },
)
