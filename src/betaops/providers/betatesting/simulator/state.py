"""The simulator's in-memory provider: records as the provider stores them, plus what happened.

Records hold wire field names (snake_case) so `wire()` is the API's JSON; fields the API does not
return (the owning company) are kept out of `wire()`. Ids are global across companies, like the
real provider's, so another company's id is a valid integer that must still answer 404.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from betaops.sim.request_log import RequestRecord, WriteRecord

ID_BASES = {
    "tests": 4101,
    "testers": 88001,
    "issues": 23001,
    "activities": 7001,
    "items": 51001,
    "messages": 310001,
    "invites": 640001,
    "shipments": 9001,
    "custom_fields": 11,
    "community": 120001,
}


@dataclass
class Company:
    id: int
    name: str


@dataclass
class TestRecord:
    id: int
    company_id: int
    name: str
    status: str
    description: str | None
    platform: str | None
    max_testers: int | None
    id_verification_required: bool
    start_date: str | None
    end_date: str | None
    created_at: str
    updated_at: str

    def wire(self, tester_count: int, issue_count: int) -> dict[str, Any]:
        out = asdict(self)
        del out["company_id"]
        return out | {"tester_count": tester_count, "issue_count": issue_count}


@dataclass
class TesterRecord:
    id: int
    test_id: int
    first_name: str
    last_name: str
    email: str
    status: str
    country: str | None
    device: str | None
    joined_at: str | None
    completed_at: str | None

    def wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IssueRecord:
    id: int
    test_id: int
    title: str
    description: str
    status: str
    priority: str
    notes: str | None
    tester_id: int | None
    device: str | None
    submitted_at: str
    updated_at: str

    def wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ItemRecord:
    id: int
    type: str
    title: str
    required: bool
    options: list[str] | None
    position: int

    def wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ActivityRecord:
    id: int
    test_id: int
    title: str
    type: str
    description: str | None
    status: str
    created_at: str
    items: list[ItemRecord] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)

    def wire(self, *, with_responses: bool) -> dict[str, Any]:
        out = asdict(self)
        out["response_count"] = len({r["tester_id"] for r in self.responses})
        if not with_responses:
            del out["responses"]
        return out


@dataclass
class MessageRecord:
    id: int
    test_id: int
    tester_id: int
    direction: str
    subject: str | None
    body: str
    sent_at: str

    def wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class InviteSettingsRecord:
    test_id: int
    auto_accept: bool
    max_invites: int
    invite_message: str
    require_screener: bool

    def wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class InviteRecord:
    id: int
    test_id: int
    email: str
    status: str
    sent_at: str
    expires_at: str

    def wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ShipmentRecord:
    id: int
    test_id: int
    tester_id: int
    carrier: str | None
    tracking_number: str | None
    status: str
    shipped_at: str | None

    def wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CustomFieldRecord:
    id: int
    company_id: int
    key: str
    name: str
    type: str
    options: list[str] | None

    def wire(self) -> dict[str, Any]:
        out = asdict(self)
        del out["company_id"]
        return out


@dataclass
class CommunityTesterRecord:
    id: int
    company_id: int
    email: str
    first_name: str | None
    last_name: str | None
    country: str | None
    tags: list[str]
    custom_fields: dict[str, Any]
    id_verification_required: bool
    created_at: str

    def wire(self) -> dict[str, Any]:
        out = asdict(self)
        del out["company_id"]
        return out


@dataclass(frozen=True)
class IssuedToken:
    """An OAuth2 access token the simulator handed out."""

    client_id: str
    company_id: int
    scopes: frozenset[str]
    expires_at: float


@dataclass
class BetaTestingState:
    """Everything the simulated provider knows, and logs of what it was asked and what it did."""

    seed: int = 7
    companies: dict[int, Company] = field(default_factory=dict)
    tests: dict[int, TestRecord] = field(default_factory=dict)
    testers: dict[int, TesterRecord] = field(default_factory=dict)
    issues: dict[int, IssueRecord] = field(default_factory=dict)
    activities: dict[int, ActivityRecord] = field(default_factory=dict)
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    invite_settings: dict[int, InviteSettingsRecord] = field(default_factory=dict)  # by test id
    invites: dict[int, InviteRecord] = field(default_factory=dict)
    shipments: dict[int, ShipmentRecord] = field(default_factory=dict)
    custom_fields: dict[int, CustomFieldRecord] = field(default_factory=dict)
    community: dict[int, CommunityTesterRecord] = field(default_factory=dict)
    tokens: dict[str, IssuedToken] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=lambda: dict(ID_BASES))
    write_log: list[WriteRecord] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)

    def next_id(self, kind: str) -> int:
        value = self.counters[kind]
        self.counters[kind] = value + 1
        return value

    def test_wire(self, test: TestRecord) -> dict[str, Any]:
        testers = sum(1 for t in self.testers.values() if t.test_id == test.id and t.status != "removed")
        issues = sum(1 for i in self.issues.values() if i.test_id == test.id)
        return test.wire(testers, issues)

    def company_tests(self, company_id: int) -> list[TestRecord]:
        return [t for t in self.tests.values() if t.company_id == company_id]
