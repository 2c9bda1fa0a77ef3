"""What a route handler gets (`Call`) and returns (`Reply`), and the company-scoped lookups.

Every lookup checks ownership: another company's record, or a record under a different parent,
is "not found", exactly like a record that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from betaops.providers.betatesting.simulator.inputs import Input, not_found
from betaops.providers.betatesting.simulator.state import (
    ActivityRecord,
    BetaTestingState,
    CommunityTesterRecord,
    InviteRecord,
    IssueRecord,
    ItemRecord,
    ShipmentRecord,
    TesterRecord,
    TestRecord,
)


class _OfTest(Protocol):
    @property
    def test_id(self) -> int: ...


R = TypeVar("R", bound=_OfTest)


@dataclass
class Reply:
    status: int
    body: dict[str, Any] | None

    @classmethod
    def item(cls, data: dict[str, Any], status: int = 200) -> Reply:
        return cls(status, {"data": data})

    @classmethod
    def items(cls, data: list[dict[str, Any]], status: int = 200) -> Reply:
        return cls(status, {"data": data})

    @classmethod
    def no_content(cls) -> Reply:
        return cls(204, None)


@dataclass
class Call:
    """One authenticated request: who asks, the path ids, query and body, and "now"."""

    state: BetaTestingState
    company_id: int
    path: dict[str, int]
    query: Input
    body: Input
    now: str

    def _of_test(self, records: dict[int, R], key: str, kind: str) -> R:
        """The record named by path field `key`, if it belongs to the test in the path."""
        test, ident = self.test(), self.path[key]
        record = records.get(ident)
        if record is None or record.test_id != test.id:
            raise not_found(kind, ident)
        return record

    def test(self) -> TestRecord:
        test_id = self.path["test_id"]
        test = self.state.tests.get(test_id)
        if test is None or test.company_id != self.company_id:
            raise not_found("Test", test_id)
        return test

    def tester(self) -> TesterRecord:
        return self._of_test(self.state.testers, "tester_id", "Tester")

    def issue(self) -> IssueRecord:
        return self._of_test(self.state.issues, "issue_id", "Issue")

    def activity(self) -> ActivityRecord:
        return self._of_test(self.state.activities, "activity_id", "Activity")

    def item(self) -> tuple[ActivityRecord, ItemRecord]:
        activity, item_id = self.activity(), self.path["item_id"]
        for item in activity.items:
            if item.id == item_id:
                return activity, item
        raise not_found("Activity item", item_id)

    def invite(self) -> InviteRecord:
        return self._of_test(self.state.invites, "invite_id", "Invite")

    def shipment(self) -> ShipmentRecord:
        return self._of_test(self.state.shipments, "shipment_id", "Shipment")

    def community_tester(self) -> CommunityTesterRecord:
        tester_id = self.path["tester_id"]
        tester = self.state.community.get(tester_id)
        if tester is None or tester.company_id != self.company_id:
            raise not_found("Community tester", tester_id)
        return tester


Handler = Callable[[Call], Reply]
