"""Betasend as an invite target: a mailing list (the pinned list when no id is given)."""

from __future__ import annotations

from betaops.core.invite_target import InviteCapability, Prepared, TargetRef
from betaops.core.invites import Person
from betaops.core.resolve import Choice
from betaops.core.task import TaskContext
from betaops.providers.betasend.tasks import ADD_SUBSCRIBERS_TO_LISTS, AddSubscribersParams, NewSubscriber


def prepare(target: TargetRef, people: dict[str, Person]) -> Prepared:
    subscribers = [
        NewSubscriber(email=p.email, first_name=p.first_name, last_name=p.last_name) for p in people.values()
    ]
    list_id = target.get("id")
    params = AddSubscribersParams(subscribers=subscribers, list_ids=[int(list_id)] if list_id else None)
    return Prepared(params, f"Betasend list {list_id or '(default)'}")


async def lists(ctx: TaskContext) -> list[Choice]:
    """The account's lists, by id and by name."""
    found = await ctx.collect("list_lists", {}, max_items=1000)
    return [Choice(str(x["list_id"]), (str(x.get("list_name") or ""),), str(x.get("status") or ""), x) for x in found]


INVITE_TARGET = InviteCapability(
    target="Betasend list", task=ADD_SUBSCRIBERS_TO_LISTS, id_means="Betasend list", prepare=prepare, choices=lists
)
