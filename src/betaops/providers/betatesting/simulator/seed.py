"""Seed data: a realistic, deterministic provider account to test against.

Company 1 ("Northwind Apps") runs eight tests in every stage, with a few hundred testers, several
hundred issues (one test has 150+), surveys and tasks with answers, messages, invites, hardware
shipments and a tester community. Company 2 ("Other Co") exists so isolation can be tested: its ids
are interleaved with company 1's (ids are assigned in creation order across companies).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from betaops.providers.betatesting.simulator import seed_text as txt
from betaops.providers.betatesting.simulator.config import COMPANY_ID, OTHER_COMPANY_ID, SIM_NOW
from betaops.providers.betatesting.simulator.state import (
    ActivityRecord,
    BetaTestingState,
    CommunityTesterRecord,
    Company,
    CustomFieldRecord,
    InviteRecord,
    InviteSettingsRecord,
    IssueRecord,
    ItemRecord,
    MessageRecord,
    ShipmentRecord,
    TesterRecord,
    TestRecord,
)
from betaops.sim.clock import iso

DAY = 86400.0
T = TypeVar("T")


@dataclass(frozen=True)
class TestPlan:
    company_id: int
    name: str
    status: str
    platform: str
    vocabulary: str  # key into seed_text.SCREENS
    description: str
    created_days_ago: float
    start_days_ago: float | None
    end_days_ago: float | None
    testers: int
    issues: int


PLANS = (
    TestPlan(COMPANY_ID, "Holiday Promo Onboarding Flow", "closed", "ios", "promo",
             "Walk through the new holiday onboarding and tell us where you hesitate.", 140, 90, 45, 22, 16),
    TestPlan(COMPANY_ID, "Northwind Desktop Sync 2.4", "complete", "desktop", "sync",
             "Use Desktop Sync for a week with your real files; report any sync conflicts.",
             130, 89, 20, 30, 38),
    TestPlan(COMPANY_ID, "Pantry Pal iOS 3.0 Beta", "in_progress", "ios", "pantry",
             "Plan meals, scan groceries and check out with the redesigned Pantry Pal 3.0.",
             110, 88, None, 64, 172),
    TestPlan(COMPANY_ID, "Pantry Pal Android 3.0 Beta", "in_progress", "android", "pantry",
             "The Android build of Pantry Pal 3.0: same tasks as iOS, on your own phone.",
             100, 75, None, 48, 88),
    TestPlan(OTHER_COMPANY_ID, "Otter Notes Web Beta", "in_progress", "web", "notes",
             "Take notes in the new web editor.", 95, 70, None, 8, 6),
    TestPlan(COMPANY_ID, "FitTrack Band Hardware Pilot", "paused", "hardware", "band",
             "Wear the FitTrack Band for two weeks; we ship the device to you.", 92, 65, None, 14, 26),
    TestPlan(COMPANY_ID, "Northwind Checkout Redesign (Web)", "in_progress", "web", "checkout",
             "Buy something on the redesigned web checkout using the test card we provide.",
             80, 60, None, 40, 64),
    TestPlan(OTHER_COMPANY_ID, "Otter Notes Android", "draft", "android", "notes",
             "Android app for Otter Notes.", 12, None, None, 2, 0),
    TestPlan(COMPANY_ID, "Pantry Pal Home Screen Widgets Study", "ready", "ios", "pantry",
             "A short usability study of the new home screen widgets.", 9, None, None, 6, 0),
    TestPlan(COMPANY_ID, "Northwind Wallet Pass Integration", "draft", "android", "checkout",
             "Add your loyalty card to Google Wallet and use it in store.", 3, None, None, 0, 0),
)  # fmt: skip

TESTER_STATUS_WEIGHTS = {
    "running": {
        "incomplete": 50,
        "complete": 20,
        "pending_review": 14,
        "stuck": 6,
        "opt_out": 5,
        "removed": 5,
    },
    "finished": {"complete": 75, "incomplete": 8, "opt_out": 7, "removed": 5, "stuck": 5},
    "not_started": {"pending_review": 1},
}
ISSUE_STATUS_WEIGHTS = {
    "running": {"to_do": 25, "in_progress": 15, "complete": 20, "needs_more_info": 10, "retest": 10,
                "outside_scope": 8, "draft": 5},
    "finished": {"complete": 55, "outside_scope": 15, "to_do": 10, "retest": 5, "needs_more_info": 5,
                 "in_progress": 5, "draft": 2},
}  # fmt: skip
PRIORITY_WEIGHTS = {"critical": 6, "high": 20, "medium": 40, "low": 24, "trivial": 10}


def _phase(status: str) -> str:
    if status in ("in_progress", "paused"):
        return "running"
    return "finished" if status in ("complete", "closed") else "not_started"


class _Gen:
    """Seeded helpers; every random choice in the seed goes through one `random.Random`."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def weighted(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def between(self, start: float, end: float) -> float:
        return self.rng.uniform(start, max(start, end))

    def person(self) -> tuple[str, str, str]:
        first, last = self.pick(txt.FIRST_NAMES), self.pick(txt.LAST_NAMES)
        local = f"{first}.{last}".lower().replace("'", "")
        local = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
        return first, last, f"{local}{self.rng.randrange(1, 999)}@{self.pick(txt.EMAIL_DOMAINS)}"


