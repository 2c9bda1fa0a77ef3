"""BetaTesting as an invite target: the company's tester community, optionally tagged."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from betaops.core.invite_target import InviteCapability, Outcomes, Prepared, TargetRef
from betaops.core.invites import Person
from betaops.core.task import Plan, TaskContext
from betaops.providers.betatesting.models import Tag
from betaops.providers.betatesting.tasks import TASKS, CommunityBound, InviteToCommunityParams, add_to_community

INVITE = next(t for t in TASKS if t.name == "invite_testers")


def prepare(target: TargetRef, people: dict[str, Person]) -> Prepared:
    params = InviteToCommunityParams(people=[p.entry for p in people.values()], tags=target.get("tags"))
    return Prepared(INVITE, params, "BetaTesting community")


async def run(ctx: TaskContext, prepared: Prepared, plan: Plan, key: str | None) -> Outcomes:
    """The community add itself, which already speaks in shared outcomes."""
    outcomes, failures = await add_to_community(ctx, CommunityBound.model_validate(plan.bound), key)
    return Outcomes(outcomes, failures)


INVITE_TARGET = InviteCapability(
    target="BetaTesting community",
    prepare=prepare,
    run=run,
    fields={
        "tags": (
            Annotated[list[Tag], Field(min_length=1, max_length=20)] | None,
            Field(None, description="BetaTesting tags"),
        )
    },
)
