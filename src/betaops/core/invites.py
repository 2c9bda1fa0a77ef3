"""What every invite flow shares: parsing people from free text, and one report shape per target.

Emails are checked with `email-validator` (no DNS lookups), lower-cased for de-duplication, and
kept with an optional display name ("Ada Lovelace <ada@example.com>"). Reports group emails by
outcome with exact counts; long groups are cut (the counts never are).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from typing import Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, Field

Outcome = Literal["invited", "already_there", "invalid", "failed", "not_attempted"]
SHOWN = 100  # emails listed per outcome in a report


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str | None = None
    last_name: str | None = None


def parse_people(entries: list[str]) -> tuple[dict[str, Person], list[str]]:
    """Valid people by lower-cased email (first mention wins), and the entries that are not emails."""
    people: dict[str, Person] = {}
    invalid: list[str] = []
    for entry in entries:
        name, address = parseaddr(entry.strip())
        try:
            email = validate_email(address, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            invalid.append(entry.strip())
            continue
        if email in people:
            continue
        first, _, last = name.strip().partition(" ")
        people[email] = Person(email, first or None, last.strip() or None)
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