def _ago(days: float) -> float:
    return SIM_NOW - days * DAY


def _assign_ids(state: BetaTestingState, kind: str, rows: list[tuple[float, Any]]) -> None:
    """Give records ids in creation order across all tests and companies (ids are global)."""
    for _, record in sorted(rows, key=lambda r: r[0]):
        record.id = state.next_id(kind)


def _tests(state: BetaTestingState) -> list[tuple[TestPlan, TestRecord]]:
    out = []
    for plan in sorted(PLANS, key=lambda p: -p.created_days_ago):
        created = iso(_ago(plan.created_days_ago))
        last_change = _ago(plan.end_days_ago or plan.start_days_ago or plan.created_days_ago)
        test = TestRecord(
            id=state.next_id("tests"),
            company_id=plan.company_id,
            name=plan.name,
            status=plan.status,
            description=plan.description,
            platform=plan.platform,
            max_testers=max(10, plan.testers + 20),
            id_verification_required=plan.platform == "hardware",
            start_date=iso(_ago(plan.start_days_ago)) if plan.start_days_ago else None,
            end_date=iso(_ago(plan.end_days_ago)) if plan.end_days_ago else None,
            created_at=created,
            updated_at=iso(last_change),
        )
        state.tests[test.id] = test
        out.append((plan, test))
    return out


def _window(plan: TestPlan) -> tuple[float, float]:
    """When the test ran: (start, end) in Unix seconds."""
    start = _ago(plan.start_days_ago or plan.created_days_ago)
    return start, _ago(plan.end_days_ago) if plan.end_days_ago else SIM_NOW


def _testers(g: _Gen, state: BetaTestingState, plans: list[tuple[TestPlan, TestRecord]]) -> None:
    rows: list[tuple[float, TesterRecord]] = []
    for plan, test in plans:
        start, end = _window(plan)
        weights = TESTER_STATUS_WEIGHTS[_phase(plan.status)]
        for n in range(plan.testers):
            first, last, email = g.person()
            if test.name.startswith("Pantry Pal iOS") and n == 3:
                first, last = txt.HOSTILE_TESTER_NAME
            status = g.weighted(weights)
            applied = g.between(start - 7 * DAY, end - DAY)
            joined = None if status == "pending_review" else g.between(applied, min(end, applied + 3 * DAY))
            done = g.between(joined, end) if joined and status == "complete" else None
            tester = TesterRecord(
                0,
                test.id,
                first,
                last,
                email,
                status,
                g.pick(txt.COUNTRIES),
                g.pick(txt.DEVICES[plan.platform]),
                iso(joined) if joined else None,
                iso(done) if done else None,
            )
            rows.append((applied, tester))
    _assign_ids(state, "testers", rows)
    state.testers = {t.id: t for _, t in sorted(rows, key=lambda r: r[1].id)}


def _issue_text(g: _Gen, plan: TestPlan, device: str) -> tuple[str, str]:
    screen, action = g.pick(txt.SCREENS[plan.vocabulary]), g.pick(txt.ACTIONS)
    title = g.pick(txt.TITLE_TEMPLATES).format(screen=screen, Screen=screen.capitalize(), action=action)
    description = (
        f"Steps to reproduce:\n1. Open the {screen} screen.\n2. Try {action}.\n3. Watch the screen.\n\n"
        f"Expected: {g.pick(txt.EXPECTED)}.\nActual: {g.pick(txt.ACTUAL)}.\n\n"
        f"Device: {device}. Happens {g.pick(txt.FREQUENCY)}."
    )
    return title, description


