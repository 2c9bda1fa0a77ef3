"""`alexa_invite_testers`: any number of emails as one confirmed action, sent 500 at a time.

SMAPI adds at most 500 testers per call and honours no idempotency key, so a failed call is never
retried blindly. Instead the plan lists the testers first and binds the new emails (re-running
skips whoever is already in), and the run stops at a failed call k of n, answering each email's
outcome: invited, failed (with Amazon's reason) or not attempted. When the failed call may have
gone through (a 5xx or lost answer) it lists the testers again to find out; if even that fails,
its emails are "unknown".
"""

from __future__ import annotations

from dataclasses import replace

from betaops.core.errors import ProviderError
from betaops.core.invites import PersonOutcome, after_error, parse_people
from betaops.core.model import Model
from betaops.core.operation import Effect
from betaops.core.preview import every
from betaops.core.task import Plan, Task, TaskContext
from betaops.providers.alexa.models import MAX_TESTERS_PER_CALL, BetaTest, InviteTestersParams, SkillInviteResult
from betaops.providers.alexa.settings import NAME

TOOL = f"{NAME}_invite_testers"
RERUN_HINT = f"Call {TOOL} again with the same emails: it lists the testers first and adds only the missing ones."


class InviteBound(Model):
    """The emails sorted against the beta test as the preview showed it."""

    skill_id: str
    new: list[str]
    already: list[str]
    invalid: list[str]
    duplicates: int


def classify(emails: list[str]) -> tuple[list[str], list[str], int]:
    """Valid (lower-cased, by the shared people rule), invalid, and how many repeats were dropped."""
    people, invalid = parse_people(emails)
    return list(people), invalid, len(emails) - len(people) - len(invalid)


async def current_testers(ctx: TaskContext, skill_id: str) -> set[str]:
    items = await ctx.collect("list_beta_testers", {"skill_id": skill_id}, max_items=100_000)
    return {str(t["emailId"]).lower() for t in items}


def _calls(count: int) -> int:
    return -(-count // MAX_TESTERS_PER_CALL)


async def plan(ctx: TaskContext, params: InviteTestersParams) -> Plan:
    beta_test = (await ctx.call("get_beta_test", {"skill_id": params.skill_id})).data
    valid, invalid, repeats = classify(params.emails)
    present = await current_testers(ctx, params.skill_id)
    b = InviteBound(
        skill_id=params.skill_id,
        new=[e for e in valid if e.lower() not in present],
        already=[e for e in valid if e.lower() in present],
        invalid=invalid,
        duplicates=repeats,
    )
    bt = BetaTest.model_validate(beta_test)
    where = f"the {bt.label()} of skill {params.skill_id}"
    if b.new:
        when = "when the test starts" if bt.status == "IN_DRAFT" else "now"
        lines = [f"Invite {len(b.new)} new tester(s) to {where}."]
        lines.append(
            f"Added in {_calls(len(b.new))} call(s) of at most {MAX_TESTERS_PER_CALL}; "
            f"Amazon emails each an invitation {when}: {every(b.new, 'emails')}."
        )
    else:
        lines = [f"Nothing will change: every valid email is a tester of {where} already."]
    if b.already:
        lines.append(f"Already testers (skipped): {every(b.already, 'emails')}.")
    if b.invalid:
        lines.append(f"Invalid (skipped): {every(b.invalid, 'entries')}.")
    if b.duplicates:
        lines.append(f"{b.duplicates} repeated entries counted once.")
    if bt.invitesRemaining is not None and len(b.new) > bt.invitesRemaining:
        lines.append(f"Warning: only {bt.invitesRemaining} invites remain; Amazon will refuse the call that goes over.")
    fingerprint = {"beta_test": beta_test, "new": sorted(e.lower() for e in b.new)}
    return Plan("\n".join(lines), fingerprint, b.model_dump(mode="json"), noop=not b.new)


async def run(ctx: TaskContext, params: InviteTestersParams, _key: str | None, plan: Plan | None) -> SkillInviteResult:
    assert plan is not None, "a write runs with its approved plan"
    b = InviteBound.model_validate(plan.bound)
    chunks = [b.new[i : i + MAX_TESTERS_PER_CALL] for i in range(0, len(b.new), MAX_TESTERS_PER_CALL)]
    outcomes = [PersonOutcome(email=e, outcome="already_there") for e in b.already]
    outcomes += [PersonOutcome(email=e, outcome="invalid", detail="not a valid email address") for e in b.invalid]
    added = 0
    for number, chunk in enumerate(chunks, 1):
        body = {"skill_id": b.skill_id, "testers": [{"emailId": e} for e in chunk]}
        try:
            await ctx.call("add_beta_testers", body)  # no key: SMAPI has none, so never retried
        except ProviderError as exc:
            if number == 1 and exc.changed is False:
                raise  # nothing was added: the call failed, with Amazon's reason, and changed nothing
            outcomes += await after_failed_call(ctx, b.skill_id, chunk, exc)
            outcomes += [PersonOutcome(email=e, outcome="not_attempted") for later in chunks[number:] for e in later]
            note = f"Stopped: add call {number} of {len(chunks)} failed ({exc.message.rstrip('.')}). {RERUN_HINT}"
            return SkillInviteResult.of(outcomes, note, skill_id=b.skill_id, add_calls=number)
        outcomes += [PersonOutcome(email=e, outcome="invited") for e in chunk]
        added += len(chunk)
        await ctx.report(added, len(b.new), f"added {added} of {len(b.new)} testers")
    return SkillInviteResult.of(outcomes, skill_id=b.skill_id, add_calls=len(chunks))


async def after_failed_call(
    ctx: TaskContext, skill_id: str, chunk: list[str], exc: ProviderError
) -> list[PersonOutcome]:
    """The emails of a failed add call: when it may have gone through, who is a tester now decides."""
    if exc.changed is False:
        return after_error(chunk, exc)
    try:
        present = await current_testers(ctx, skill_id)
    except ProviderError:
        return after_error(chunk, exc)  # still unknown: named so, never guessed
    checked = replace(exc, changed=False)  # listed again: whoever is not a tester was not added
    missing = [e for e in chunk if e not in present]
    return [PersonOutcome(email=e, outcome="invited") for e in chunk if e in present] + after_error(missing, checked)


INVITE_TESTERS = Task(
    provider=NAME,
    name="invite_testers",
    title="Invite testers",
    summary=(
        "Invite any number of emails to a skill's beta test as one approved action: invalid and repeated "
        "entries and existing testers are skipped, the rest are added 500 per call, and the result names "
        "each email's outcome. Safe to re-run after a failure: only missing testers are added."
    ),
    params=InviteTestersParams,
    result=SkillInviteResult,
    effect=Effect.WRITE,
    idempotent=True,
    toolset="testers",
    run=run,
    plan=plan,
)

TASKS: tuple[Task, ...] = (INVITE_TESTERS,)
