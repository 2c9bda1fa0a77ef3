"""The Alexa client through MCP: LWA token life, paging over 1,250 testers, and SMAPI's error shapes."""

from __future__ import annotations

from typing import Any

import pytest

from betaops.core.errors import ConfigError
from betaops.providers.alexa.provider import live
from betaops.providers.alexa.settings import MAX_TESTER_PAGE
from betaops.providers.alexa.simulator import (
    DEMO_SKILL_ID,
    DRAFT_SKILL_ID,
    ENDED_SKILL_ID,
    FOREIGN_SKILL_ID,
    LARGE_SKILL_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_REFRESH_TOKEN,
)
from betaops.settings import Settings
from tests.providers.alexa.helpers import emails
from tests.support import Box, confirming, make_box, text

pytestmark = pytest.mark.anyio


@pytest.fixture
def box() -> Box:
    return make_box("alexa")


def token_requests(box: Box) -> int:
    return sum(1 for r in box.state.requests if r.path == "/auth/o2/token")


# ------------------------------------------------------------------------ Login with Amazon


async def test_the_access_token_is_cached_then_refreshed_shortly_before_expiry(box: Box, mode: str) -> None:
    async with box.client(mode) as client:
        for _ in range(3):
            assert not (await client.call_tool("alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})).is_error
        assert box.auth.fetch_count == 1 and token_requests(box) == 1
        box.clock.advance(3600 - 30)  # inside the 60 s margin: refresh before Amazon says 401
        assert not (await client.call_tool("alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})).is_error
    assert box.auth.fetch_count == 2
    assert not [r for r in box.state.requests if r.path.endswith("/betaTest") and r.attempt != "1"]


async def test_a_401_refreshes_once_and_repeats_the_request(box: Box, mode: str) -> None:
    async with box.client(mode) as client:
        await client.call_tool("alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})
        box.state.tokens.clear()  # Amazon revoked the access token early
        again = await client.call_tool("alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})
    assert not again.is_error, text(again)
    assert box.auth.fetch_count == 2
    gets = [r for r in box.state.requests if r.path.endswith("/betaTest")]
    assert len(gets) == 3  # first call, the refused one, and its single repeat


async def test_a_401_on_a_write_refreshes_and_the_write_happens_once(box: Box, mode: str) -> None:
    args = {"skill_id": DEMO_SKILL_ID, "testers": [{"emailId": "once@example.com"}]}
    async with box.client(mode) as client:
        first = await client.call_tool("alexa_add_beta_testers", args)
        assert first.structured_content is not None
        box.state.tokens.clear()
        done = await client.call_tool("alexa_add_beta_testers", {**args, **confirming(first.structured_content)})
    assert done.structured_content is not None and done.structured_content["status"] == "executed", text(done)
    assert len(box.state.write_log) == 1 and emails(box, DEMO_SKILL_ID).count("once@example.com") == 1


async def test_a_refused_refresh_token_names_the_settings_and_leaks_no_secret(mode: str) -> None:
    box = make_box("alexa", sim_fields={"alexa": {"refresh_tokens": {}}})
    async with box.client(mode) as client:
        result = await client.call_tool("alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})
    message = text(result)
    assert result.is_error and "ALEXA_REFRESH_TOKEN" in message and "HTTP 400" in message
    assert SANDBOX_REFRESH_TOKEN not in message and SANDBOX_CLIENT_SECRET not in message


def test_live_settings_name_every_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALEXA_CLIENT_ID", "amzn1.application-oa2-client.abc")
    with pytest.raises(ConfigError) as caught:
        live(Settings(_env_file=None))
    assert "ALEXA_CLIENT_SECRET, ALEXA_REFRESH_TOKEN are not set" in str(caught.value)
    monkeypatch.setenv("ALEXA_CLIENT_SECRET", "s3cret-value")
    monkeypatch.setenv("ALEXA_REFRESH_TOKEN", "Atzr|r3fresh")
    config = live(Settings(_env_file=None))
    assert config.base_url == "https://api.amazonalexa.com" and config.idempotency_header is None
    assert "s3cret-value" not in repr(config) and "r3fresh" not in repr(config)


# ------------------------------------------------------------------------ paging


async def test_cursor_walk_and_a_large_limit_return_all_1250_testers(box: Box, mode: str) -> None:
    expected = emails(box, LARGE_SKILL_ID)
    assert len(expected) == 1250
    seen: list[str] = []
    async with box.client(mode) as client:
        cursor = None
        while True:
            args: dict[str, Any] = {"skill_id": LARGE_SKILL_ID, "limit": 100}
            if cursor:
                args["cursor"] = cursor
            page = await client.call_tool("alexa_list_beta_testers", args)
            assert page.structured_content is not None, text(page)
            seen += [t["emailId"] for t in page.structured_content["items"]]
            cursor = page.structured_content["next_cursor"]
            if cursor is None:
                break
        everything = await client.call_tool(
            "alexa_list_beta_testers",
            {"skill_id": LARGE_SKILL_ID, "limit": 2000},
        )
    assert seen == expected
    body = everything.structured_content
    assert body is not None and [t["emailId"] for t in body["items"]] == expected and body["next_cursor"] is None
    pages = [r.query["maxResults"] for r in box.state.requests if r.path.endswith("/testers")]
    # The walk asks for its limit per page; limit=2000 asks for Amazon's largest page.
    assert pages == ["100"] * 13 + [str(MAX_TESTER_PAGE)] * -(-1250 // MAX_TESTER_PAGE)


async def test_a_large_limit_with_every_field_is_cut_to_fit_and_says_so(box: Box) -> None:
    async with box.client() as client:
        result = await client.call_tool(
            "alexa_list_beta_testers",
            {"skill_id": LARGE_SKILL_ID, "limit": 2000, "fields": ["all"]},
        )
    body = result.structured_content
    assert body is not None and body["truncated"] is True and "keep the result small" in body["note"]
    assert 0 < body["count"] < 1250 and set(body["items"][0]) == {
        "emailId",
        "associationDate",
        "isReminderAllowed",
        "invitationStatus",
    }


async def test_the_limit_is_met_and_the_cursor_continues_after_it(box: Box) -> None:
    async with box.client() as client:
        capped = await client.call_tool(
            "alexa_list_beta_testers",
            {"skill_id": LARGE_SKILL_ID, "limit": 300},
        )
        body = capped.structured_content
        assert body is not None and body["count"] == 300 and body["next_cursor"]
        rest = await client.call_tool(
            "alexa_list_beta_testers", {"skill_id": LARGE_SKILL_ID, "limit": 100, "cursor": body["next_cursor"]}
        )
        other = await client.call_tool(
            "alexa_list_beta_testers", {"skill_id": DEMO_SKILL_ID, "limit": 100, "cursor": body["next_cursor"]}
        )
    assert rest.structured_content is not None
    assert rest.structured_content["items"][0]["emailId"] == emails(box, LARGE_SKILL_ID)[300]
    assert other.is_error and "cursor is not valid" in text(other)


# ------------------------------------------------------------------------ errors


async def test_a_400_carries_smapis_code_and_message(box: Box, mode: str) -> None:
    many = [{"emailId": f"x{n}@example.org"} for n in range(459)]
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool("alexa_add_beta_testers", {"skill_id": DEMO_SKILL_ID, "testers": many})
    message = text(result)
    assert result.is_error and "failed with HTTP 400 (INVITATION_LIMIT_EXCEEDED)" in message
    assert "exceeds the 458 invitations remaining" in message and "Nothing was changed." in message


@pytest.mark.parametrize(
    ("skill_id", "tool", "status", "code"),
    [
        ("amzn1.ask.skill.00000000-0000-0000-0000-000000000000", "alexa_get_beta_test", 404, "NOT_FOUND"),
        (FOREIGN_SKILL_ID, "alexa_list_beta_testers", 403, "FORBIDDEN"),
        (ENDED_SKILL_ID, "alexa_end_beta_test", 409, "CONFLICT"),
    ],
)
async def test_status_errors_name_status_and_code(box: Box, skill_id: str, tool: str, status: int, code: str) -> None:
    async with box.client(answer="accept") as client:
        result = await client.call_tool(tool, {"skill_id": skill_id})
    assert result.is_error and f"HTTP {status} ({code})" in text(result)
    assert box.writes == 0


@pytest.mark.parametrize("spec", ["429", "503"])
async def test_reads_back_off_on_429_and_503_then_succeed(box: Box, mode: str, spec: str) -> None:
    box.config.faults.queue(spec, 2, method="GET", path="/betaTest")
    async with box.client(mode) as client:
        result = await client.call_tool("alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})
    assert not result.is_error, text(result)
    assert len(box.sleeps) == 2 and box.config.faults.pending == 0
    if spec == "429":
        assert box.sleeps == [1.0, 1.0]  # Retry-After honoured
    else:
        assert box.sleeps[1] > box.sleeps[0] / 2  # exponential, jittered


async def test_a_429_on_a_write_is_not_retried_and_says_when_to_retry(box: Box, mode: str) -> None:
    box.config.faults.queue("429", method="POST", path="/testers/add")
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool(
            "alexa_add_beta_testers", {"skill_id": DEMO_SKILL_ID, "testers": [{"emailId": "a@example.com"}]}
        )
    message = text(result)
    assert result.is_error and "HTTP 429 (TOO_MANY_REQUESTS)" in message and "Retry after 1 s." in message
    assert "Nothing was changed." in message and not box.sleeps
    assert len([r for r in box.state.requests if r.path.endswith("/testers/add")]) == 1


async def test_a_503_on_start_is_reported_as_unknown_outcome(mode: str) -> None:
    box = make_box("alexa")
    box.config.faults.queue("503", method="POST", path="/start")
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool("alexa_start_beta_test", {"skill_id": DRAFT_SKILL_ID})
    message = text(result)
    assert result.is_error and "HTTP 503 (SERVICE_UNAVAILABLE)" in message
    assert "outcome is unknown" in message and not box.sleeps
    assert len([r for r in box.state.requests if r.path.endswith("/start")]) == 1
