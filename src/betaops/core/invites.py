"""What every invite flow shares: parsing people from free text, and one report shape per target.

Every provider parses people here, with one rule, so the same list names the same people
everywhere: emails are checked with `email-validator` (no DNS lookups), lower-cased, and
de-duplicated case-insensitively (first mention wins), keeping an optional display name
("Ada Lovelace <ada@example.com>"). Reports group emails by outcome with exact counts; long
groups are cut (the counts never are).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache
from typing import Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, Field

Outcome = Literal["invited", "already_there", "invalid", "failed", "not_attempted"]
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


class Failure(BaseModel):
    email: str
    detail: str


class TargetReport(BaseModel):
    # Per target: exact counts by outcome, and the emails behind them (long lists cut).

    target: str
    counts: dict[str, int]
    emails: dict[str, list[str]]  # by outcome; at most 100 each (the counts are exact)
    failures: list[Failure] = Field(default_factory=list)
    note: str | None = None

    @classmethod
    def build(
        cls, target: str, outcomes: dict[str, Outcome], failures: dict[str, str] | None = None, note: str | None = None
    ) -> TargetReport:
        grouped: dict[str, list[str]] = {}
        for email, outcome in outcomes.items():
            grouped.setdefault(outcome, []).append(email)
        return cls(
            target=target,
            counts={k: len(v) for k, v in grouped.items()},
            emails={k: v[:SHOWN] for k, v in grouped.items()},
            failures=[Failure(email=e, detail=d) for e, d in list((failures or {}).items())[:SHOWN]],
            note=note,
        )
