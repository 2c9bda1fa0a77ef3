"""`alexa_invite_testers`: any number of emails as one confirmed action, sent 500 at a time.

SMAPI adds at most 500 testers per call and honours no idempotency key, so a failed call is never
retried blindly. Instead the task lists the testers first (re-running skips whoever is already
in), and when call k of n fails it says exactly which emails were added and which were not; when
the failed call's outcome is unknown (a 5xx or lost answer) it lists the testers again to find out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import EmailStr, TypeAdapter, ValidationError

from betaops.core.errors import ProviderError
from betaops.core.operation import Effect
from betaops.core.task import Plan, Task, TaskContext
from betaops.providers.alexa.models import MAX_TESTERS_PER_CALL, BetaTest, InviteOutcome, InviteTestersParams
from betaops.providers.alexa.settings import NAME

TOOL = f"{NAME}_invite_testers"
_EMAIL: TypeAdapter[str] = TypeAdapter(EmailStr)
RERUN_HINT = f"Call {TOOL} again with the same emails: it lists the testers first and adds only the missing ones."


@dataclass(frozen=True)
class Survey:
    """The emails sorted against the beta test as it is now."""

    beta_test: dict[str, Any]
    new: list[str]
    already: list[str]
    invalid: list[str]
    duplicates: int


def classify(emails: list[str]) -> tuple[list[str], list[str], int]:
    """Valid (normalised, first spelling kept), invalid, and how many repeats were dropped."""
    valid: dict[str, str] = {}
    invalid: list[str] = []
    repeats = 0
    for raw in emails:
        try:
            email = _EMAIL.validate_python(raw.strip())
        except ValidationError:
            invalid.append(raw)
            continue
        if email.lower() in valid:
            repeats += 1
        else:
            valid[email.lower()] = email
    return list(valid.values()), invalid, repeats


async def current_testers(ctx: TaskContext, skill_id: str) -> set[str]:
    items = await ctx.collect("list_beta_testers", {"skill_id": skill_id}, max_items=100_000)
    return {str(t["emailId"]).lower() for t in items}


async def survey(ctx: TaskContext, params: InviteTestersParams) -> Survey:
    assert params.skill_id is not None
    beta_test = (await ctx.call("get_beta_test", {"skill_id": params.skill_id})).data
    valid, invalid, repeats = classify(params.emails)
    present = await current_testers(ctx, params.skill_id)
    new = [e for e in valid if e.lower() not in present]
    already = [e for e in valid if e.lower() in present]
    return Survey(beta_test, new, already, invalid, repeats)


def _calls(count: int) -> int:
    return -(-count // MAX_TESTERS_PER_CALL)


def _quoted(items: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


async def plan(ctx: TaskContext, params: InviteTestersParams) -> Plan:
    s = await survey(ctx, params)
    bt = BetaTest.model_validate(s.beta_test)
    lines = [f"Invite testers to the {bt.label()} of skill {params.skill_id}."]
    if s.new:
        when = "when the test starts" if bt.status == "IN_DRAFT" else "now"
        lines.append(
            f"{len(s.new)} new emails will be added in {_calls(len(s.new))} call(s) of at most "
            f"{MAX_TESTERS_PER_CALL}; Amazon emails each an invitation {when}."
        )
    else:
        lines.append("Nothing to add: every valid email is a tester already.")
    if s.already:
        lines.append(f"{len(s.already)} already testers (skipped).")
    if s.invalid:
        lines.append(f"{len(s.invalid)} invalid (skipped): {_quoted(s.invalid)}.")
    if s.duplicates:
        lines.append(f"{s.duplicates} repeated entries counted once.")
    if bt.invitesRemaining is not None and len(s.new) > bt.invitesRemaining:
        lines.append(f"Warning: only {bt.invitesRemaining} invites remain; Amazon will refuse the call that goes over.")
    return Plan("\n".join(lines), {"beta_test": s.beta_test, "new": sorted(e.lower() for e in s.new)})


async def run(
    ctx: TaskContext, params: InviteTestersParams, _key: str | None, plan: Plan | None = None
) -> InviteOutcome:
    assert params.skill_id is not None
    s = await survey(ctx, params)  # fresh: whoever joined since the preview is skipped
    chunks = [s.new[i : i + MAX_TESTERS_PER_CALL] for i in range(0, len(s.new), MAX_TESTERS_PER_CALL)]
    added: list[str] = []
    for number, chunk in enumerate(chunks, 1):
        body = {"skill_id": params.skill_id, "testers": [{"emailId": e} for e in chunk]}
        try:
            await ctx.call("add_beta_testers", body)  # no key: SMAPI has none, so never retried
        except ProviderError as exc:
            raise await partial_failure(ctx, params.skill_id, s.new, added, chunk, number, len(chunks), exc) from exc
        added += chunk
        await ctx.report(len(added), len(s.new), f"added {len(added)} of {len(s.new)} testers")
    return InviteOutcome(
        skill_id=params.skill_id, added=added, already_testers=s.already, invalid=s.invalid, add_calls=len(chunks)
    )


async def partial_failure(
    ctx: TaskContext,
    skill_id: str,
    new: list[str],
    added: list[str],
    chunk: list[str],
    number: int,
    calls: int,
    exc: ProviderError,
) -> ProviderError:
    """The error for a failed add call, naming every email that was added and every one that was not."""
    added = list(added)
    unknown: list[str] = []
    if exc.changed is None:  # the failed call may have gone through: look instead of guessing
        try:
            present = await current_testers(ctx, skill_id)
        except ProviderError:
            unknown = chunk
        else:
            added += [e for e in chunk if e.lower() in present]
    done = {e.lower() for e in added} | {e.lower() for e in unknown}
    missing = [e for e in new if e.lower() not in done]
    text = (
        f"add call {number} of {calls} failed ({exc.message.rstrip('.')}). "
        f"Added {len(added)} of {len(new)} new emails: {', '.join(added) or 'none'}. "
        f"Not added ({len(missing)}): {', '.join(missing) or 'none'}."
    )
    if unknown:
        text += f" Unknown, check with alexa_list_beta_testers ({len(unknown)}): {', '.join(unknown)}."
    return ProviderError(
        NAME,
        text,
        operation=TOOL,
        status=exc.status,
        code=exc.code,
        retry_after=exc.retry_after,
        hint=RERUN_HINT,
        changed=None if unknown else bool(added),
    )


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
    result=InviteOutcome,
    effect=Effect.WRITE,
    idempotent=True,
    toolset="testers",
    run=run,
    plan=plan,
)

TASKS: tuple[Task, ...] = (INVITE_TESTERS,)
