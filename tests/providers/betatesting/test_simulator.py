"""The BetaTesting simulator over HTTP: the 43-operation contract, then the provider's rules.

Every request goes through `sim_transport`, as the real client's would; time is a `FakeClock`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from betaops.core.operation import Operation, Returns
from betaops.providers.betatesting import models as m
from betaops.providers.betatesting.operations import BY_NAME, OPERATIONS
from betaops.providers.betatesting.simulator import (
    OTHER_COMPANY_API_KEY,
    OTHER_COMPANY_ID,
    READONLY_CLIENT_ID,
    READONLY_CLIENT_SECRET,
    SANDBOX_API_KEY,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SIM_NOW,
    BetaTestingState,
    SimConfig,
    build_state,
    create_app,
)
from betaops.providers.betatesting.simulator.seed_text import INSTRUCTION_TEXT
from betaops.sim import (
    FakeClock,
    Fault,
    FaultKind,
    FaultRates,
    Faults,
    IdempotencyConflictError,
    IdempotencyStore,
    SlidingWindowLimiter,
    sim_transport,
)

pytestmark = pytest.mark.anyio

BASE_URL = "http://sandbox/api/external/v2"
AUTH = {"Authorization": f"Bearer {SANDBOX_API_KEY}"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Sim:
    state: BetaTestingState
    config: SimConfig
    clock: FakeClock
    http: httpx2.AsyncClient

    @property
    def faults(self) -> Faults:
        return self.config.faults


@asynccontextmanager
async def open_sim(headers: dict[str, str] | None = None, **config: Any) -> AsyncIterator[Sim]:
    clock = FakeClock(SIM_NOW)
    cfg = SimConfig(clock=clock, **config)
    state = build_state()
    transport = sim_transport(create_app(state, cfg))
    async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers or AUTH) as http:
        yield Sim(state, cfg, clock, http)


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with open_sim() as s:
        yield s


# ---------------------------------------------------------------------------- seeded ids


@dataclass(frozen=True)
class Ids:
    """Ids of seeded records fit for each operation (found, not hard-coded)."""

    test: int
    draft: int
    pending_tester: int
    active_tester: int
    issue: int
    activity: int
    item: int
    invite: int
    hardware: int
    shipment: int
    member: int

    @classmethod
    def of(cls, s: BetaTestingState) -> Ids:
        mine = [t for t in s.tests.values() if t.company_id == 1]
        test = max((t for t in mine if t.status == "in_progress"), key=lambda t: _count(s, t.id))
        in_test = [t for t in s.testers.values() if t.test_id == test.id]
        activity = next(a for a in s.activities.values() if a.test_id == test.id and a.items)
        hardware = next(t for t in mine if t.platform == "hardware")
        return cls(
            test=test.id,
            draft=next(t.id for t in mine if t.status == "draft"),
            pending_tester=next(t.id for t in in_test if t.status == "pending_review"),
            active_tester=next(t.id for t in in_test if t.status == "incomplete"),
            issue=next(i.id for i in s.issues.values() if i.test_id == test.id),
            activity=activity.id,
            item=activity.items[0].id,
            invite=next(i.id for i in s.invites.values() if i.test_id == test.id and i.status == "pending"),
            hardware=hardware.id,
            shipment=next(x.id for x in s.shipments.values() if x.test_id == hardware.id),
            member=next(c.id for c in s.community.values() if c.company_id == 1),
        )


def _count(s: BetaTestingState, test_id: int) -> int:
    return sum(1 for i in s.issues.values() if i.test_id == test_id)


# One sample call per operation: the contract test runs each against a fresh simulator.
SAMPLES: dict[str, Callable[[Ids], dict[str, Any]]] = {
    "list_tests": lambda i: {"status": "in_progress"},
    "get_test": lambda i: {"test_id": i.test},
    "create_test": lambda i: {"name": "Pantry Pal 3.1", "platform": "ios", "max_testers": 50},
    "update_test": lambda i: {"test_id": i.test, "description": "Now with widgets"},
    "copy_test": lambda i: {"test_id": i.test},
    "change_test_stage": lambda i: {"test_id": i.draft, "stage": "launch"},
    "list_testers": lambda i: {"test_id": i.test, "status": "incomplete"},
    "get_tester": lambda i: {"test_id": i.test, "tester_id": i.active_tester},
    "list_complete_testers": lambda i: {"test_id": i.test},
    "accept_testers": lambda i: {"test_id": i.test, "tester_ids": [i.pending_tester]},
    "mark_testers_complete": lambda i: {"test_id": i.test, "tester_ids": [i.active_tester]},
    "send_message_to_testers": lambda i: {
        "test_id": i.test,
        "tester_ids": [i.active_tester],
        "subject": "Build 3.0.2",
        "message": "Please update and retest.",
    },
    "remove_tester": lambda i: {"test_id": i.test, "tester_id": i.active_tester},
    "list_issues": lambda i: {
        "test_id": i.test,
        "statuses": ["to_do", "retest"],
        "priorities": ["critical", "high"],
        "sort_submit_date": "desc",
    },
    "get_issue": lambda i: {"test_id": i.test, "issue_id": i.issue},
    "update_issue": lambda i: {"test_id": i.test, "issue_id": i.issue, "status": "in_progress", "notes": "On it"},
    "delete_issue": lambda i: {"test_id": i.test, "issue_id": i.issue},
    "list_activities": lambda i: {"test_id": i.test},
    "get_activity": lambda i: {"test_id": i.test, "activity_id": i.activity},
    "create_activity": lambda i: {"test_id": i.test, "title": "Widget survey", "type": "survey"},
    "update_activity": lambda i: {"test_id": i.test, "activity_id": i.activity, "title": "Renamed"},
    "delete_activity": lambda i: {"test_id": i.test, "activity_id": i.activity},
    "add_activity_item": lambda i: {
        "test_id": i.test,
        "activity_id": i.activity,
        "type": "question",
        "title": "Which widget size do you use?",
        "options": ["Small", "Medium", "Large"],
    },
    "update_activity_item": lambda i: {
        "test_id": i.test,
        "activity_id": i.activity,
        "item_id": i.item,
        "required": False,
    },
    "delete_activity_item": lambda i: {"test_id": i.test, "activity_id": i.activity, "item_id": i.item},
    "list_messages": lambda i: {"test_id": i.test},
    "get_invite_settings": lambda i: {"test_id": i.test},
    "list_invites": lambda i: {"test_id": i.test, "status": "pending"},
    "update_invite_settings": lambda i: {"test_id": i.test, "auto_accept": True, "max_invites": 300},
    "update_invite": lambda i: {"test_id": i.test, "invite_id": i.invite, "status": "revoked"},
    "list_shipments": lambda i: {"test_id": i.hardware},
    "update_shipment": lambda i: {
        "test_id": i.hardware,
        "shipment_id": i.shipment,
        "carrier": "UPS",
        "tracking_number": "1Z999AA10123456784",
        "status": "shipped",
    },
    "require_test_id_verification": lambda i: {"test_id": i.test},
    "remove_test_id_verification": lambda i: {"test_id": i.test},
    "list_custom_fields": lambda i: {},
    "list_community_testers": lambda i: {"tag": "ios"},
    "get_community_tester": lambda i: {"tester_id": i.member},
    "update_community_tester": lambda i: {
        "tester_id": i.member,
        "country": "CA",
        "custom_fields": {"household_size": 3, "shirt_size": "M"},
    },
    "create_community_testers": lambda i: {
        "testers": [{"email": "new.tester@example.com", "first_name": "New", "tags": ["ios"]}]
    },
    "add_community_tester_tags": lambda i: {"tester_id": i.member, "tags": ["vip", "ios"]},
    "remove_community_tester_tags": lambda i: {"tester_id": i.member, "tags": ["ios"]},
    "require_tester_id_verification": lambda i: {"tester_id": i.member},
    "remove_tester_id_verification": lambda i: {"tester_id": i.member},
}


CREATES = {
    "create_test",
    "copy_test",
    "send_message_to_testers",
    "create_activity",
    "add_activity_item",
    "create_community_testers",
}


def encode(op: Operation, args: dict[str, Any]) -> dict[str, Any]:
    """The request the betaops client sends for `op` (path fields, aliased query or JSON body)."""
    model = op.params.model_validate(args)
    params = model.model_dump(by_alias=True, exclude_none=True, mode="json", exclude=set(op.path_fields))
    path = op.path.format(**{f: getattr(model, f) for f in op.path_fields})
    request: dict[str, Any] = {"method": op.method, "url": path}
    if op.method == "GET":
        request["params"] = {k: ",".join(map(str, v)) if isinstance(v, list) else v for k, v in params.items()}
    elif op.method != "DELETE" or op.body_in_delete:
        request["json"] = params
    return request


async def call(sim: Sim, name: str, args: dict[str, Any], **headers: str) -> httpx2.Response:
    return await sim.http.request(**encode(BY_NAME[name], args), headers=headers)


# ---------------------------------------------------------------------------- the contract


def test_every_operation_has_a_sample() -> None:
    # That every operation has a route is a registry-wide invariant (tests/core/test_registry_invariants.py).
    assert set(SAMPLES) == set(BY_NAME)


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
async def test_operation_answers_in_its_result_model(sim: Sim, op: Operation) -> None:
    response = await call(sim, op.name, SAMPLES[op.name](Ids.of(sim.state)))
    assert response.status_code < 300, response.text
    assert "X-RateLimit-Limit" in response.headers and "X-RateLimit-Remaining" in response.headers
    if op.returns is Returns.NOTHING:
        assert response.status_code == 204 and response.content == b""
        return
    assert op.result is not None
    body = response.json()
    if op.returns is Returns.ITEM:
        op.result.model_validate(body["data"])
    else:
        assert isinstance(body["data"], list) and body["data"], f"{op.name} returned no rows"
        for row in body["data"]:
            op.result.model_validate(row)
    if op.returns is Returns.LIST:
        assert set(body["meta"]) == {"current_page", "last_page", "per_page", "total"}
    assert response.status_code == (201 if op.name in CREATES else 200)
    assert len(sim.state.write_log) == (1 if op.is_write else 0)


# ---------------------------------------------------------------------------- seed data


def test_seed_is_deterministic_and_realistic() -> None:
    state = build_state()
    assert state == build_state(7)
    assert state != build_state(8)
    mine = state.company_tests(1)
    assert sorted(t.status for t in mine) == sorted(
        ["draft", "ready", "in_progress", "in_progress", "in_progress", "paused", "complete", "closed"]
    )
    assert max(_count(state, t.id) for t in mine) >= 150
    assert len(state.issues) >= 300 and len(state.testers) >= 200 and len(state.community) >= 150
    assert {i.status for i in state.issues.values()} == {s.value for s in m.IssueStatus}
    assert {i.priority for i in state.issues.values()} == {p.value for p in m.IssuePriority}
    assert {i.status for i in state.invites.values()} == {s.value for s in m.InviteStatus}
    assert all("2026-08-01" < i.submitted_at <= i.updated_at < "2026-11-21" for i in state.issues.values())
    assert 4 <= sum(1 for f in state.custom_fields.values() if f.company_id == 1) <= 6
    theirs = [t.id for t in state.tests.values() if t.company_id == OTHER_COMPANY_ID]
    assert min(t.id for t in mine) < min(theirs) and max(theirs) < max(t.id for t in mine)  # interleaved


def test_seed_holds_hostile_text_for_the_sanitiser() -> None:
    state = build_state()
    texts = [f"{i.title} {i.description}" for i in state.issues.values()]
    texts += [f"{t.first_name} {t.last_name}" for t in state.testers.values()]
    assert any("\u200b" in t for t in texts) and any("\u202e" in t for t in texts)
    assert any(INSTRUCTION_TEXT in t for t in texts)


# ---------------------------------------------------------------------------- filters, sorts, pages


async def test_tests_filter_by_status_and_hide_other_companies(sim: Sim) -> None:
    body = (await sim.http.get("/tests", params={"per_page": 100})).json()
    assert body["meta"]["total"] == 8
    assert all(sim.state.tests[t["id"]].company_id == 1 for t in body["data"])
    paused = (await sim.http.get("/tests", params={"status": "paused"})).json()["data"]
    assert [t["status"] for t in paused] == ["paused"]


async def test_pagination_meta_and_pages(sim: Sim) -> None:
    test = Ids.of(sim.state).test
    total = _count(sim.state, test)
    first = (await sim.http.get(f"/tests/{test}/issues")).json()
    assert first["meta"] == {"current_page": 1, "last_page": -(-total // 20), "per_page": 20, "total": total}
    pages = []
    for page in range(1, -(-total // 100) + 1):
        body = (await sim.http.get(f"/tests/{test}/issues", params={"page": page, "per_page": 100})).json()
        pages += [i["id"] for i in body["data"]]
    assert len(pages) == len(set(pages)) == total
    beyond = (await sim.http.get(f"/tests/{test}/issues", params={"page": 99})).json()
    assert beyond["data"] == [] and beyond["meta"]["current_page"] == 99


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"per_page": 101}, "The per_page field must not be greater than 100."),
        ({"per_page": 0}, "The per_page field must be at least 1."),
        ({"page": "two"}, "The page field must be an integer."),
        ({"status": "running"}, "The status field must be one of: draft, pending_review, ready, in_progress, "
         "complete, closed, paused."),
    ],
)  # fmt: skip
async def test_bad_query_is_422(sim: Sim, params: dict[str, Any], message: str) -> None:
    response = await sim.http.get("/tests", params=params)
    assert response.status_code == 422
    assert response.json() == {"error": "Validation failed", "message": message}


async def test_testers_search_and_status(sim: Sim) -> None:
    ids = Ids.of(sim.state)
    tester = sim.state.testers[ids.active_tester]
    found = (await sim.http.get(f"/tests/{ids.test}/testers", params={"search": tester.email.upper()})).json()
    assert tester.id in [t["id"] for t in found["data"]]
    by_status = (await sim.http.get(f"/tests/{ids.test}/testers", params={"status": "stuck", "per_page": 100})).json()
    assert by_status["data"] and {t["status"] for t in by_status["data"]} == {"stuck"}
    complete = (await sim.http.get(f"/tests/{ids.test}/complete-testers", params={"per_page": 100})).json()
    assert {t["status"] for t in complete["data"]} == {"complete"}


async def test_issue_filters_and_sorts(sim: Sim) -> None:
    test = Ids.of(sim.state).test
    params: dict[str, str | int] = {
        "filterStatuses": "to_do,retest",
        "filterPriorities": "critical,high",
        "per_page": 100,
    }
    rows = (await sim.http.get(f"/tests/{test}/issues", params=params)).json()["data"]
    assert rows and {r["status"] for r in rows} <= {"to_do", "retest"}
    assert {r["priority"] for r in rows} <= {"critical", "high"}
    for key, field in (("sortSubmitDate", "submitted_at"), ("sortUpdateDate", "updated_at")):
        for order in ("asc", "desc"):
            got = (await sim.http.get(f"/tests/{test}/issues", params={key: order, "per_page": 100})).json()
            dates = [r[field] for r in got["data"]]
            assert dates == sorted(dates, reverse=order == "desc")
    bad = await sim.http.get(f"/tests/{test}/issues", params={"filterStatuses": "to_do,wontfix"})
    assert bad.status_code == 422
    assert bad.json()["message"] == (
        "The filterStatuses field must contain only: draft, to_do, in_progress, complete, "
        "needs_more_info, retest, outside_scope."
    )


async def test_invites_and_community_filters(sim: Sim) -> None:
    test = Ids.of(sim.state).test
    pending = (await sim.http.get(f"/tests/{test}/invites", params={"status": "pending"})).json()["data"]
    assert pending and {i["status"] for i in pending} == {"pending"}
    tagged = (await sim.http.get("/community/testers", params={"tag": "ios", "per_page": 100})).json()["data"]
    assert tagged and all("ios" in t["tags"] for t in tagged)
    member = next(c for c in sim.state.community.values() if c.company_id == 1)
    assert member.last_name is not None
    found = (await sim.http.get("/community/testers", params={"search": member.last_name.lower()})).json()
    assert member.id in [t["id"] for t in found["data"]]


# ---------------------------------------------------------------------------- write semantics


async def test_update_issue_bumps_updated_at(sim: Sim) -> None:
    ids = Ids.of(sim.state)
    sim.clock.advance(3600)
    response = await call(sim, "update_issue", {"test_id": ids.test, "issue_id": ids.issue, "priority": "critical"})
    issue = response.json()["data"]
    assert issue["priority"] == "critical" and issue["updated_at"] == "2026-11-20T10:00:00Z"
    latest = (await sim.http.get(f"/tests/{ids.test}/issues", params={"sortUpdateDate": "desc"})).json()
    assert latest["data"][0]["id"] == ids.issue


async def test_create_copy_and_stage_transitions(sim: Sim) -> None:
    created = (await call(sim, "create_test", {"name": "Widgets Beta"})).json()["data"]
    assert created["status"] == "draft" and created["created_at"] == "2026-11-20T09:00:00Z"
    copy = (await call(sim, "copy_test", {"test_id": created["id"]})).json()["data"]
    assert (copy["name"], copy["status"]) == ("Copy of Widgets Beta", "draft")
    named = (await call(sim, "copy_test", {"test_id": created["id"], "name": "Widgets 2"})).json()["data"]
    assert named["name"] == "Widgets 2"

    async def stage(name: str) -> httpx2.Response:
        return await call(sim, "change_test_stage", {"test_id": created["id"], "stage": name})

    refused = await stage("pause")
    assert refused.status_code == 422
    assert refused.json()["message"] == (
        f"Cannot pause test {created['id']}: it is draft; pause is allowed only from: in_progress."
    )
    for name, status in (("launch", "in_progress"), ("pause", "paused"), ("resume", "in_progress"),
                         ("complete", "complete"), ("close", "closed")):  # fmt: skip
        assert (await stage(name)).json()["data"]["status"] == status
    assert (await stage("close")).status_code == 422
    assert (await stage("launch")).status_code == 422


async def test_write_validation_messages(sim: Sim) -> None:
    ids = Ids.of(sim.state)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"method": "POST", "url": "/tests", "json": {}}, "The name field is required."),
        ({"method": "POST", "url": "/tests", "json": {"name": "x", "platform": "tv"}},
         "The platform field must be one of: ios, android, web, desktop, hardware."),
        ({"method": "POST", "url": "/tests", "json": {"name": "x", "maxTesters": "ten"}},
         "The maxTesters field must be an integer."),
        ({"method": "POST", "url": "/tests", "json": {"name": "x", "max_testers": 5}},
         "The max_testers field is not recognised; did you mean maxTesters?"),
        ({"method": "POST", "url": "/community/testers/bulk", "json": {"testers": [{"email": "a@b.co",
                                                                                    "first_name": "A"}]}},
         "The testers.0.first_name field is not recognised; did you mean testers.0.firstName?"),
        ({"method": "PATCH", "url": f"/tests/{ids.test}/issues/{ids.issue}", "json": {"status": "done"}},
         "The status field must be one of: draft, to_do, in_progress, complete, needs_more_info, retest, "
         "outside_scope."),
        ({"method": "POST", "url": f"/tests/{ids.test}/stage", "json": {}}, "The stage field is required."),
        ({"method": "POST", "url": f"/tests/{ids.test}/testers/accept", "json": {"testerIds": []}},
         "The testerIds field must have at least 1 item."),
    ]  # fmt: skip
    for request, message in cases:
        response = await sim.http.request(**request)
        assert response.status_code == 422, request
        assert response.json() == {"error": "Validation failed", "message": message}
    assert sim.state.write_log == []


async def test_tester_ids_must_belong_to_the_test(sim: Sim) -> None:
    ids = Ids.of(sim.state)
    elsewhere = next(t.id for t in sim.state.testers.values() if t.test_id != ids.test)
    response = await call(sim, "accept_testers", {"test_id": ids.test, "tester_ids": [ids.pending_tester, elsewhere]})
    assert response.status_code == 422
    assert str(elsewhere) in response.json()["message"]
    assert sim.state.testers[ids.pending_tester].status == "pending_review"  # all or nothing
    accepted = await call(sim, "accept_testers", {"test_id": ids.test, "tester_ids": [ids.pending_tester]})
    assert accepted.json()["data"][0]["status"] == "incomplete"


async def test_delete_issue_then_404(sim: Sim) -> None:
    ids = Ids.of(sim.state)
    assert (await call(sim, "delete_issue", {"test_id": ids.test, "issue_id": ids.issue})).status_code == 204
    gone = await call(sim, "get_issue", {"test_id": ids.test, "issue_id": ids.issue})
    assert gone.status_code == 404
    assert gone.json() == {"error": "Not found", "message": f"Issue {ids.issue} not found"}


async def test_bulk_create_skips_existing_emails(sim: Sim) -> None:
    existing = next(c for c in sim.state.community.values() if c.company_id == 1)
    rows = [
        {"email": existing.email.upper()},
        {"email": "fresh@example.com", "first_name": "Fresh"},
        {"email": "fresh@example.com"},
    ]
    body = (await call(sim, "create_community_testers", {"testers": rows})).json()["data"]
    assert [c["email"] for c in body["created"]] == ["fresh@example.com"]
    assert body["created"][0]["first_name"] == "Fresh"
    assert [s["email"].casefold() for s in body["skipped"]] == [existing.email, "fresh@example.com"]
    assert all(s["reason"] for s in body["skipped"])


async def test_tags_are_set_operations(sim: Sim) -> None:
    member = next(c for c in sim.state.community.values() if c.company_id == 1 and not c.tags)
    added = await call(sim, "add_community_tester_tags", {"tester_id": member.id, "tags": ["vip", "ios", "vip"]})
    assert added.json()["data"]["tags"] == ["vip", "ios"]
    again = await call(sim, "add_community_tester_tags", {"tester_id": member.id, "tags": ["ios"]})
    assert again.json()["data"]["tags"] == ["vip", "ios"]
    removed = await call(sim, "remove_community_tester_tags", {"tester_id": member.id, "tags": ["vip", "absent"]})
    assert removed.json()["data"]["tags"] == ["ios"]


async def test_custom_fields_are_checked_against_definitions(sim: Sim) -> None:
    member = Ids.of(sim.state).member
    bad = await call(sim, "update_community_tester", {"tester_id": member, "custom_fields": {"shirt_size": "XXXL"}})
    assert bad.status_code == 422 and "XS, S, M, L, XL, XXL" in bad.json()["message"]
    unknown = await call(sim, "update_community_tester", {"tester_id": member, "custom_fields": {"pet_name": "Rex"}})
    assert unknown.status_code == 422


# ---------------------------------------------------------------------------- auth


async def test_missing_and_invalid_credentials_are_401(sim: Sim) -> None:
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer btst_short"}, {"Authorization": "Token x"}):
        response = await sim.http.get("/tests", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"] == "Unauthenticated" and response.json()["message"]
        assert "X-RateLimit-Limit" in response.headers


async def _token(sim: Sim, client_id: str, secret: str, scope: str | None = None) -> httpx2.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope:
        form["scope"] = scope
    return await sim.http.post("/oauth/token", data=form, headers={"Authorization": ""})


async def test_oauth_token_issuance_and_expiry(sim: Sim) -> None:
    granted = await _token(sim, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET)
    body = granted.json()
    assert granted.status_code == 200
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "api:read api:write"
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await sim.http.get("/tests", headers=bearer)).status_code == 200
    sim.clock.advance(3600)
    expired = await sim.http.get("/tests", headers=bearer)
    assert expired.status_code == 401
    assert expired.json() == {"error": "Unauthenticated", "message": "The access token has expired."}


async def test_oauth_rejects_bad_clients_and_scopes(sim: Sim) -> None:
    wrong = await _token(sim, SANDBOX_CLIENT_ID, "nope")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    too_much = await _token(sim, READONLY_CLIENT_ID, READONLY_CLIENT_SECRET, "api:read api:write")
    assert too_much.status_code == 400 and too_much.json()["error"] == "invalid_scope"
    grant = await sim.http.post("/oauth/token", data={"grant_type": "password"}, headers={"Authorization": ""})
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    basic = await sim.http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET)
    )
    assert basic.status_code == 200


async def test_read_only_token_cannot_write(sim: Sim) -> None:
    token = (await _token(sim, READONLY_CLIENT_ID, READONLY_CLIENT_SECRET)).json()
    assert token["scope"] == "api:read"
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await sim.http.get("/tests", headers=bearer)).status_code == 200
    refused = await sim.http.post("/tests", json={"name": "Nope"}, headers=bearer)
    assert refused.status_code == 403
    assert refused.json() == {"error": "Forbidden", "message": "This token lacks the api:write scope"}
    assert sim.state.write_log == [] and len(sim.state.tests) == 10


async def test_other_companies_records_are_404(sim: Sim) -> None:
    theirs = next(t for t in sim.state.tests.values() if t.company_id == OTHER_COMPANY_ID and _count(sim.state, t.id))
    their_issue = next(i.id for i in sim.state.issues.values() if i.test_id == theirs.id)
    response = await sim.http.get(f"/tests/{theirs.id}")
    assert response.status_code == 404
    assert response.json() == {"error": "Not found", "message": f"Test {theirs.id} not found"}
    mine = Ids.of(sim.state).test
    cross = await sim.http.patch(f"/tests/{mine}/issues/{their_issue}", json={"status": "complete"})
    assert cross.json() == {"error": "Not found", "message": f"Issue {their_issue} not found"}
    their_member = next(c.id for c in sim.state.community.values() if c.company_id == OTHER_COMPANY_ID)
    assert (await sim.http.get(f"/community/testers/{their_member}")).status_code == 404
    other = {"Authorization": f"Bearer {OTHER_COMPANY_API_KEY}"}
    assert (await sim.http.get(f"/tests/{theirs.id}", headers=other)).status_code == 200
    assert (await sim.http.get(f"/tests/{mine}", headers=other)).status_code == 404
    assert sim.state.write_log == []


async def test_unknown_route_is_json_404(sim: Sim) -> None:
    response = await sim.http.get("/nothing-here")
    assert response.status_code == 404 and response.json()["error"] == "Not found"


# ---------------------------------------------------------------------------- rate limits


async def test_write_limit_429_with_retry_after() -> None:
    async with open_sim(write_limit=3, write_window_s=10.0) as sim:
        remaining = []
        for n in range(3):
            response = await sim.http.post("/tests", json={"name": f"T{n}"})
            remaining.append(response.headers["X-RateLimit-Remaining"])
            sim.clock.advance(1)
        assert remaining == ["2", "1", "0"]
        limited = await sim.http.post("/tests", json={"name": "T3"})
        assert limited.status_code == 429
        assert limited.json()["error"] == "Too Many Requests"
        assert limited.headers["Retry-After"] == "7"  # the first write leaves the window at t=10
        assert limited.headers["X-RateLimit-Limit"] == "3"
        assert len(sim.state.write_log) == 3
        assert (await sim.http.get("/tests")).status_code == 200  # reads have their own window
        sim.clock.advance(7)
        assert (await sim.http.post("/tests", json={"name": "T3"})).status_code == 201


async def test_read_limit_headers() -> None:
    async with open_sim(read_limit=2) as sim:
        first = await sim.http.get("/tests")
        assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == ("2", "1")
        await sim.http.get("/tests")
        assert (await sim.http.get("/tests")).status_code == 429


# ---------------------------------------------------------------------------- idempotency


async def test_idempotent_replay_does_not_execute_twice(sim: Sim) -> None:
    key = {"Idempotency-Key": "create-1"}
    first = await sim.http.post("/tests", json={"name": "Once"}, headers=key)
    second = await sim.http.post("/tests", json={"name": "Once"}, headers=key)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["X-Idempotency-Replayed"] == "true"
    assert "X-Idempotency-Replayed" not in first.headers
    assert [w.idempotency_key for w in sim.state.write_log] == ["create-1"]
    assert sum(t.name == "Once" for t in sim.state.tests.values()) == 1


async def test_idempotency_key_reuse_for_another_request_is_422(sim: Sim) -> None:
    key = {"Idempotency-Key": "k-1"}
    await sim.http.post("/tests", json={"name": "A"}, headers=key)
    other_body = await sim.http.post("/tests", json={"name": "B"}, headers=key)
    assert other_body.status_code == 422
    assert "k-1" in other_body.json()["message"] and "different body" in other_body.json()["message"]
    other_path = await sim.http.patch(f"/tests/{Ids.of(sim.state).test}", json={"name": "A"}, headers=key)
    assert other_path.status_code == 422 and "method or path" in other_path.json()["message"]
    assert len(sim.state.write_log) == 1


async def test_idempotency_keys_are_per_company_and_expire(sim: Sim) -> None:
    key = {"Idempotency-Key": "shared"}
    await sim.http.post("/tests", json={"name": "Mine"}, headers=key)
    other = await sim.http.post(
        "/tests", json={"name": "Theirs"}, headers={**key, "Authorization": f"Bearer {OTHER_COMPANY_API_KEY}"}
    )
    assert other.status_code == 201 and "X-Idempotency-Replayed" not in other.headers
    sim.clock.advance(24 * 3600)
    again = await sim.http.post("/tests", json={"name": "Mine"}, headers=key)
    assert again.status_code == 201 and "X-Idempotency-Replayed" not in again.headers
    assert len(sim.state.write_log) == 3


async def test_deletes_replay_their_204(sim: Sim) -> None:
    ids = Ids.of(sim.state)
    key = {"Idempotency-Key": "del-1"}
    url = f"/tests/{ids.test}/issues/{ids.issue}"
    assert (await sim.http.delete(url, headers=key)).status_code == 204
    replay = await sim.http.delete(url, headers=key)
    assert replay.status_code == 204 and replay.headers["X-Idempotency-Replayed"] == "true"
    assert (await sim.http.delete(url)).status_code == 404  # without the key it really runs again


# ---------------------------------------------------------------------------- faults


async def test_fault_before_execute_changes_nothing(sim: Sim) -> None:
    sim.faults.queue("500", count=2)
    for _ in range(2):
        response = await sim.http.post("/tests", json={"name": "Lost"})
        assert response.status_code == 500 and response.json()["error"] == "Server Error"
    assert sim.state.write_log == [] and sim.faults.pending == 0
    assert (await sim.http.post("/tests", json={"name": "Works"})).status_code == 201


async def test_reset_raises_read_error_and_changes_nothing(sim: Sim) -> None:
    sim.faults.queue("reset")
    with pytest.raises(httpx2.ReadError):
        await sim.http.post("/tests", json={"name": "Lost"})
    assert sim.state.write_log == []


async def test_reset_after_execute_then_keyed_retry_replays(sim: Sim) -> None:
    ids = Ids.of(sim.state)
    sim.faults.queue("reset_after_execute", method="POST", path="/testers/message")
    request = encode(
        BY_NAME["send_message_to_testers"],
        {"test_id": ids.test, "tester_ids": [ids.active_tester], "message": "Hello"},
    )
    key = {"Idempotency-Key": "msg-1", "X-Request-Attempt": "1"}
    await sim.http.get(f"/tests/{ids.test}")  # not a POST: the queued fault waits
    with pytest.raises(httpx2.ReadError):
        await sim.http.request(**request, headers=key)
    assert len(sim.state.write_log) == 1  # it happened; the client just never heard
    retry = await sim.http.request(**request, headers={**key, "X-Request-Attempt": "2"})
    assert retry.status_code == 201 and retry.headers["X-Idempotency-Replayed"] == "true"
    assert len(sim.state.write_log) == 1
    sent = [msg for msg in sim.state.messages.values() if msg.body == "Hello"]
    assert len(sent) == 1
    assert [r.attempt for r in sim.state.requests if r.method == "POST"] == ["1", "2"]


@pytest.mark.parametrize(
    ("spec", "error"), [("timeout", httpx2.ReadTimeout), ("timeout_after_execute", httpx2.ReadTimeout)]
)
async def test_timeouts(sim: Sim, spec: str, error: type[Exception]) -> None:
    sim.faults.queue(spec)
    with pytest.raises(error):
        await sim.http.post("/tests", json={"name": "Maybe"})
    assert len(sim.state.write_log) == (1 if spec.endswith("after_execute") else 0)


async def test_broken_bodies(sim: Sim) -> None:
    sim.faults.queue("truncated")
    truncated = await sim.http.get("/tests")
    with pytest.raises(json.JSONDecodeError):
        truncated.json()
    sim.faults.queue("non_json")
    page = await sim.http.get("/tests")
    assert page.status_code == 502 and page.headers["content-type"].startswith("text/html")
    sim.faults.queue("429")
    storm = await sim.http.get("/tests")
    assert storm.status_code == 429 and storm.headers["Retry-After"] == "1"


async def test_random_faults_are_seeded() -> None:
    def run(seed: int) -> list[Fault | None]:
        faults = Faults(FaultRates(server_error=0.2, reset=0.1, rate_limit_storm=0.05), seed=seed)
        return [faults.draw("POST", "/tests") for _ in range(200)]

    assert run(1) == run(1) != run(2)
    kinds = {f.kind for f in run(1) if f}
    assert {FaultKind.SERVER_ERROR, FaultKind.RESET, FaultKind.RATE_LIMITED} <= kinds
    read_fault = Faults(FaultRates(reset=1.0)).draw("GET", "/tests")
    assert read_fault is not None and not read_fault.after_execute  # a read has nothing to lose


def test_fault_specs() -> None:
    assert Fault.parse("reset_after_execute") == Fault(FaultKind.RESET, after_execute=True)
    assert Fault.parse("503") == Fault(FaultKind.UNAVAILABLE)
    with pytest.raises(ValueError):
        Fault.parse("429_after_execute")
    with pytest.raises(ValueError):
        Fault.parse("gremlins")


# ---------------------------------------------------------------------------- request log, toolkit


async def test_request_log_redacts_credentials(sim: Sim) -> None:
    await sim.http.post("/tests", json={"name": "Logged"}, headers={"Idempotency-Key": "log-1"})
    record = sim.state.requests[-1]
    assert (record.method, record.path, record.idempotency_key) == ("POST", "/api/external/v2/tests", "log-1")
    assert record.headers["authorization"] == "[redacted]"
    assert SANDBOX_API_KEY not in repr(sim.state.requests)


def test_sliding_window_limiter() -> None:
    clock = FakeClock(100.0)
    limiter = SlidingWindowLimiter(2, 10.0, clock)
    assert limiter.acquire("a").allowed and limiter.acquire("a").allowed
    refused = limiter.acquire("a")
    assert (refused.allowed, refused.retry_after_s) == (False, 10)
    assert limiter.acquire("b").allowed  # windows are per key
    clock.advance(9.5)
    assert limiter.acquire("a").retry_after_s == 1
    clock.advance(0.5)
    assert limiter.acquire("a").allowed and limiter.peek("a").remaining == 1  # both old hits left


def test_idempotency_store() -> None:
    clock = FakeClock(0.0)
    store = IdempotencyStore(clock, ttl_s=60.0)
    store.save(1, "k", method="POST", path="/x", body=b'{"a": 1, "b": 2}', status=201, content=b"{}", media_type=None)
    stored = store.lookup(1, "k", "POST", "/x", b'{"b":2,"a":1}')  # same JSON, other spelling
    assert stored is not None and stored.status == 201
    assert store.lookup(2, "k", "POST", "/x", b"{}") is None  # another scope
    with pytest.raises(IdempotencyConflictError):
        store.lookup(1, "k", "POST", "/x", b'{"a": 2}')
    clock.advance(60.0)
    assert store.lookup(1, "k", "POST", "/x", b"{}") is None and len(store) == 0
