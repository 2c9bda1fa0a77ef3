"""The Betasend simulator over HTTP: every operation, the doc's example bodies, its error shapes.

Requests go through `sim_transport`, form-encoded with `api` and `hash`, as the real client's do.
The doc's examples are not all mutually consistent (its subscriber-details example answers for
`webformtest01` and `noexsit` when asked for `subscriber02` and `noexist`; its statistics example
answers for list 1 when asked for list 5); the seeded account reproduces each body for the request
that can produce it in one consistent account, and each test names that request.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping

import pytest

from betaops.providers.betasend.simulator import BETA_LIST_ID, BETA_LIST_SIZE, DOC_CODE, SIM_NOW, SimConfig
from betaops.providers.betasend.simulator.routes import ROUTES
from betaops.providers.betasend.simulator.state import details_date
from betaops.sim import FakeClock, Faults
from betaops.sim.clock import parse_iso
from tests.providers.betasend import doc_examples as doc
from tests.providers.betasend.raw_http import SECRETS, Sim, make_sim

pytestmark = pytest.mark.anyio


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    s = make_sim()
    async with s.http:
        yield s


async def ok(sim: Sim, name: str, form: Mapping[str, object] | None = None) -> object:
    response = await sim.post(name, form)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not (isinstance(body, dict) and "error" in body), body
    return body


async def refused(sim: Sim, name: str, form: Mapping[str, object], status: int = 200) -> object:
    writes = len(sim.state.write_log)
    response = await sim.post(name, form)
    assert response.status_code == status, response.text
    assert len(sim.state.write_log) == writes
    return response.json()


# ---------------------------------------------------------------------------- the doc's examples, verbatim


async def test_account_details_is_the_doc_example(sim: Sim) -> None:
    assert await ok(sim, "account-details") == doc.ACCOUNT_DETAILS


async def test_account_update_answers_as_documented_and_changes_the_account(sim: Sim) -> None:
    form = {"first_name": "Sean", "last_name": "S", "email": "your_email@email.com", "city": "Your City"}
    assert await ok(sim, "account-update", form) == doc.ACCOUNT_UPDATE
    assert sim.state.account.first_name == "Sean" and sim.state.account.city == "Your City"
    assert len(sim.state.write_log) == 1


async def test_subscriber_details_is_the_doc_example(sim: Sim) -> None:
    form = {"email": "subscriber01@gmail.com,webformtest01@gmail.com,noexsit@gmail.com"}
    body = await ok(sim, "subscribers-details", form)
    assert body == doc.SUBSCRIBERS_DETAILS
    assert json.dumps(body) == json.dumps(doc.SUBSCRIBERS_DETAILS)  # key order too


async def test_lists_examples_for_one_list_and_for_the_account(sim: Sim) -> None:
    assert await ok(sim, "lists", {"list_id": 5, "start": 1, "limit": 10}) == doc.LISTS_ONE
    # Lists 2-4 were deleted; lists 6-8 come after the doc's two.
    assert await ok(sim, "lists", {"start": 1, "limit": 2}) == doc.LISTS_ALL
    everything = await ok(sim, "lists")
    assert isinstance(everything, list)
    assert [x["list_id"] for x in everything] == [1, 5, 6, 7, 8]


async def test_list_statistics_is_the_doc_example_for_list_1(sim: Sim) -> None:
    assert await ok(sim, "list-statistics", {"list_id": 1}) == doc.LIST_STATISTICS


async def test_list_subscribers_examples(sim: Sim) -> None:
    assert await ok(sim, "list-subscribers", {"list_id": 1, "start": 1, "limit": 2}) == doc.LIST_SUBSCRIBERS_OF_LIST
    assert await ok(sim, "list-subscribers", {"start": 1, "limit": 2}) == doc.LIST_SUBSCRIBERS_ACCOUNT
    whole = await ok(sim, "list-subscribers", {"list_id": 1})
    assert isinstance(whole, list) and len(whole) == 7  # the statistics' total-emails


async def test_subscribe_unsubscribe_and_delete_answer_as_documented(sim: Sim) -> None:
    email = "subscriber01@gmail.com"
    assert await ok(sim, "subscribers-add", {"email": email, "list_id": "1,5"}) == doc.SUBSCRIBERS_ADD
    assert await ok(sim, "subscribers-remove", {"email": email, "list_id": 1}) == doc.SUBSCRIBERS_REMOVE
    again = await refused(sim, "subscribers-remove", {"email": email, "list_id": 1})
    assert again == doc.SUBSCRIBERS_REMOVE_NOT_IN_LIST
    assert await ok(sim, "subscribers-delete", {"email": email, "list_id": "1,5"}) == doc.SUBSCRIBERS_DELETE
    not_in_list = await refused(sim, "subscribers-delete", {"email": "webformtest010@gmail.com", "list_id": "1,3"})
    assert not_in_list == doc.SUBSCRIBERS_DELETE_NOT_IN_LIST
    gone = await refused(sim, "subscribers-delete", {"email": "nobody@example.com", "list_id": "1"})
    assert gone == doc.SUBSCRIBERS_DELETE_NOT_IN_ACCOUNT


async def test_reply_email_verification_flow(sim: Sim) -> None:
    assert await ok(sim, "verify-reply-email-code", {"verification_code": DOC_CODE}) == doc.VERIFY_REPLY_EMAIL_CODE
    assert await ok(sim, "verify-reply-email", {"email": "from@acme.example"}) == doc.VERIFY_REPLY_EMAIL
    sent = sim.state.outbox[-1]
    assert sent.to == "from@acme.example"
    wrong = await refused(sim, "verify-reply-email-code", {"verification_code": "wrongcode123"})
    assert wrong == {"error": {"406": "Not Acceptable", "messages": "Invalid verification code"}}
    assert await ok(sim, "verify-reply-email-code", {"verification_code": sent.code}) == doc.VERIFY_REPLY_EMAIL_CODE
    assert "from@acme.example" in sim.state.verified_emails
    reused = await refused(sim, "verify-reply-email-code", {"verification_code": sent.code})
    assert reused == wrong


async def test_list_create_update_delete_answer_as_documented(sim: Sim) -> None:
    form = {
        "list_name": "List1",
        "from_name": "Sean",
        "reply_email": "seans@gmail.com",
        "company": "Company1",
        "address": "Address1",
        "city": "City1",
        "zipcode": "33333",
        "country": "US",
        "state": "California",
    }
    created = await ok(sim, "list-create", form)
    assert isinstance(created, dict)
    assert created == {**doc.LIST_CREATE, "list_id": 9}  # the doc's account had 4 lists; ours has 8
    one = await ok(sim, "lists", {"list_id": 9})
    assert isinstance(one, list)
    assert one[0]["default_from_email"] == "seans@gmail.com" and one[0]["postal_code"] == "33333"
    assert one[0]["state_code"] == "California" and one[0]["deleted_date"] == "0000-00-00 00:00:00"
    assert await ok(sim, "list-update", {**form, "list_id": 9, "list_name": "Renamed"}) == doc.LIST_UPDATE
    assert sim.state.lists[9].list_name == "Renamed"
    assert await refused(sim, "list-update", {"list_id": 10, "list_name": "x"}) == doc.LIST_UPDATE_INVALID
    assert await ok(sim, "list-delete", {"list_id": 9}) == doc.LIST_DELETE
    assert await refused(sim, "list-delete", {"list_id": 10}) == doc.LIST_DELETE_INVALID
    assert await refused(sim, "lists", {"list_id": 9}) == {
        "error": {"406": "Not Acceptable", "messages": "Invalid list id : 9"}
    }


async def test_adding_to_a_missing_list_is_the_doc_error_and_changes_nothing(sim: Sim) -> None:
    before = len(sim.state.subscribers)
    assert await refused(sim, "subscribers-add", {"email": "a@b.example", "list_id": "1,10"}) == doc.INVALID_LIST_ID_10
    assert (
        await refused(sim, "list-subscribers-add", {"email": "a@b.example,c@d.example", "list_id": 10})
        == doc.INVALID_LIST_ID_10
    )
    assert len(sim.state.subscribers) == before


async def test_list_subscribers_add_subscribes_many(sim: Sim) -> None:
    form = {"email": "subscriber01@gmail.com,subscriber02@gmail.com", "list_id": 5}
    assert await ok(sim, "list-subscribers-add", form) == doc.LIST_SUBSCRIBERS_ADD
    stats = await ok(sim, "list-statistics", {"list_id": 5})
    assert isinstance(stats, dict)
    assert stats["5"]["total-emails"] == 3 and stats["5"]["subscribed-emails"] == 3


# ---------------------------------------------------------------------------- state, filters, paging


async def test_new_subscriber_shows_in_details_lists_and_statistics(sim: Sim) -> None:
    form = {"email": "new.person@acme.example", "list_id": BETA_LIST_ID, "first_name": "New", "last_name": "Person"}
    await ok(sim, "subscribers-add", form)
    details = await ok(sim, "subscribers-details", {"email": "new.person@acme.example"})
    assert isinstance(details, dict)
    info = details["new.person@acme.example"]
    assert info["general_info"][0]["subscribed"] == "Yes"
    assert info["general_info"][0]["subscribed-date"] == "01-03-2017 12:00:00"  # the simulated clock, dd-mm-yyyy
    assert info["list_info"] == [
        {
            "list-id": BETA_LIST_ID,
            "list-name": "Beta Testers",
            "subscribed": "Yes",
            "subscribed-date": "01-03-2017 12:00:00",
            "unsubscribed-date": "31-12-1969 19:00:00",
        }
    ]
    stats = await ok(sim, "list-statistics", {"list_id": BETA_LIST_ID})
    assert isinstance(stats, dict) and stats[str(BETA_LIST_ID)]["total-emails"] == BETA_LIST_SIZE + 1
    newest = await ok(sim, "list-subscribers", {"list_id": BETA_LIST_ID, "limit": 1})
    assert isinstance(newest, list) and newest[0]["email"] == "new.person@acme.example"
    assert newest[0]["first_name"] == "New" and newest[0]["subscribed_date"] == "2017-03-01 12:00:00"


async def test_start_is_a_one_based_offset_and_pages_cover_the_list(sim: Sim) -> None:
    seen: list[int] = []
    start = 1
    while True:
        page = await ok(sim, "list-subscribers", {"list_id": BETA_LIST_ID, "start": start, "limit": 100})
        assert isinstance(page, list)
        seen += [row["subscribe_id"] for row in page]
        if len(page) < 100:
            break
        start += len(page)
    members = sim.state.members(BETA_LIST_ID)
    assert len(seen) == len(set(seen)) == len(members) > 300
    second = await ok(sim, "list-subscribers", {"list_id": BETA_LIST_ID, "start": 2, "limit": 1})
    assert isinstance(second, list) and second[0]["subscribe_id"] == seen[1]


async def test_filters_on_subscribed_and_status(sim: Sim) -> None:
    unsubscribed = await ok(sim, "list-subscribers", {"list_id": 1, "subscribed": "No"})
    assert isinstance(unsubscribed, list)
    assert {r["email"] for r in unsubscribed} >= {"webformtest01@gmail.com"} and len(unsubscribed) == 3
    pending = await ok(sim, "list-subscribers", {"list_id": BETA_LIST_ID, "status": "Pending", "limit": 100})
    assert isinstance(pending, list) and pending and all(r["status"] == "Pending" for r in pending)
    await ok(sim, "subscribers-delete", {"email": "webformtest010@gmail.com", "list_id": 1})
    deleted = await ok(sim, "list-subscribers", {"list_id": 1, "status": "Deleted"})
    assert isinstance(deleted, list) and [r["subscribe_id"] for r in deleted] == [16]
    assert deleted[0]["deleted_date"] == "2017-03-01 12:00:00"
    assert len(await ok(sim, "list-subscribers", {"list_id": 1})) == 6  # type: ignore[arg-type]


async def test_deleting_every_membership_removes_the_subscriber(sim: Sim) -> None:
    await ok(sim, "subscribers-delete", {"email": "webformtest010@gmail.com", "list_id": "1"})
    details = await ok(sim, "subscribers-details", {"email": "webformtest010@gmail.com"})
    assert details == {"webformtest010@gmail.com": {"error_info": [{"message": "Email not subscribed"}]}}


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("name", "form", "message"),
    [
        ("subscribers-add", {"list_id": "1"}, "Missing parameter : email"),
        ("subscribers-add", {"email": "not-an-email", "list_id": "1"}, "Invalid email address : not-an-email"),
        ("subscribers-add", {"email": "a@b.example", "list_id": "1,x"}, "Invalid list id : x"),
        ("list-subscribers", {"limit": "5000"}, "Invalid limit : 5000 (at most 1000)"),
        ("list-subscribers", {"subscribed": "maybe"}, "Invalid subscribed : maybe (Yes or No)"),
        ("list-create", {"from_name": "x"}, "Missing parameter : list_name"),
    ],
)
async def test_malformed_input_is_http_406_with_the_error_body(
    sim: Sim, name: str, form: dict[str, object], message: str
) -> None:
    assert await refused(sim, name, form, 406) == {"error": {"406": "Not Acceptable", "messages": message}}


@pytest.mark.parametrize("creds", [{}, {"api": "wrong", "hash": "wrong"}, {"api": SECRETS[0], "hash": "wrong"}])
async def test_bad_credentials_are_401_and_never_echoed(sim: Sim, creds: dict[str, str]) -> None:
    response = await sim.http.post("/account-details", data=creds)
    assert response.status_code == 401
    assert response.json() == {"error": {"401": "Unauthorized", "messages": "Invalid API key or hash"}}
    for secret in SECRETS:
        assert secret not in response.text


async def test_disabled_api_is_401() -> None:
    s = make_sim(SimConfig(api_disabled=True, clock=FakeClock(0)))
    async with s.http:
        response = await s.post("lists")
    assert response.status_code == 401
    assert response.json()["error"]["messages"] == "The api has been disabled"


async def test_unknown_api_and_wrong_method_are_405(sim: Sim) -> None:
    unknown = await sim.post("subscribers-purge", {"email": "a@b.example"})
    assert unknown.status_code == 405
    assert unknown.json() == {
        "error": {"405": "Method Not Allowed", "messages": "Invalid api : /api/v1/subscribers-purge"}
    }
    get = await sim.http.get("/lists")
    assert get.status_code == 405 and get.json()["error"]["405"] == "Method Not Allowed"


async def test_credentials_are_never_logged_or_answered(sim: Sim) -> None:
    for name in (route.path for route in ROUTES):
        response = await sim.post(
            name, {"email": "a@b.example", "list_id": 1, "list_name": "x", "verification_code": "c0de1"}
        )
        for secret in SECRETS:
            assert secret not in response.text
    assert len(sim.state.requests) == len(ROUTES)
    for record in sim.state.requests:
        assert record.had_credentials and "api" not in record.form and "hash" not in record.form
        assert not any(secret in repr(record) for secret in SECRETS)


async def test_faults_before_and_after_executing() -> None:
    faults = Faults()
    s = make_sim(SimConfig(faults=faults, clock=FakeClock(0)))
    async with s.http:
        faults.queue("503", path="/list-create")
        refused_ = await s.post("list-create", {"list_name": "Before"})
        assert refused_.status_code == 503 and 9 not in s.state.lists
        faults.queue("500_after_execute", path="/list-create")
        lost = await s.post("list-create", {"list_name": "After"})
        assert lost.status_code == 500 and s.state.lists[9].list_name == "After"
    assert faults.pending == 0 and len(s.state.write_log) == 1


def test_details_dates_render_like_the_providers_php() -> None:
    assert details_date("0000-00-00 00:00:00") == "30-11--0001 00:00:00"
    assert details_date("") == "31-12-1969 19:00:00"
    assert details_date("2017-01-12 07:47:01") == "12-01-2017 07:47:01"
    assert parse_iso("2017-03-01T12:00:00Z") == SIM_NOW  # "now" in the simulator, after the doc's data
