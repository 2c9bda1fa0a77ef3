"""The simulator's in-memory Betasend account, and how each record looks on the wire.

Dates are stored as the provider's database holds them (`yyyy-mm-dd hh:mm:ss`, with
`0000-00-00 00:00:00` for "never" and `""` for a date that was never set) and rendered per
endpoint: list endpoints echo them as stored, subscriber details reformats them the way the
provider's PHP does (`dd-mm-yyyy`; a zero date becomes `30-11--0001 00:00:00`, an empty one the
epoch in the account's New York time zone, `31-12-1969 19:00:00`). Both renderings are in the doc.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from betaops.sim.request_log import WriteRecord

ZERO_DATE = "0000-00-00 00:00:00"
ACTIVE, DELETED = "Active", "Deleted"


def details_date(stored: str) -> str:
    """`yyyy-mm-dd hh:mm:ss` -> `dd-mm-yyyy hh:mm:ss`, with PHP's renderings of zero and empty dates."""
    if stored == ZERO_DATE:
        return "30-11--0001 00:00:00"
    if not stored:
        return "31-12-1969 19:00:00"
    day, time = stored.split(" ")
    y, mo, d = day.split("-")
    return f"{d}-{mo}-{y} {time}"


@dataclass
class Account:
    user_id: int
    domain: str
    email: str
    first_name: str
    last_name: str
    user_code: str
    mailer_settings: str
    reputation: str
    company: str = ""
    address: str = ""
    city: str = ""
    zipcode: str = ""
    country: str = ""
    state: str = ""
    phone: str = ""

    def wire(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "domain": self.domain,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "user_code": self.user_code,
            "mailer_settings": self.mailer_settings,
            "reputation": self.reputation,
        }


@dataclass
class MailingList:
    list_id: int
    list_name: str
    list_key: str
    created_by: str
    date_added: str
    status: str = ACTIVE
    default_from_name: str = ""
    default_from_email: str = ""
    default_reply_email: str = ""
    default_subject: str = ""
    description: str = ""
    contact_name: str = ""
    contact_email: str = ""
    company: str = ""
    address: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""
    state_code: str = ""
    phone: str = ""
    deleted_date: str = ZERO_DATE
    click_rate: str = "0%"
    open_rate: str = "0%"

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def wire(self) -> dict[str, Any]:
        return {
            "list_id": self.list_id,
            "list_name": self.list_name,
            "default_from_name": self.default_from_name,
            "default_from_email": self.default_from_email,
            "default_reply_email": self.default_reply_email,
            "default_subject": self.default_subject,
            "list_key": self.list_key,
            "description": self.description,
            "created_by": self.created_by,
            "contact_name": self.contact_name,
            "contact_email": self.contact_email,
            "company": self.company,
            "address": self.address,
            "city": self.city,
            "postal_code": self.postal_code,
            "country": self.country,
            "state_code": self.state_code,
            "phone": self.phone,
            "status": self.status,
            "date_added": self.date_added,
            "deleted_date": self.deleted_date,
        }


@dataclass
class Subscriber:
    """An email address in the account (general subscription state)."""

    subscribe_id: int
    email: str
    first_name: str
    last_name: str
    subscribed: str  # "Yes" / "No"
    subscribed_date: str
    unsubscribed_date: str | None  # None: not shown in details
    time_zone: str = "America/New_York"
    status: str = ACTIVE
    deleted_date: str = ZERO_DATE

    def short_wire(self) -> dict[str, Any]:
        """The account-wide `list-subscribers` item (no list_id given)."""
        return {
            "subscribe_id": self.subscribe_id,
            "subscribed": self.subscribed,
            "email": self.email,
            "status": self.status,
            "deleted_date": self.deleted_date,
        }

    def general_info(self) -> dict[str, Any]:
        out = {"subscribed": self.subscribed, "subscribed-date": details_date(self.subscribed_date)}
        if self.unsubscribed_date is not None:
            out["unsubscribed-date"] = details_date(self.unsubscribed_date)
        return out