def _issues(g: _Gen, state: BetaTestingState, plans: list[tuple[TestPlan, TestRecord]]) -> None:
    rows: list[tuple[float, IssueRecord]] = []
    for plan, test in plans:
        start, end = _window(plan)
        reporters = [t for t in state.testers.values() if t.test_id == test.id and t.joined_at]
        weights = ISSUE_STATUS_WEIGHTS.get(_phase(plan.status), ISSUE_STATUS_WEIGHTS["running"])
        for n in range(plan.issues):
            reporter = g.pick(reporters)
            submitted = g.between(start + DAY, end)
            title, description = _issue_text(g, plan, reporter.device or "unknown device")
            if plan.name.startswith("Pantry Pal iOS") and n in (5, 40):
                title, description = txt.HOSTILE_ISSUES[0 if n == 5 else 1]
            status = g.weighted(weights)
            updated = submitted if status == "draft" else g.between(submitted, min(end, submitted + 30 * DAY))
            issue = IssueRecord(
                0,
                test.id,
                title,
                description,
                status,
                g.weighted(PRIORITY_WEIGHTS),
                g.pick(txt.NOTES) if g.rng.random() < 0.3 and status != "draft" else None,
                reporter.id,
                reporter.device,
                iso(submitted),
                iso(updated),
            )
            rows.append((submitted, issue))
    _assign_ids(state, "issues", rows)
    state.issues = {i.id: i for _, i in sorted(rows, key=lambda r: r[1].id)}


def _activities(g: _Gen, state: BetaTestingState, plans: list[tuple[TestPlan, TestRecord]]) -> None:
    for plan, test in sorted(plans, key=lambda p: p[1].created_at):
        if plan.status == "draft":
            continue
        status = {"running": "published", "finished": "closed"}.get(_phase(plan.status), "draft")
        answering = [t for t in state.testers.values() if t.test_id == test.id and t.joined_at][:20]
        for title, kind in (
            ("First impressions survey", "survey"),
            ("Core tasks", "task"),
            ("Final feedback survey", "survey"),
        ):
            activity = ActivityRecord(
                state.next_id("activities"),
                test.id,
                title,
                kind,
                f"{title} for {test.name}.",
                status,
                test.created_at,
            )
            if kind == "survey":
                for question, options in g.rng.sample(txt.SURVEY_QUESTIONS, 3):
                    pos = len(activity.items) + 1
                    activity.items.append(ItemRecord(state.next_id("items"), "question", question, True, options, pos))
            else:
                for task in txt.TASKS:
                    pos = len(activity.items) + 1
                    activity.items.append(ItemRecord(state.next_id("items"), "task", task, pos < 3, None, pos))
            if status != "draft":
                for tester in answering:
                    for item in activity.items:
                        answer = (
                            g.pick(item.options)
                            if item.options
                            else g.pick(txt.FREE_TEXT_ANSWERS)
                            if item.type == "question"
                            else g.pick(("done", "done", "done", "skipped", "blocked"))
                        )
                        activity.responses.append(
                            {
                                "tester_id": tester.id,
                                "item_id": item.id,
                                "answer": answer,
                                "submitted_at": tester.joined_at,
                            }
                        )
            state.activities[activity.id] = activity


def _messages(g: _Gen, state: BetaTestingState, plans: list[tuple[TestPlan, TestRecord]]) -> None:
    rows: list[tuple[float, MessageRecord]] = []
    for plan, test in plans:
        start, end = _window(plan)
        joined = [t for t in state.testers.values() if t.test_id == test.id and t.joined_at]
        for n in range(min(len(joined), 18)):
            tester, sent = g.pick(joined), g.between(start, end)
            if n % 3 == 2:
                body = txt.HOSTILE_MESSAGE if plan.name.startswith("Pantry Pal iOS") and n == 2 else None
                msg = MessageRecord(
                    0, test.id, tester.id, "from_tester", None, body or g.pick(txt.FROM_TESTER_MESSAGES), iso(sent)
                )
            else:
                subject, text = g.pick(txt.TO_TESTER_MESSAGES)
                msg = MessageRecord(0, test.id, tester.id, "to_tester", subject, text, iso(sent))
            rows.append((sent, msg))
    _assign_ids(state, "messages", rows)
    state.messages = {m.id: m for _, m in sorted(rows, key=lambda r: r[1].id)}


def _invites(g: _Gen, state: BetaTestingState, plans: list[tuple[TestPlan, TestRecord]]) -> None:
    rows: list[tuple[float, InviteRecord]] = []
    for plan, test in plans:
        state.invite_settings[test.id] = InviteSettingsRecord(
            test.id,
            auto_accept=plan.platform == "web",
            max_invites=max(50, plan.testers * 4),
            invite_message=f"You're invited to test {test.name}. It takes about 30 minutes a week.",
            require_screener=plan.platform != "web",
        )
        if plan.status == "draft":
            continue
        start, end = _window(plan)
        for _ in range(g.rng.randrange(15, 35)):
            sent = g.between(start - 10 * DAY, end)
            status = g.weighted({"accepted": 40, "pending": 20, "declined": 15, "expired": 15, "revoked": 10})
            if status == "pending":
                sent = g.between(max(sent, SIM_NOW - 13 * DAY), SIM_NOW - DAY)
            if status == "expired":
                sent = min(sent, SIM_NOW - 15 * DAY)
            invite = InviteRecord(0, test.id, g.person()[2], status, iso(sent), iso(sent + 14 * DAY))
            rows.append((sent, invite))
    _assign_ids(state, "invites", rows)
    state.invites = {i.id: i for _, i in sorted(rows, key=lambda r: r[1].id)}


