"""`betaops_invite_testers`: one list of people, several beta programs, one confirmation.

Each target is handled by its provider's own invite logic (chunking, rate limits, skipping who is
already there), run one after another under one approval. Emails are validated and de-duplicated
once, here. The preview is each target's own preview under one headline, and each target's run
adds exactly whom its plan bound. A failure at one target never hides what succeeded elsewhere,
and re-running after a failure invites nobody twice: every plan reads who is already in.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from betaops.core.errors import ProviderError
from betaops.core.invites import Outcome, Person, TargetReport, parse_people
from betaops.core.operation import Effect
from betaops.core.preview import every, quoted
from betaops.core.task import Plan, Task, TaskContext
from betaops.providers.alexa.models import InviteTestersParams as AlexaInvite
from betaops.providers.alexa.tasks import INVITE_TESTERS as ALEXA_INVITE
from betaops.providers.alexa.tasks import InviteBound as AlexaBound
from betaops.providers.alexa.tasks import current_testers
from betaops.providers.betasend.tasks import ADD_SUBSCRIBERS_TO_LISTS, AddSubscribersParams, NewSubscriber
from betaops.providers.betatesting.models import Tag
from betaops.providers.betatesting.tasks import TASKS as BETATESTING_TASKS
from betaops.providers.betatesting.tasks import CommunityBound, InviteToCommunityParams, add_to_community
from betaops.providers.testflight.operations import Id as AppleId
from betaops.providers.testflight.tasks import TASKS as TESTFLIGHT_TASKS
from betaops.providers.testflight.tasks import EmailsParams

MAX_PEOPLE = 500
BETATESTING_INVITE = next(t for t in BETATESTING_TASKS if t.name == "invite_testers")
TESTFLIGHT_INVITE = next(t for t in TESTFLIGHT_TASKS if t.name == "invite_testers")


class Target(BaseModel):
    # One place to invite to; which fields apply depends on the provider (checked when used).

    model_config = ConfigDict(extra="forbid")
    provider: Literal["betatesting", "testflight", "alexa", "betasend"]
    id: Annotated[str, Field(min_length=1, max_length=128)] | None = Field(
        None, description="TestFlight group id, Alexa skill id or Betasend list id (default: pinned)"
    )
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        None, description="TestFlight group name, with app_id"
    )
    app_id: AppleId | None = Field(None, description="TestFlight app of a named group")
    tags: Annotated[list[Tag], Field(min_length=1, max_length=20)] | None = Field(None, description="BetaTesting tags")


class InviteAllParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    people: Annotated[list[Annotated[str, Field(max_length=320)]], Field(min_length=1, max_length=MAX_PEOPLE)] = Field(
        description="Emails, optionally 'First Last <email>'"
    )
    targets: Annotated[list[Target], Field(min_length=1, max_length=10)] = Field(
        description="BetaTesting community, TestFlight group, Alexa skill beta, Betasend list"
    )


class InviteAllResult(BaseModel):
    people: int  # distinct valid emails
    invalid: list[str]  # entries that are not emails, skipped everywhere
    targets: list[TargetReport]


def _valid(params: InviteAllParams) -> tuple[dict[str, Person], list[str]]:
    people, invalid = parse_people(params.people)
    return people, invalid


def _entry(p: Person) -> str:
    name = " ".join(x for x in (p.first_name, p.last_name) if x)
    return f"{name} <{p.email}>" if name else p.email


def _context(ctx: TaskContext, provider: str) -> TaskContext:
    if provider not in ctx.providers:
        raise ProviderError(
            "betaops", f"{provider} is not configured here.", hint="betaops_context lists the configured providers."
        )
    return ctx.providers[provider]


def _refuse(target: Target, why: str) -> ProviderError:
    return ProviderError("betaops", f"target {target.provider}: {why}", hint="Fix the target and call again.")


def _task_params(target: Target, people: dict[str, Person]) -> tuple[Task, BaseModel, str]:
    """The provider's own invite task, its params for these people, and a label for the report."""
    entries = [_entry(p) for p in people.values()]
    used = {k for k in ("id", "name", "app_id", "tags") if getattr(target, k) is not None}
    allowed = {"betatesting": {"tags"}, "testflight": {"id", "name", "app_id"}}.get(target.provider, {"id"})
    if used - allowed:
        raise _refuse(target, f"{', '.join(sorted(used - allowed))} does not apply.")
    try:
        if target.provider == "betatesting":
            params: BaseModel = InviteToCommunityParams(people=entries, tags=target.tags)
            return BETATESTING_INVITE, params, "BetaTesting community"
        if target.provider == "testflight":
            ref = {"beta_group_id": target.id, "beta_group_name": target.name, "app_id": target.app_id}
            params = EmailsParams.model_validate({"emails": entries, **{k: v for k, v in ref.items() if v}})
            group = quoted(target.name) if target.name else f"id {target.id}"
            return TESTFLIGHT_INVITE, params, f"TestFlight group {group}"
        if target.provider == "alexa":
            params = AlexaInvite.model_validate({"skill_id": target.id, "emails": list(people)})
            return ALEXA_INVITE, params, f"Alexa skill {params.skill_id} beta"
        subscribers = [
            NewSubscriber(email=p.email, first_name=p.first_name, last_name=p.last_name) for p in people.values()
        ]
        list_ids = [int(target.id)] if target.id else None
        params = AddSubscribersParams(subscribers=subscribers, list_ids=list_ids)
        return ADD_SUBSCRIBERS_TO_LISTS, params, f"Betasend list {target.id or '(default)'}"
    except (ValueError, ValidationError) as exc:
        raise _refuse(target, str(exc).splitlines()[-1] if str(exc) else "invalid.") from exc


