"""What a route handler gets (`Call`) and returns (`Reply`), and the company-scoped lookups.

Every lookup checks ownership: another company's record, or a record under a different parent,
is "not found", exactly like a record that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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

    def test(self) -> TestRecord:
        test_id = self.path["test_id"]
        test = self.state.tests.get(test_id)
        if test is None or test.company_id != self.company_id:
            raise not_found("Test", test_id)
        return test

    def tester(self) -> TesterRecord:
        test, tester_id = self.test(), self.path["tester_id"]
        tester = self.state.testers.get(tester_id)
        if tester is None or tester.test_id != test.id:
            raise not_found("Tester", tester_id)
        return tester

    def issue(self) -> IssueRecord:
        test, issue_id = self.test(), self.path["issue_id"]
        issue = self.state.issues.get(issue_id)
        if issue is None or issue.test_id != test.id:
            raise not_found("Issue", issue_id)
        return issue

    def activity(self) -> ActivityRecord:
        test, activity_id = self.test(), self.path["activity_id"]
        activity = self.state.activities.get(activity_id)
        if activity is None or activity.test_id != test.id:
            raise not_found("Activity", activity_id)
        return activity

    def item(self) -> tuple[ActivityRecord, ItemRecord]:
        activity, item_id = self.activity(), self.path["item_id"]
        for item in activity.items:
            if item.id == item_id:
                return activity, item
        raise not_found("Activity item", item_id)

    def invite(self) -> InviteRecord:
        test, invite_id = self.test(), self.path["invite_id"]
        invite = self.state.invites.get(invite_id)
        if invite is None or invite.test_id != test.id:
            raise not_found("Invite", invite_id)
        return invite

    def shipment(self) -> ShipmentRecord:
        test, shipment_id = self.test(), self.path["shipment_id"]
        shipment = self.state.shipments.get(shipment_id)
        if shipment is None or shipment.test_id != test.id:
            raise not_found("Shipment", shipment_id)
        return shipment

    def community_tester(self) -> CommunityTesterRecord:
        tester_id = self.path["tester_id"]
        tester = self.state.community.get(tester_id)
        if tester is None or tester.company_id != self.company_id:
            raise not_found("Community tester", tester_id)
        return tester


Handler = Callable[[Call], Reply]
