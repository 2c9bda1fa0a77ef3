"""`betasend_add_subscribers_to_lists`: many emails onto one or more lists, confirmed once.

Betasend can subscribe many emails to one list per call (`list-subscribers-add`, no names) or one
email with a name to many lists (`subscribers-add`). This task takes a batch of people, checks
each email, drops duplicates, reads who is already subscribed, previews per list what is new,
already there, previously unsubscribed (they will be re-subscribed) or invalid, and after one
confirmation sends exactly what the preview showed (the plan binds it): named people one by one
and the rest in chunks, reporting every email's outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import ConfigDict, Field

from betaops.core.errors import ProviderError
from betaops.core.invites import InviteResult, PersonOutcome, after_error, parse_person
from betaops.core.model import Model
from betaops.core.operation import Effect
from betaops.core.preview import count, every, quoted
from betaops.core.task import Plan, Task, TaskContext
from betaops.providers.betasend import models as m

CHUNK = m.MAX_EMAILS  # emails per list-subscribers-add / subscribers-details call
MAX_PEOPLE = 1000


class NewSubscriber(Model):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, Field(min_length=1, max_length=320)] = Field(
        description="Email address (invalid ones are reported, not sent)"
    )
    first_name: m.Name | None = Field(None, description="First name")
    last_name: m.Name | None = Field(None, description="Last name")


class AddSubscribersParams(m.Params):
    subscribers: Annotated[list[NewSubscriber], Field(min_length=1, max_length=MAX_PEOPLE)] = Field(
        description=f"People to subscribe (1-{MAX_PEOPLE}); duplicates are ignored"
    )
    list_ids: Annotated[list[m.ListId], Field(min_length=1, max_length=20)] | None = Field(
        None, description="Lists to subscribe them to (see betasend_list_lists); default BETASEND_LIST_ID"
    )


class ListOutcome(PersonOutcome):
    list_id: int | None = Field(None, description="The list (null for an invalid email)")


class AddSubscribersResult(InviteResult):
    outcomes: Sequence[ListOutcome] = Field(description="Every email's outcome, per list (counts: email x list)")


class ListPlan(Model):
    list_id: int
    label: str
    new: list[str] = Field(default_factory=list)
    resubscribe: list[str] = Field(default_factory=list)  # subset of new: they had unsubscribed
    already: list[str] = Field(default_factory=list)


class Additions(Model):
    """What adding this batch would do, from a fresh read; the plan binds it and the run sends exactly it."""

    people: dict[str, NewSubscriber]  # valid email -> person (first occurrence)
    lists: list[ListPlan]
    invalid: list[tuple[str, str]]  # (email as given, why)
    duplicates: list[str]

    def fingerprint(self) -> dict[str, list[str]]:
        return {str(p.list_id): sorted(p.new) for p in self.lists} | {"already": sorted(self.already_all())}

    def already_all(self) -> list[str]:
        return [f"{p.list_id}:{e}" for p in self.lists for e in p.already]


def _label(stats: m.ListStatistics) -> str:
    return (
        f"list #{stats.list_id} {quoted(stats.list_name)} ({stats.total_emails} emails: "
        f"{stats.subscribed_emails} subscribed, {stats.unsubscribed_emails} unsubscribed)"
    )


def _list_ids(ctx: TaskContext, params: AddSubscribersParams) -> list[int]:
    if params.list_ids:
        return list(dict.fromkeys(params.list_ids))
    default = ctx.pinned.get("list_id")
    if default is None:
        raise ProviderError(
            "betasend",
            "no list given.",
            operation="betasend_add_subscribers_to_lists",
            hint="Pass list_ids (see betasend_list_lists) or set BETASEND_LIST_ID.",
        )
    return [default]


def _validate(people: list[NewSubscriber]) -> tuple[dict[str, NewSubscriber], list[tuple[str, str]], list[str]]:
    """Valid subscribers by lower-cased email (the shared people rule), invalid ones with why, repeats.

    An entry may carry a display name ("Ada Lovelace <ada@example.com>"); explicit first and last
    names win over it.
    """
    valid: dict[str, NewSubscriber] = {}
    invalid: list[tuple[str, str]] = []
    duplicates: list[str] = []
    for subscriber in people:
        raw = subscriber.email.strip()
        try:
            person = parse_person(raw)
        except ValueError as exc:
            invalid.append((raw, str(exc)))
            continue
        if person.email in valid:
            duplicates.append(raw)
            continue
        valid[person.email] = subscriber.model_copy(
            update={
                "email": person.email,
                "first_name": subscriber.first_name or person.first_name,
                "last_name": subscriber.last_name or person.last_name,
            }
        )
    return valid, invalid, duplicates


async def plan_additions(ctx: TaskContext, params: AddSubscribersParams) -> Additions:
    """Classify every email for every list from a fresh read; raises if a list does not exist."""
    list_ids = _list_ids(ctx, params)
    people, invalid, duplicates = _validate(params.subscribers)
    plans: list[ListPlan] = []
    for list_id in list_ids:
        stats = m.ListStatistics.model_validate((await ctx.call("get_list_statistics", {"list_id": list_id})).data)
        plans.append(ListPlan(list_id=list_id, label=_label(stats)))
    emails = list(people)
    details: dict[str, m.SubscriberDetail] = {}
    for start in range(0, len(emails), CHUNK):
        reply = await ctx.call("get_subscribers", {"email": emails[start : start + CHUNK]})
        for detail in m.SubscribersDetails.model_validate(reply.data).subscribers:
            details[detail.email.lower()] = detail
    for plan in plans:
        for email in emails:
            known = details.get(email.lower())
            if known is not None and known.subscribed_to(plan.list_id):
                plan.already.append(email)
                continue
            plan.new.append(email)
            if known is not None and any(x.list_id == plan.list_id for x in known.lists):
                plan.resubscribe.append(email)
    return Additions(people=people, lists=plans, invalid=invalid, duplicates=duplicates)


def preview(additions: Additions) -> str:
    new = sum(len(p.new) for p in additions.lists)
    if new:
        lines = [f"Add subscribers to lists: {new} new subscription(s) on {len(additions.lists)} list(s)."]
    else:
        lines = [f"Nothing will change: nothing new to add to {len(additions.lists)} list(s)."]
    for plan in additions.lists:
        line = f"- {plan.label}: {every(plan.new, 'new')}"
        if plan.already:
            line += f"; already subscribed, left as they are: {every(plan.already, 'emails')}"
        lines.append(line + ".")
        if plan.resubscribe:
            lines.append(f"  Had unsubscribed and will be re-subscribed: {every(plan.resubscribe, 'emails')}.")
    if additions.invalid:
        shown = ", ".join(f"{quoted(e)} ({why})" for e, why in additions.invalid)
        lines.append(f"Invalid, not sent: {count(len(additions.invalid), 'emails')}: {shown}.")
    if additions.duplicates:
        lines.append(f"Duplicates ignored: {every(additions.duplicates, 'emails')}.")
    return "\n".join(lines)


async def _plan(ctx: TaskContext, params: AddSubscribersParams) -> Plan:
    additions = await plan_additions(ctx, params)
    noop = not any(p.new for p in additions.lists)
    return Plan(preview(additions), additions.fingerprint(), additions.model_dump(mode="json"), noop=noop)


def _failed(emails: list[str], list_id: int, exc: ProviderError) -> list[ListOutcome]:
    return [ListOutcome(**o.model_dump(), list_id=list_id) for o in after_error(emails, exc)]


async def apply_additions(ctx: TaskContext, additions: Additions) -> AddSubscribersResult:
    """Subscribe what `additions` found new: named people one call each, the rest in chunks per list."""
    outcomes = [ListOutcome(email=e, outcome="invalid", detail=why) for e, why in additions.invalid]
    for plan in additions.lists:
        outcomes += [ListOutcome(email=e, list_id=plan.list_id, outcome="already_there") for e in plan.already]
    named = {e for e, p in additions.people.items() if p.first_name or p.last_name}
    calls = len([e for e in named if any(e in p.new for p in additions.lists)])
    calls += sum(-(-len([e for e in p.new if e not in named]) // CHUNK) for p in additions.lists)
    done = 0

    def added(email: str, plan: ListPlan) -> ListOutcome:
        again = "had unsubscribed; subscribed again" if email in plan.resubscribe else None
        return ListOutcome(email=email, list_id=plan.list_id, outcome="invited", detail=again)

    for email in [e for e in additions.people if e in named]:
        lists = [p for p in additions.lists if email in p.new]
        if not lists:
            continue
        person = additions.people[email]
        args = {
            "email": email,
            "list_id": [p.list_id for p in lists],
            "first_name": person.first_name,
            "last_name": person.last_name,
        }
        try:
            await ctx.call("add_subscriber", {k: v for k, v in args.items() if v is not None})
            outcomes += [added(email, p) for p in lists]
        except ProviderError as exc:
            outcomes += [o for p in lists for o in _failed([email], p.list_id, exc)]
        done += 1
        await ctx.report(done, calls, f"subscribed {email}")

    for plan in additions.lists:
        batch = [e for e in plan.new if e not in named]
        for start in range(0, len(batch), CHUNK):
            chunk = batch[start : start + CHUNK]
            try:
                await ctx.call("add_list_subscribers", {"email": chunk, "list_id": plan.list_id})
                outcomes += [added(e, plan) for e in chunk]
            except ProviderError as exc:
                outcomes += _failed(chunk, plan.list_id, exc)
            done += 1
            await ctx.report(done, calls, f"list #{plan.list_id}: {start + len(chunk)} of {len(batch)} emails")
    return AddSubscribersResult.of(outcomes)


async def _run(
    ctx: TaskContext, params: AddSubscribersParams, key: str | None, plan: Plan | None
) -> AddSubscribersResult:
    assert plan is not None, "a write runs with its approved plan"
    return await apply_additions(ctx, Additions.model_validate(plan.bound))


ADD_SUBSCRIBERS_TO_LISTS = Task(
    provider="betasend",
    name="add_subscribers_to_lists",
    title="Add subscribers to lists",
    summary=(
        "Subscribe many people (email, optional name) to one or more lists in one confirmed step: invalid and "
        "repeated emails are reported, people already subscribed are left alone, and every email's outcome is returned."
    ),
    params=AddSubscribersParams,
    result=AddSubscribersResult,
    effect=Effect.WRITE,
    idempotent=True,
    toolset="subscribers",
    run=_run,
    plan=_plan,
)

TASKS: tuple[Task, ...] = (ADD_SUBSCRIBERS_TO_LISTS,)