@dataclass
class Membership:
    """One subscriber in one list, with the list's sender defaults as they were at signup."""

    subscribe_id: int
    list_id: int
    subscribed: str
    subscribed_date: str
    unsubscribed_date: str | None
    default_from_name: str
    default_from_email: str
    default_reply_email: str
    default_subject: str
    description: str
    status: str = ACTIVE
    deleted_date: str = ZERO_DATE
    signup_method: str = "Manual"
    signup_url: str = ""

    def wire(self, sub: Subscriber) -> dict[str, Any]:
        return {
            "subscribe_id": sub.subscribe_id,
            "subscribed": self.subscribed,
            "email": sub.email,
            "first_name": sub.first_name,
            "last_name": sub.last_name,
            "subscribed_date": self.subscribed_date,
            "time_zone": sub.time_zone,
            "unsubscribed_date": self.unsubscribed_date or "",
            "list_id": self.list_id,
            "status": self.status,
            "subscriber_status": sub.status,
            "deleted_date": self.deleted_date,
            "default_from_name": self.default_from_name,
            "default_from_email": self.default_from_email,
            "default_reply_email": self.default_reply_email,
            "default_subject": self.default_subject,
            "description": self.description,
            "signup_method": self.signup_method,
            "signup_url": self.signup_url,
            "date_added": self.subscribed_date,
        }

    def list_info(self, lst: MailingList) -> dict[str, Any]:
        out: dict[str, Any] = {
            "list-id": self.list_id,
            "list-name": lst.list_name,
            "subscribed": self.subscribed,
            "subscribed-date": details_date(self.subscribed_date),
        }
        if self.unsubscribed_date is not None:
            out["unsubscribed-date"] = details_date(self.unsubscribed_date)
        return out


@dataclass(frozen=True)
class SentEmail:
    """A verification email the simulator 'sent' (tests read the code from here)."""

    to: str
    code: str
    at: float


@dataclass(frozen=True)
class FormRequest:
    """One request as received; `api` and `hash` are never kept, only whether they were sent."""

    method: str
    path: str
    form: dict[str, str]
    had_credentials: bool
    attempt: str | None
    at: float


@dataclass
class BetasendState:
    account: Account
    lists: dict[int, MailingList] = field(default_factory=dict)
    subscribers: dict[int, Subscriber] = field(default_factory=dict)
    memberships: dict[tuple[int, int], Membership] = field(default_factory=dict)  # (subscribe_id, list_id)
    pending_codes: dict[str, str] = field(default_factory=dict)  # code -> email
    verified_emails: set[str] = field(default_factory=set)
    outbox: list[SentEmail] = field(default_factory=list)
    requests: list[FormRequest] = field(default_factory=list)
    write_log: list[WriteRecord] = field(default_factory=list)

    def active_list(self, list_id: int) -> MailingList | None:
        lst = self.lists.get(list_id)
        return lst if lst is not None and lst.active else None

    def by_email(self, email: str) -> Subscriber | None:
        """The account's (non-deleted) subscriber with this email, case-insensitively."""
        wanted = email.strip().lower()
        return next(
            (s for s in self.subscribers.values() if s.email.lower() == wanted and s.status != DELETED),
            None,
        )

    def memberships_of(self, subscribe_id: int) -> list[Membership]:
        return sorted(
            (m for m in self.memberships.values() if m.subscribe_id == subscribe_id and m.status != DELETED),
            key=lambda m: m.list_id,
        )

    def members(self, list_id: int) -> list[Membership]:
        return [m for m in self.memberships.values() if m.list_id == list_id and m.status != DELETED]

    def next_subscriber_id(self) -> int:
        return max(self.subscribers, default=0) + 1

    def next_list_id(self) -> int:
        return max(self.lists, default=0) + 1