def _tracking(g: _Gen, carrier: str) -> str:
    digits = {"UPS": 16, "FedEx": 12, "DHL": 10, "USPS": 22}[carrier]
    number = "".join(str(g.rng.randrange(10)) for _ in range(digits))
    return f"1Z{number}" if carrier == "UPS" else number


def _shipments(g: _Gen, state: BetaTestingState, plans: list[tuple[TestPlan, TestRecord]]) -> None:
    for plan, test in plans:
        if plan.platform != "hardware":
            continue
        for tester in [t for t in state.testers.values() if t.test_id == test.id and t.joined_at]:
            status = g.weighted({"delivered": 60, "shipped": 20, "pending": 12, "returned": 8})
            carrier = g.pick(txt.CARRIERS)
            shipped = iso(g.between(_window(plan)[0], SIM_NOW - 2 * DAY)) if status != "pending" else None
            shipment = ShipmentRecord(
                state.next_id("shipments"),
                test.id,
                tester.id,
                carrier if shipped else None,
                _tracking(g, carrier) if shipped else None,
                status,
                shipped,
            )
            state.shipments[shipment.id] = shipment


CUSTOM_FIELDS = (
    (COMPANY_ID, "household_size", "Household size", "number", None),
    (COMPANY_ID, "primary_device", "Primary device", "select",
     ["iPhone", "Android phone", "iPad", "Android tablet", "Windows PC", "Mac"]),
    (OTHER_COMPANY_ID, "team", "Team", "text", None),
    (COMPANY_ID, "shirt_size", "T-shirt size", "select", ["XS", "S", "M", "L", "XL", "XXL"]),
    (COMPANY_ID, "signup_source", "Signup source", "text", None),
    (COMPANY_ID, "beta_since", "Beta tester since", "date", None),
)  # fmt: skip


def _community(g: _Gen, state: BetaTestingState) -> None:
    for company_id, key, name, kind, options in CUSTOM_FIELDS:
        field_id = state.next_id("custom_fields")
        state.custom_fields[field_id] = CustomFieldRecord(field_id, company_id, key, name, kind, options)
    rows: list[tuple[float, CommunityTesterRecord]] = []
    seen: set[str] = set()
    for n in range(156):
        company_id = OTHER_COMPANY_ID if n % 26 == 25 else COMPANY_ID
        first, last, email = g.person()
        if email in seen:
            email = email.replace("@", f".{n}@")
        seen.add(email)
        if n == 7:
            first = "Jo\u200bhn\u202e"
        created = g.between(_ago(400), _ago(1))
        fields: dict[str, Any] = {}
        if company_id == COMPANY_ID:
            fields = {
                "household_size": g.rng.randrange(1, 7),
                "primary_device": g.pick(CUSTOM_FIELDS[1][4] or []),
                "beta_since": iso(created)[:10],
            }
            if g.rng.random() < 0.5:
                fields["shirt_size"] = g.pick(("S", "M", "L", "XL"))
        tester = CommunityTesterRecord(
            0,
            company_id,
            email,
            first,
            last,
            g.pick(txt.COUNTRIES),
            g.rng.sample(txt.COMMUNITY_TAGS, g.rng.randrange(0, 4)),
            fields,
            False,
            iso(created),
        )
        rows.append((created, tester))
    _assign_ids(state, "community", rows)
    state.community = {t.id: t for _, t in sorted(rows, key=lambda r: r[1].id)}


def build_state(seed: int = 7) -> BetaTestingState:
    """A fresh provider account; the same seed always gives the same data."""
    g = _Gen(seed)
    state = BetaTestingState(seed=seed)
    state.companies = {
        COMPANY_ID: Company(COMPANY_ID, "Northwind Apps"),
        OTHER_COMPANY_ID: Company(2, "Other Co"),
    }
    plans = _tests(state)
    _testers(g, state, plans)
    _issues(g, state, plans)
    _activities(g, state, plans)
    _messages(g, state, plans)
    _invites(g, state, plans)
    _shipments(g, state, plans)
    _community(g, state)
    return state
