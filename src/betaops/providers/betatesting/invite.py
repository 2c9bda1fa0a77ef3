"""BetaTesting as an invite target: the company's tester community, optionally tagged."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from betaops.core.invite_target import InviteCapability, Prepared, TargetRef
from betaops.core.invites import Person
from betaops.providers.betatesting.models import Tag
from betaops.providers.betatesting.tasks import TASKS, InviteToCommunityParams

INVITE = next(t for t in TASKS if t.name == "invite_testers")


def prepare(target: TargetRef, people: dict[str, Person]) -> Prepared:
    params = InviteToCommunityParams(people=[p.entry for p in people.values()], tags=target.get("tags"))
    return Prepared(params, "BetaTesting community")


INVITE_TARGET = InviteCapability(
    target="BetaTesting community",
    task=INVITE,
    prepare=prepare,
    fields={
        "tags": (
            Annotated[list[Tag], Field(min_length=1, max_length=20)] | None,
            Field(None, description="BetaTesting tags"),
        )
    },
)
