"""The shared client layer against the simulator: OAuth2 token life, write pacing, secrets, cursors."""

from __future__ import annotations

import base64
import json
import logging

import pytest
from pydantic import SecretStr

from betaops.core.auth import OAuth2ClientCredentials
from betaops.core.errors import ConfigError, ProviderError
from betaops.core.pagination import decode_cursor, encode_cursor
from betaops.core.ratelimit import SlidingWindowLimiter
from betaops.core.sanitize import clean_text
from betaops.providers.betatesting.operations import BY_NAME
from betaops.providers.betatesting.provider import SANDBOX_BASE_URL
from betaops.providers.betatesting.simulator.config import (
    COMPANY_ID,
    SANDBOX_API_KEY,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SIM_NOW,
    SimConfig,
)
from betaops.server.runtime import ConfirmMode
from betaops.sim.clock import FakeClock
from tests.support import make_box, text

pytestmark = pytest.mark.anyio


def oauth(clock: FakeClock, secret: str = SANDBOX_CLIENT_SECRET) -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(
        provider="betatesting",
        token_url=f"{SANDBOX_BASE_URL}/oauth/token",
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SecretStr(secret),
        clock=clock,
    )


async def test_oauth_token_is_reused_then_refreshed_before_expiry() -> None:
    clock = FakeClock(SIM_NOW)
    auth = oauth(clock)
    box = make_box(
        "betatesting", sims={"betatesting": SimConfig(clock=clock, token_lifetime_s=600)}, auth={"betatesting": auth}
    )
    client = box.runtime.connections["betatesting"].client
    op = BY_NAME["list_custom_fields"]
    params = op.params()
    for _ in range(3):
        await client.call(op, params)
    assert auth.fetch_count == 1
    clock.advance(550)  # inside the refresh margin: refresh before the provider says 401
    await client.call(op, params)
    assert auth.fetch_count == 2
    assert not [r for r in box.state.requests if r.path.endswith("/custom-fields") and r.attempt != "1"]


async def test_oauth_refreshes_once_on_401_and_retries_the_request() -> None:
    clock = FakeClock(SIM_NOW)
    auth = oauth(clock)
    box = make_box(
        "betatesting", sims={"betatesting": SimConfig(clock=clock, token_lifetime_s=600)}, auth={"betatesting": auth}
    )
    client = box.runtime.connections["betatesting"].client
    op = BY_NAME["list_custom_fields"]
    await client.call(op, op.params())
    box.state.tokens.clear()  # the provider forgets our token (revoked, restarted)
    reply = await client.call(op, op.params())
    assert reply.data and auth.fetch_count == 2


async def test_wrong_client_secret_is_a_config_error_naming_the_fix() -> None:
    clock = FakeClock(SIM_NOW)
    box = make_box(
        "betatesting",
        sims={"betatesting": SimConfig(clock=clock)},
        auth={"betatesting": oauth(clock, secret="not-our-secret-7f3a")},
    )
    op = BY_NAME["list_custom_fields"]
    with pytest.raises(ConfigError) as caught:
        await box.runtime.connections["betatesting"].client.call(op, op.params())
    message = str(caught.value)
    assert "client id and secret" in message and "not-our-secret-7f3a" not in message
    assert (
        "HTTP 401, invalid_client" in message
        and "invalid_client means the client id or client secret is wrong" in message
    )


async def test_write_limiter_paces_a_bulk_job_under_the_providers_quota() -> None:
    clock = FakeClock(SIM_NOW)
    box = make_box("betatesting", sims={"betatesting": SimConfig(clock=clock)}, confirm=ConfirmMode.NEVER)
    mine = {t.id for t in box.state.tests.values() if t.company_id == COMPANY_ID}
    issue = next(i for i in box.state.issues.values() if i.test_id in mine)
    issue.priority = "critical"  # every write below changes it (a write that changes nothing is not sent)
    priorities = ["low", "medium", "high"] * 14  # 42 writes against a 30/minute quota
    async with box.client() as client:
        for p in priorities:
            result = await client.call_tool(
                "betatesting_update_issue", {"test_id": issue.test_id, "issue_id": issue.id, "priority": p}
            )
            assert not result.is_error, text(result)
    assert box.writes == 42
    assert not [r for r in box.state.requests if r.attempt not in (None, "1")], "no 429 was ever retried"
    assert sum(box.sleeps) >= 59  # the client waited for the window instead of hitting 429


async def test_sliding_window_never_exceeds_its_limit() -> None:
    clock = FakeClock(0.0)

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    limiter = SlidingWindowLimiter(3, 10.0, clock=clock, sleep=sleep)
    stamps = []
    for _ in range(10):
        await limiter.acquire()
        stamps.append(clock())
    for i, t in enumerate(stamps):
        assert sum(1 for u in stamps[i:] if u - t < 10.0) <= 3


async def test_api_key_never_reaches_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    box = make_box("betatesting")
    async with box.client() as client:
        await client.call_tool("betatesting_list_tests", {})
        failed = await client.call_tool("betatesting_get_test", {"test_id": 999999})
    assert failed.is_error
    assert SANDBOX_API_KEY not in caplog.text and SANDBOX_API_KEY not in text(failed)
    assert all(r.headers.get("authorization") in (None, "[redacted]") for r in box.state.requests)


def test_cursor_round_trips_only_for_its_own_tool_filters_and_signature() -> None:
    key = b"k" * 32
    cursor = encode_cursor("betatesting_list_issues", {"test_id": 1}, {"page": 3, "per_page": 25}, key)
    assert decode_cursor("betatesting", "betatesting_list_issues", {"test_id": 1}, cursor, key) == {
        "page": 3,
        "per_page": 25,
    }
    # A cursor forged to carry another path (the signature no longer matches) is refused.
    head, sig = cursor.split(".")
    raw = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    raw["s"] = {"next": "https://betatesting.com/api/external/v2/company/users"}
    forged = base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=") + "." + sig
    for tool, args, bad, with_key in [
        ("betatesting_list_testers", {"test_id": 1}, cursor, key),
        ("betatesting_list_issues", {"test_id": 2}, cursor, key),
        ("betatesting_list_issues", {"test_id": 1}, "garbage!!", key),
        ("betatesting_list_issues", {"test_id": 1}, forged, key),
        ("betatesting_list_issues", {"test_id": 1}, cursor, b"other" * 8),
    ]:
        with pytest.raises(ProviderError):
            decode_cursor("betatesting", tool, args, bad, with_key)


def test_invisible_and_bidi_characters_are_stripped() -> None:
    hostile = "Crash\u200b on \u202eLOGIN\u202c\u2066 now\x07\nline two\ttab"
    assert clean_text(hostile) == "Crash on LOGIN now\nline two\ttab"


def test_hidden_characters_beyond_format_characters_are_stripped() -> None:
    """Issue 9: variation selectors, tag characters, U+2028/2029, U+3164 and U+2800 hid instructions."""
    smuggled = "Crash" + "".join(chr(0xE0100 + b) for b in b"rm -rf") + "\ufe0f\U000e0041\u2028\u2029\u3164\u2800 now"
    assert clean_text(smuggled) == "Crash now"
