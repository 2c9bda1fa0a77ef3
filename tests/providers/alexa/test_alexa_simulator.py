"""The Alexa simulator over HTTP: LWA tokens, the documented bodies, states, limits and faults.

Every request goes through `sim_transport`, as the real client's would; time is a `FakeClock`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from betaops.providers.alexa.simulator import (
    DEMO_SKILL_ID,
    DRAFT_SKILL_ID,
    ENDED_SKILL_ID,
    EXAMPLE_TESTER,
    FOREIGN_SKILL_ID,
    LARGE_SKILL_ID,
    LEGACY_SKILL_ID,
    NEW_SKILL_ID,
    OTHER_VENDOR_REFRESH_TOKEN,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_REFRESH_TOKEN,
    SIM_NOW,
    TOKEN_PATH,
    AlexaState,
    SimConfig,
    build_state,
    create_app,
)
from betaops.sim import FakeClock, sim_transport

pytestmark = pytest.mark.anyio


def violation_codes(answer: httpx2.Response) -> list[str]:
    """The codes of a `{"message", "violations": [{"code", "message"}]}` 400."""
    body = answer.json()
    assert set(body) == {"message", "violations"}, body
    return [v["code"] for v in body["violations"]]


DOCUMENTED_400 = {"message": "The property is outside the allowed range.", "code": "INVALID_STRING_LENGTH"}


@dataclass
class Sim:
    state: AlexaState
    config: SimConfig
    clock: FakeClock
    http: httpx2.AsyncClient

    async def token(self, refresh_token: str = SANDBOX_REFRESH_TOKEN, **form: str) -> httpx2.Response:
        data = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
            **form,
        }
        return await self.http.post(f"http://api.amazon.sandbox{TOKEN_PATH}", data=data)

    async def login(self, refresh_token: str = SANDBOX_REFRESH_TOKEN) -> None:
        answer = await self.token(refresh_token)
        self.http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    def beta(self, skill_id: str, suffix: str = "") -> str:
        return f"/v1/skills/{skill_id}/betaTest{suffix}"


@asynccontextmanager
async def open_sim(login: bool = True, **config: Any) -> AsyncIterator[Sim]:
    clock = FakeClock(SIM_NOW)
    cfg = SimConfig(clock=clock, **config)
    state = build_state()
    transport = sim_transport(create_app(state, cfg))
    async with httpx2.AsyncClient(transport=transport, base_url="http://api.amazonalexa.sandbox") as http:
        sim = Sim(state, cfg, clock, http)
        if login:
            await sim.login()
        yield sim


def body_of(*emails: str) -> dict[str, Any]:
    return {"testers": [{"emailId": e} for e in emails]}


# ------------------------------------------------------------------------ Login with Amazon


async def test_lwa_exchanges_a_refresh_token_for_an_hour_long_access_token() -> None:
    async with open_sim(login=False) as sim:
        answer = await sim.token()
        assert answer.status_code == 200
        body = answer.json()
        assert body["token_type"] == "bearer" and body["expires_in"] == 3600
        assert body["access_token"].startswith("Atza|") and body["refresh_token"] == SANDBOX_REFRESH_TOKEN
        auth = {"Authorization": f"Bearer {body['access_token']}"}
        assert (await sim.http.get(sim.beta(DEMO_SKILL_ID), headers=auth)).status_code == 200
        sim.clock.advance(3600)
        expired = await sim.http.get(sim.beta(DEMO_SKILL_ID), headers=auth)
    assert expired.status_code == 401 and expired.json()["code"] == "UNAUTHORIZED"
    assert "expired" in expired.json()["message"]


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "amzn1.application-oa2-client.unknown"}, 401, "invalid_client"),
        ({"refresh_token": "Atzr|forged"}, 400, "invalid_grant"),
        ({"grant_type": "client_credentials"}, 400, "unsupported_grant_type"),
    ],
)
async def test_lwa_refuses_bad_credentials(form: dict[str, str], status: int, error: str) -> None:
    async with open_sim(login=False) as sim:
        answer = await sim.token(**form)
    assert answer.status_code == status and answer.json()["error"] == error
    assert "access_token" not in answer.json() and not sim.state.tokens


@pytest.mark.parametrize("header", [None, "Bearer Atza|not-issued", "Basic abc"])
async def test_smapi_needs_a_valid_bearer_token(header: str | None) -> None:
    async with open_sim(login=False) as sim:
        headers = {"Authorization": header} if header else {}
        answer = await sim.http.get(sim.beta(DEMO_SKILL_ID), headers=headers)
    assert answer.status_code == 401 and set(answer.json()) == {"message", "code"}


# ------------------------------------------------------------------------ documented bodies


async def test_list_answers_with_the_documented_example_body() -> None:
    async with open_sim() as sim:
        answer = await sim.http.get(sim.beta(DEMO_SKILL_ID, "/testers"), params={"maxResults": 1})
    assert answer.status_code == 200
    body = answer.json()
    assert body["testers"] == [EXAMPLE_TESTER]
    assert body["isTruncated"] is True and isinstance(body["nextToken"], str)
    assert set(body) == {"testers", "isTruncated", "nextToken"}


async def test_next_token_walks_every_tester_once_and_the_last_page_has_none() -> None:
    async with open_sim() as sim:
        seen: list[str] = []
        sizes: list[int] = []
        params: dict[str, Any] = {"maxResults": 500}
        while True:
            body = (await sim.http.get(sim.beta(LARGE_SKILL_ID, "/testers"), params=params)).json()
            seen += [t["emailId"] for t in body["testers"]]
            sizes.append(len(body["testers"]))
            if not body["isTruncated"]:
                assert "nextToken" not in body
                break
            params["nextToken"] = body["nextToken"]
    assert sizes == [500, 500, 250]
    assert seen == [t.emailId for t in sim.state.testers(LARGE_SKILL_ID)] and len(set(seen)) == 1250


async def test_default_page_is_100_and_max_results_must_be_1_to_500() -> None:
    async with open_sim() as sim:
        default = (await sim.http.get(sim.beta(LARGE_SKILL_ID, "/testers"))).json()
        too_big = await sim.http.get(sim.beta(LARGE_SKILL_ID, "/testers"), params={"maxResults": 501})
        zero = await sim.http.get(sim.beta(LARGE_SKILL_ID, "/testers"), params={"maxResults": 0})
        forged = await sim.http.get(sim.beta(LARGE_SKILL_ID, "/testers"), params={"nextToken": "someToken.1"})
    assert len(default["testers"]) == 100
    for answer in (too_big, zero):
        assert answer.status_code == 400 and answer.json()["message"] == DOCUMENTED_400["message"]
    assert forged.status_code == 400 and violation_codes(forged) == ["INVALID_NEXT_TOKEN"]


async def test_add_answers_204_and_the_new_tester_is_listed_not_accepted() -> None:
    async with open_sim() as sim:
        answer = await sim.http.post(sim.beta(DEMO_SKILL_ID, "/testers/add"), json=body_of("example2@email.address"))
        assert answer.status_code == 204 and answer.content == b""
        last = sim.state.testers(DEMO_SKILL_ID)[-1]
        got = (await sim.http.get(sim.beta(DEMO_SKILL_ID))).json()
    assert last.emailId == "example2@email.address" and last.invitationStatus == "NOT_ACCEPTED"
    assert last.isReminderAllowed is True and last.associationDate == "2026-11-20T09:00:00.000Z"
    assert got["invitesRemaining"] == 500 - 43
    assert [(m.kind, m.email) for m in sim.state.outbox] == [("invitation", "example2@email.address")]


async def test_an_overlong_email_gets_the_documented_400_body_exactly() -> None:
    async with open_sim() as sim:
        long_email = "a" * 250 + "@example.com"
        answer = await sim.http.post(sim.beta(DEMO_SKILL_ID, "/testers/add"), json=body_of(long_email))
        empty = await sim.http.post(sim.beta(DEMO_SKILL_ID, "/testers/remove"), json=body_of(""))
    assert answer.status_code == 400 and answer.json() == DOCUMENTED_400
    assert answer.text == '{"message":"The property is outside the allowed range.","code":"INVALID_STRING_LENGTH"}'
    assert empty.status_code == 400 and empty.json() == DOCUMENTED_400
    assert not sim.state.write_log


async def test_a_skill_id_over_255_characters_is_out_of_range() -> None:
    async with open_sim() as sim:
        answer = await sim.http.get(sim.beta("amzn1." + "x" * 250))
    assert answer.status_code == 400 and answer.json() == DOCUMENTED_400


async def test_more_than_500_testers_in_one_call_is_refused_whole() -> None:
    async with open_sim() as sim:
        many = body_of(*(f"t{n}@example.org" for n in range(501)))
        answer = await sim.http.post(sim.beta(LARGE_SKILL_ID, "/testers/add"), json=many)
        none = await sim.http.post(sim.beta(LARGE_SKILL_ID, "/testers/add"), json={"testers": []})
        bad = await sim.http.post(sim.beta(LARGE_SKILL_ID, "/testers/add"), json=body_of("not-an-email"))
    assert answer.status_code == 400 and answer.json()["code"] == "INVALID_ARRAY_LENGTH"
    assert none.status_code == 400 and violation_codes(bad) == ["INVALID_EMAIL_FORMAT"]
    assert (
        bad.json()["message"] == "Request is not valid." and "'not-an-email'" in bad.json()["violations"][0]["message"]
    )
    assert len(sim.state.testers(LARGE_SKILL_ID)) == 1250


async def test_adding_beyond_the_invites_remaining_is_refused_whole() -> None:
    async with open_sim() as sim:
        answer = await sim.http.post(
            sim.beta(DEMO_SKILL_ID, "/testers/add"), json=body_of(*(f"t{n}@example.org" for n in range(459)))
        )
    assert answer.status_code == 400 and violation_codes(answer) == ["INVITATION_LIMIT_EXCEEDED"]
    assert len(sim.state.testers(DEMO_SKILL_ID)) == 42


async def test_unknown_skill_is_404_and_another_vendors_skill_is_403() -> None:
    async with open_sim() as sim:
        unknown = await sim.http.get(sim.beta("amzn1.ask.skill.00000000-0000-0000-0000-000000000000"))
        foreign = await sim.http.get(sim.beta(FOREIGN_SKILL_ID, "/testers"))
        no_test = await sim.http.get(sim.beta(NEW_SKILL_ID))
        await sim.login(OTHER_VENDOR_REFRESH_TOKEN)
        owner = await sim.http.get(sim.beta(FOREIGN_SKILL_ID, "/testers"))
    assert unknown.status_code == 404 and unknown.json()["code"] == "NOT_FOUND"
    assert foreign.status_code == 403 and set(foreign.json()) == {"message", "code"}
    assert no_test.status_code == 404
    assert owner.status_code == 200 and len(owner.json()["testers"]) == 2


# ------------------------------------------------------------------------ the beta test's life


async def test_create_answers_201_with_location_then_conflicts() -> None:
    async with open_sim() as sim:
        created = await sim.http.post(sim.beta(NEW_SKILL_ID), json={"feedbackEmail": "fb@example.com"})
        again = await sim.http.post(sim.beta(NEW_SKILL_ID))
        got = (await sim.http.get(sim.beta(NEW_SKILL_ID))).json()
    assert created.status_code == 201 and created.headers["location"] == sim.beta(NEW_SKILL_ID)
    assert again.status_code == 409 and again.json()["code"] == "CONFLICT"
    assert got["status"] == "IN_DRAFT" and got["feedbackEmail"] == "fb@example.com"
    assert got["invitesRemaining"] == 500 and "expiryDate" not in got


async def test_start_is_asynchronous_and_advances_on_a_later_read() -> None:
    async with open_sim(transition_s=30.0) as sim:
        started = await sim.http.post(sim.beta(DRAFT_SKILL_ID, "/start"))
        soon = (await sim.http.get(sim.beta(DRAFT_SKILL_ID))).json()
        twice = await sim.http.post(sim.beta(DRAFT_SKILL_ID, "/start"))
        sim.clock.advance(30)
        later = (await sim.http.get(sim.beta(DRAFT_SKILL_ID))).json()
    assert started.status_code == 202 and started.content == b""
    assert soon["status"] == "STARTING" and soon["expiryDate"] == "2027-02-18T09:00:00.000Z"
    assert twice.status_code == 409
    assert later["status"] == "RUNNING"
    assert sorted(m.email for m in sim.state.outbox if m.kind == "invitation") == sorted(
        t.emailId for t in sim.state.testers(DRAFT_SKILL_ID)
    )


async def test_end_goes_through_stopping_to_ended_and_then_refuses_changes() -> None:
    async with open_sim() as sim:
        ended = await sim.http.post(sim.beta(LEGACY_SKILL_ID, "/end"))
        assert sim.state.skills[LEGACY_SKILL_ID].beta_test.status == "STOPPING"  # type: ignore[union-attr]
        got = (await sim.http.get(sim.beta(LEGACY_SKILL_ID))).json()
        add = await sim.http.post(sim.beta(LEGACY_SKILL_ID, "/testers/add"), json=body_of("late@example.com"))
        update = await sim.http.put(sim.beta(ENDED_SKILL_ID), json={"feedbackEmail": "x@example.com"})
    assert ended.status_code == 202 and got["status"] == "ENDED"
    assert add.status_code == 409 and update.status_code == 409


async def test_update_changes_the_feedback_email() -> None:
    async with open_sim() as sim:
        done = await sim.http.put(sim.beta(DEMO_SKILL_ID), json={"feedbackEmail": "new-fb@example.com"})
        missing = await sim.http.put(sim.beta(DEMO_SKILL_ID), json={})
        got = (await sim.http.get(sim.beta(DEMO_SKILL_ID))).json()
    assert done.status_code == 204 and got["feedbackEmail"] == "new-fb@example.com"
    assert missing.status_code == 400 and missing.json()["code"] == "MISSING_PARAMETER"


async def test_remove_reminder_and_feedback_act_only_on_testers() -> None:
    async with open_sim() as sim:
        removed = await sim.http.post(
            sim.beta(DEMO_SKILL_ID, "/testers/remove"), json=body_of("EXAMPLE@email.address", "stranger@x.org")
        )
        waiting = "demo.tester0003@example.com"  # not accepted yet: a reminder is allowed
        accepted = "demo.tester0001@example.com"
        reminded = await sim.http.post(
            sim.beta(DEMO_SKILL_ID, "/testers/sendReminder"), json=body_of(waiting, accepted, "nobody@x.org")
        )
        feedback = await sim.http.post(sim.beta(DEMO_SKILL_ID, "/testers/requestFeedback"), json=body_of(accepted))
        draft = await sim.http.post(sim.beta(DRAFT_SKILL_ID, "/testers/sendReminder"), json=body_of(waiting))
    assert removed.status_code == reminded.status_code == feedback.status_code == 204
    assert "example@email.address" not in [t.emailId for t in sim.state.testers(DEMO_SKILL_ID)]
    assert [(m.kind, m.email) for m in sim.state.outbox] == [("reminder", waiting), ("feedback_request", accepted)]
    tester = next(t for t in sim.state.testers(DEMO_SKILL_ID) if t.emailId == waiting)
    assert tester.isReminderAllowed is False
    assert draft.status_code == 409


# ------------------------------------------------------------------------ limits and faults


async def test_rate_limit_answers_429_with_retry_after() -> None:
    async with open_sim(read_limit=2) as sim:
        answers = [await sim.http.get(sim.beta(DEMO_SKILL_ID)) for _ in range(3)]
        sim.clock.advance(60)
        after = await sim.http.get(sim.beta(DEMO_SKILL_ID))
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "TOO_MANY_REQUESTS" and int(answers[2].headers["retry-after"]) >= 1
    assert after.status_code == 200


@pytest.mark.parametrize(
    ("spec", "status", "code"), [("503", 503, "SERVICE_UNAVAILABLE"), ("429", 429, "TOO_MANY_REQUESTS")]
)
async def test_injected_faults_use_the_smapi_error_shape(spec: str, status: int, code: str) -> None:
    async with open_sim() as sim:
        sim.config.faults.queue(spec, path="/testers/add")
        answer = await sim.http.post(sim.beta(DEMO_SKILL_ID, "/testers/add"), json=body_of("a@example.com"))
    assert answer.status_code == status and answer.json()["code"] == code and answer.json()["message"]
    assert not sim.state.write_log and len(sim.state.testers(DEMO_SKILL_ID)) == 42


async def test_a_fault_after_executing_hides_a_write_that_happened() -> None:
    async with open_sim() as sim:
        sim.config.faults.queue("503_after_execute", path="/testers/add")
        answer = await sim.http.post(sim.beta(DEMO_SKILL_ID, "/testers/add"), json=body_of("a@example.com"))
    assert answer.status_code == 503
    assert sim.state.testers(DEMO_SKILL_ID)[-1].emailId == "a@example.com" and len(sim.state.write_log) == 1