async def plan_all(ctx: TaskContext, params: InviteAllParams) -> Plan:
    """Each target's own plan, shown indented under one headline; the bound is each target's bound."""
    people, invalid = _valid(params)
    if not people:
        raise ProviderError("betaops", "none of the entries is a valid email.", hint="Check the addresses.")
    details: list[str] = []
    if invalid:
        details.append(f"Not valid emails (skipped everywhere): {every(invalid, 'entries')}.")
    fingerprints: list[Any] = []
    bound: list[dict[str, Any]] = []
    for n, target in enumerate(params.targets, 1):
        task, task_params, label = _task_params(target, people)
        assert task.plan is not None
        plan = await task.plan(_context(ctx, target.provider), task_params)
        details.append(f"[{n}] {label}:")
        details += [f"    {line}" for line in plan.preview.splitlines()]
        fingerprints.append(plan.fingerprint)
        bound.append({"bound": plan.bound, "noop": plan.noop})
    noop = all(b["noop"] for b in bound)
    if noop:
        head = f"Nothing will change: all {len(people)} people are already at all {len(params.targets)} target(s)."
    else:
        head = f"Invite {len(people)} people to {len(params.targets)} target(s)."
    return Plan("\n".join([head, *details]), fingerprints, bound, noop=noop)


def _normalise(provider: str, result: Any) -> tuple[dict[str, Outcome], dict[str, str]]:
    """A provider task's result as {email: outcome} and {email: why it failed}."""
    outcomes: dict[str, Outcome] = {}
    failures: dict[str, str] = {}
    data = result.model_dump() if isinstance(result, BaseModel) else result
    if provider == "testflight":
        kinds = {"created": "invited", "added": "invited", "already_in_group": "already_there", "invalid": "invalid"}
        for o in data["outcomes"]:
            outcomes[o["email"].lower()] = kinds.get(o["outcome"], "failed")  # type: ignore[assignment]
            if o["outcome"] in ("failed", "unknown"):
                failures[o["email"].lower()] = o.get("detail") or o["outcome"]
    elif provider == "alexa":
        outcomes |= dict.fromkeys((e.lower() for e in data["added"]), "invited")
        outcomes |= dict.fromkeys((e.lower() for e in data["already_testers"]), "already_there")
    elif provider == "betasend":
        kinds = {"added": "invited", "already_subscribed": "already_there", "invalid": "invalid"}
        for o in data["outcomes"]:
            if o["outcome"] == "duplicate":
                continue
            outcomes[o["email"].lower()] = kinds.get(o["outcome"], "failed")  # type: ignore[assignment]
            if o["outcome"] in ("failed", "unknown"):
                failures[o["email"].lower()] = o.get("message") or o["outcome"]
    return outcomes, failures


async def _after_alexa_failure(
    ctx: TaskContext, params: AlexaInvite, before: set[str], exc: ProviderError
) -> tuple[dict[str, Outcome], dict[str, str]]:
    """Alexa stops at a failed call: look at who is in now instead of guessing."""
    assert params.skill_id is not None
    try:
        now = await current_testers(ctx, params.skill_id)
    except ProviderError:
        return {}, {e.lower(): f"unknown: {exc}" for e in params.emails}
    outcomes: dict[str, Outcome] = {}
    failures: dict[str, str] = {}
    for email in (e.lower() for e in params.emails):
        if email in before:
            outcomes[email] = "already_there"
        elif email in now:
            outcomes[email] = "invited"
        else:
            outcomes[email] = "failed"
            failures[email] = exc.message
    return outcomes, failures


async def run_all(ctx: TaskContext, params: InviteAllParams, key: str | None, plan: Plan | None) -> InviteAllResult:
    assert plan is not None, "a write runs with its approved plan"
    people, invalid = _valid(params)
    reports: list[TargetReport] = []
    for n, target in enumerate(params.targets, 1):
        task, task_params, label = _task_params(target, people)
        approved = plan.bound[n - 1]
        sub_plan = Plan(f"[{n}] {label}", plan.fingerprint[n - 1], approved["bound"], approved["noop"])
        sub = _context(ctx, target.provider)
        sub_key = f"{key}-t{n}" if key else None
        note: str | None = None
        try:
            if target.provider == "betatesting":
                community = CommunityBound.model_validate(sub_plan.bound)
                outcomes, failures = await add_to_community(sub, community, sub_key)
            else:
                outcomes, failures = _normalise(target.provider, await task.run(sub, task_params, sub_key, sub_plan))
        except ProviderError as exc:
            if isinstance(task_params, AlexaInvite):
                already = AlexaBound.model_validate(sub_plan.bound).already
                outcomes, failures = await _after_alexa_failure(sub, task_params, {e.lower() for e in already}, exc)
            else:
                outcomes, failures = {}, {}
            note = f"Stopped: {exc}"
        for email in people:  # whoever the provider did not mention was not attempted
            outcomes.setdefault(email, "not_attempted")
        reports.append(TargetReport.build(label, outcomes, failures, note))
        await ctx.report(n, len(params.targets), f"{label}: done")
    return InviteAllResult(people=len(people), invalid=invalid, targets=reports)


INVITE_ALL = Task(
    provider="betaops",
    name="invite_testers",
    title="Invite testers everywhere",
    summary="Invite people to several beta programs at once: a preview per target, one approval, each email's "
    "outcome. Re-running never invites anyone twice.",
    params=InviteAllParams,
    result=InviteAllResult,
    effect=Effect.WRITE,
    idempotent=True,
    toolset="invites",
    run=run_all,
    plan=plan_all,
)
