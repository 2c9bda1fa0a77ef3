"""What every invite flow shares: parsing people, one per-person outcome, one report shape per target.

Every provider parses people here, with one rule, so the same list names the same people
everywhere: emails are checked with `email-validator` (no DNS lookups), lower-cased, and
de-duplicated case-insensitively (first mention wins), keeping an optional display name
("Ada Lovelace <ada@example.com>").

Every invite tool answers in one vocabulary (`Outcome`), person by person (`PersonOutcome`), so
the cross-provider invite reads any provider's answer without translating it. A write whose
answer was lost is "unknown", not "failed": it may have happened, so it is never resent blindly
(calling again reads who is in first). Reports group emails by outcome with exact counts; long
groups are cut (the counts never are).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache
from typing import Any, Literal, Self

from pydantic import Field

from betaops.core.errors import ProviderError
from betaops.core.model import Model

Outcome = Literal["invited", "already_there", "invalid", "failed", "unknown", "not_attempted"]
SHOWN = 100  # emails listed per outcome in a report


@dataclass(frozen=True)
class Person:
    email: str  # lower-cased: the de-duplication key everywhere
    first_name: str | None = None
    last_name: str | None = None

    @property
    def entry(self) -> str:
        """The person as an entry again ("First Last <email>"), for flows that take entries."""
        name = " ".join(x for x in (self.first_name, self.last_name) if x)
        return f"{name} <{self.email}>" if name else self.email


@lru_cache(maxsize=20_000)
def parse_person(entry: str) -> Person:
    """One entry ("email" or "First Last <email>") as a Person; ValueError says why it is not an email.

    Pure, so cached: a 500-person invite is parsed by the invite, by each target's plan, and again
    when the plan is re-checked after approval; validating an address costs about a millisecond."""
    # Imported here: its Unicode tables cost a server start tens of milliseconds, and most never invite.
    from email_validator import EmailNotValidError, validate_email

    name, address = parseaddr(entry.strip())
    if not address:
        raise ValueError("not an email address")
    try:
        email = validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc
    first, _, last = name.strip().partition(" ")
    return Person(email, first or None, last.strip() or None)


def parse_people(entries: list[str]) -> tuple[dict[str, Person], list[str]]:
    """Valid people by lower-cased email (first mention wins), and the entries that are not emails."""
    people: dict[str, Person] = {}
    invalid: list[str] = []
    for entry in entries:
        try:
            person = parse_person(entry)
        except ValueError:
            invalid.append(entry.strip())
            continue
        people.setdefault(person.email, person)
    return people, invalid


class PersonOutcome(Model):
    """One person's outcome at one target; `detail` says why (a failure keeps the provider's reason)."""

    email: str
    outcome: Outcome
    detail: str | None = None


def after_error(emails: Iterable[str], exc: ProviderError) -> list[PersonOutcome]:
    """The people of a write that raised: "failed" if nothing changed, else "unknown" (it may have happened)."""
    outcome: Outcome = "failed" if exc.changed is False else "unknown"
    return [PersonOutcome(email=e, outcome=outcome, detail=str(exc)) for e in emails]


UNKNOWN_NOTE = (
    "Some writes may have happened (their answer was lost). Calling again reads who is in first and invites only "
    "who is still missing."
)


class InviteResult(Model):
    """What an invite tool did, person by person, with exact counts by outcome."""

    counts: dict[str, int] = Field(description="How many had each outcome")
    outcomes: Sequence[PersonOutcome]
    note: str | None = None

    @classmethod
    def of(cls, outcomes: Sequence[PersonOutcome], note: str | None = None, **fields: Any) -> Self:
        """The result over these outcomes (counted here); a note says what to do about unknown ones."""
        if note is None and any(o.outcome == "unknown" for o in outcomes):
            note = UNKNOWN_NOTE
        outcomes, shared = _shared_reasons(outcomes)
        note = " ".join(x for x in (note, shared) if x) or None
        return cls(counts=tally(outcomes), outcomes=outcomes, note=note, **fields)


def _shared_reasons(outcomes: Sequence[PersonOutcome]) -> tuple[Sequence[PersonOutcome], str | None]:
    """A reason shared by several people is said once, in the note, not once per person.

    One refused bulk call fails every person in it with the same provider text; repeating it per
    person made a 459-person answer over 200 KB. The reason is kept (never dropped), only not repeated.
    """
    seen: dict[str, int] = {}
    for o in outcomes:
        if o.detail and o.outcome in ("failed", "unknown"):
            seen[o.detail] = seen.get(o.detail, 0) + 1
    shared = {d for d, n in seen.items() if n > 1}
    if not shared:
        return outcomes, None
    kept = [o.model_copy(update={"detail": None}) if o.detail in shared else o for o in outcomes]
    return kept, " ".join(f"For {seen[d]} people: {d}" for d in sorted(shared, key=lambda d: -seen[d]))


def tally(outcomes: Iterable[PersonOutcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.outcome] = counts.get(o.outcome, 0) + 1
    return counts


class Failure(Model):
    email: str
    detail: str


class TargetReport(Model):
    # Per target: exact counts by outcome, and the emails behind them (long lists cut).

    target: str
    counts: dict[str, int]
    emails: dict[str, list[str]]  # by outcome; at most 100 each (the counts are exact)
    failures: list[Failure] = Field(default_factory=list)
    note: str | None = None

    @classmethod
    def build(cls, target: str, outcomes: Iterable[PersonOutcome], note: str | None = None) -> TargetReport:
        """The report of one target; failures are the people not invited whose outcome says why."""
        grouped: dict[str, list[str]] = {}
        failures: list[Failure] = []
        for o in outcomes:
            grouped.setdefault(o.outcome, []).append(o.email)
            if o.detail and o.outcome not in ("invited", "already_there"):
                failures.append(Failure(email=o.email, detail=o.detail))
        return cls(
            target=target,
            counts={k: len(v) for k, v in grouped.items()},
            emails={k: v[:SHOWN] for k, v in grouped.items()},
            failures=failures[:SHOWN],
            note=note,
        )
