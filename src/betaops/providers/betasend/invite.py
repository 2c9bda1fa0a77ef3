"""Betasend as an invite target: a mailing list (the pinned list when no id is given)."""

from __future__ import annotations

from betaops.core.invite_target import InviteCapability, Outcomes, Prepared, TargetRef, run_task
from betaops.core.invites import Outcome, Person
from betaops.core.resolve import Choice
from betaops.core.task import Plan, TaskContext
from betaops.providers.betasend.tasks import ADD_SUBSCRIBERS_TO_LISTS, AddSubscribersParams, NewSubscriber

SHARED: dict[str, Outcome] = {"added": "invited", "already_subscribed": "already_there", "invalid": "invalid"}


def prepare(target: TargetRef, people: dict[str, Person]) -> Prepared:
    subscribers = [
        NewSubscriber(email=p.email, first_name=p.first_name, last_name=p.last_name) for p in people.values()
    ]
    list_id = target.get("id")
    params = AddSubscribersParams(subscribers=subscribers, list_ids=[int(list_id)] if list_id else None)
    return Prepared(ADD_SUBSCRIBERS_TO_LISTS, params, f"Betasend list {list_id or '(default)'}")


async def run(ctx: TaskContext, prepared: Prepared, plan: Plan, key: str | None) -> Outcomes:
    """Betasend's per-email outcomes in the shared vocabulary (people are de-duplicated already)."""
    result = (await run_task(ctx, prepared, plan, key)).model_dump()
    done = Outcomes()
    for o in result["outcomes"]:
        if o["outcome"] == "duplicate":
            continue
        email = o["email"].lower()
        done.outcomes[email] = SHARED.get(o["outcome"], "failed")
        if o["outcome"] in ("failed", "unknown"):
            done.failures[email] = o.get("message") or o["outcome"]
    return done


async def lists(ctx: TaskContext) -> list[Choice]:
    """The account's lists, by id and by name."""
    found = await ctx.collect("list_lists", {}, max_items=1000)
    return [Choice(str(x["list_id"]), (str(x.get("list_name") or ""),), str(x.get("status") or ""), x) for x in found]


INVITE_TARGET = InviteCapability(
    target="Betasend list", id_means="Betasend list", prepare=prepare, run=run, choices=lists
)
