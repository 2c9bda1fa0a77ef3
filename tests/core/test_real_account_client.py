"""The client layer against what real accounts do: echoed credentials, plain-http URLs, unreachable
hosts, empty and unreadable success answers, Retry-After on any status.

Every provider's simulator (or a small real Starlette app on loopback) plays the provider; nothing
is mocked.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from betaops.core.auth import StaticBearer
from betaops.core.errors import ConfigError, ProviderError
from betaops.core.http import ProviderClient, ProviderConfig, require_tls
from betaops.core.pagination import PageNumberPagination
from betaops.core.sanitize import REDACTED, Redactor, redact_text
from betaops.core.shapes import EMPTY
from betaops.providers.alexa import provider as alexa
from betaops.providers.betasend import provider as betasend
from betaops.providers.betatesting import provider as betatesting
from betaops.providers.betatesting.operations import BY_NAME as BT
from betaops.providers.betatesting.simulator import config as bt_sim
from betaops.providers.testflight import provider as testflight
from betaops.providers.testflight.operations import OPERATIONS as TF_OPERATIONS
from betaops.settings import Settings
from betaops.sim.transport import sim_transport
from betaops.sim.variants import EMPTY as NO_BODY
from tests.providers.betatesting.test_simulator import Ids
from tests.support import make_box, text

pytestmark = pytest.mark.anyio

JWT = "eyJhbGciOiJFUzI1NiIsImtpZCI6IkFCQyJ9.eyJpc3MiOiI1N2FiIiwiYXVkIjoiYXBwc3RvcmVjb25uZWN0LXYxIn0.c2lnbmF0dXJl"


# ------------------------------------------------------------------------ scrubbing, unit


def test_every_configured_secret_and_credential_shape_is_redacted() -> None:
    key, refresh = "k3y-" + "a1" * 12, "Atzr|IwEBIA" + "x" * 30
    text_in = (
        f"bad key {key}; form api={key}&x=1; refresh {refresh} or Atzr%7CIwEBIA{'x' * 30}; "
        f"header Authorization: Bearer abc.def-ghi_jkl; jwt {JWT}; other btst_{'Z9' * 32}; "
        "Atza|IwEBIOtherAccessToken123"
    )
    out = redact_text(text_in, [key, refresh])
    for leaked in (key, refresh, "abc.def-ghi_jkl", JWT, "Z9Z9Z9", "IwEBIOtherAccessToken123", "IwEBIAxxx"):
        assert leaked not in out, leaked
    assert "Bearer [redacted]" in out and out.count(REDACTED) >= 7
    assert (
        redact_text("a short pin 1234 and ordinary words stay", ["1234"]) == "a short pin 1234 and ordinary words stay"
    )


def test_a_parsed_body_is_walked_only_when_its_bytes_hold_something_to_scrub() -> None:
    secret = "s3cret/with/slashes"
    redactor = Redactor(lambda: [secret])
    clean = {"data": [{"title": "Crash on login", "body": "line\\nbreak"}]}
    raw = json.dumps(clean).encode()
    assert redactor.body(clean, raw) is clean  # nothing to scrub: the same object, no walk
    echoed = {"message": f"unknown key {secret}", secret: 1}
    php = json.dumps(echoed).replace("/", "\\/").encode()  # PHP escapes slashes
    assert redactor.body(json.loads(php), php) == {"message": "unknown key [redacted]", REDACTED: 1}


# ------------------------------------------------------------------------ scrubbing, through the providers


async def test_an_error_that_echoes_the_api_key_reaches_no_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """BetaTesting echoes the bearer key in its errors: the tool error and the audit log show [redacted]."""
    caplog.set_level(logging.DEBUG)
    audit = tmp_path / "audit.jsonl"
    fleet = make_box("betatesting", audit=audit)
    fleet["betatesting"].config.variants.echo_credentials = True
    ids = Ids.of(fleet["betatesting"].state)
    async with fleet.client(answer="accept") as client:
        missing = await client.call_tool("betatesting_get_test", {"test_id": 999_999})
        refused = await client.call_tool("betatesting_change_test_stage", {"test_id": ids.draft, "stage": "pause"})
    answers = b"".join(s.answer for s in fleet["betatesting"].sent)
    assert bt_sim.SANDBOX_API_KEY.encode() in answers  # the provider really echoed it
    for result in (missing, refused):
        assert result.is_error and "received: [redacted]" in text(result), text(result)
    seen = [text(missing), text(refused), audit.read_text(), caplog.text]
    assert all(bt_sim.SANDBOX_API_KEY not in s for s in seen)
    assert "received: [redacted]" in audit.read_text()  # the refused write was audited, scrubbed


async def test_a_success_body_that_echoes_credentials_is_scrubbed_before_anyone_reads_it() -> None:
    fleet = make_box("betatesting", "testflight")
    fleet["betatesting"].config.variants.queue(
        {"data": [{"id": 1, "name": f"key {bt_sim.SANDBOX_API_KEY}", "status": "draft"}], "meta": {}}, path="/tests"
    )
    reply = await fleet.runtime.connections["betatesting"].client.call(BT["list_tests"], BT["list_tests"].params())
    assert reply.data == [{"id": 1, "name": f"key {REDACTED}", "status": "draft"}]
    # App Store Connect echoing our JWT in an error: redacted by its shape, and as the token we minted.
    fleet["testflight"].config.variants.echo_credentials = True
    op = next(o for o in TF_OPERATIONS if o.name == "get_app")
    with pytest.raises(ProviderError) as caught:
        await fleet.runtime.connections["testflight"].client.call(op, op.params(app_id="000000000"))
    assert "received: [redacted]" in str(caught.value) and "eyJ" not in str(caught.value)


# ------------------------------------------------------------------------ plain http


@pytest.mark.parametrize(
    ("provider", "env", "setting"),
    [
        (
            betatesting,
            {"BETATESTING_API_KEY": "btst_" + "a" * 64, "BETATESTING_BASE_URL": "http://proxy.example"},
            "BETATESTING_BASE_URL",
        ),
        (
            betatesting,
            {
                "BETATESTING_CLIENT_ID": "c",
                "BETATESTING_CLIENT_SECRET": "s",
                "BETATESTING_TOKEN_URL": "http://login.example/t",
            },
            "BETATESTING_TOKEN_URL",
        ),
        (alexa, {"ALEXA_BASE_URL": "http://smapi.example"}, "ALEXA_BASE_URL"),
        (alexa, {"ALEXA_TOKEN_URL": "http://10.0.0.8/auth/o2/token"}, "ALEXA_TOKEN_URL"),
        (betasend, {"BETASEND_BASE_URL": "http://proxy.example/api/v1"}, "BETASEND_BASE_URL"),
        (testflight, {"TESTFLIGHT_BASE_URL": "http://asc.example"}, "TESTFLIGHT_BASE_URL"),
    ],
)
def test_a_plain_http_base_url_beyond_loopback_is_refused_at_start_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, provider: Any, env: dict[str, str], setting: str
) -> None:
    base = {
        "ALEXA_CLIENT_ID": "amzn1.application-oa2-client.abc",
        "ALEXA_CLIENT_SECRET": "s3cret-value",
        "ALEXA_REFRESH_TOKEN": "Atzr|r3fresh-token",
        "BETASEND_API_KEY": "0a1b2c3d4e5f6a7b",
        "BETASEND_HASH": "f0e1d2c3b4a5f6e7",
        "TESTFLIGHT_KEY_ID": "ABC123DEFG",
    }
    for name, value in {**base, **env}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        provider.live(Settings(_env_file=None))
    assert setting in str(caught.value) and "https" in str(caught.value)


def test_loopback_may_use_plain_http_and_betasend_takes_a_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert require_tls("x", "X_URL", "http://127.0.0.1:8080/api") == "http://127.0.0.1:8080/api"
    assert require_tls("x", "X_URL", "http://localhost/api") and require_tls("x", "X_URL", "http://[::1]:9/")
    for name, value in {
        "BETASEND_BASE_URL": "http://127.0.0.1:9001/api/v1",
        "BETASEND_API_KEY": "0a1b2c3d4e5f6a7b",
        "BETASEND_HASH": "f0e1d2c3b4a5f6e7",
    }.items():
        monkeypatch.setenv(name, value)
    config = betasend.live(Settings(_env_file=None))
    assert config.base_url == "http://127.0.0.1:9001/api/v1"  # no BETASEND_DOMAIN needed with a base URL
    monkeypatch.setenv("BETASEND_DOMAIN", "acme")
    monkeypatch.delenv("BETASEND_BASE_URL")
    assert betasend.live(Settings(_env_file=None)).base_url == "https://acme.betasend.com/api/v1"


# ------------------------------------------------------------------------ unreachable: fail fast


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _client(base_url: str, sleeps: list[float], transport: httpx2.AsyncBaseTransport | None = None) -> ProviderClient:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    config = ProviderConfig(
        name="betatesting",
        base_url=base_url,
        auth=StaticBearer(SecretStr("btst_" + "b" * 64)),
        credential_hint="",
        pagination=PageNumberPagination(),
        unwrap=betatesting._unwrap,
    )
    return ProviderClient(config, transport=transport, sleep=sleep)


@pytest.mark.parametrize(
    ("url", "words", "budget_s"),
    [
        # The first request also opens the pool (its TLS context), as the first tool call always did.
        (f"http://127.0.0.1:{_closed_port()}/api", "nothing is listening", 1.0),
        ("https://betaops-no-such-host.invalid/api", "could not be resolved", 1.0),
    ],
)
async def test_a_failure_that_cannot_succeed_on_retry_is_reported_at_once(
    url: str, words: str, budget_s: float
) -> None:
    sleeps: list[float] = []
    client = _client(url, sleeps)
    op = BT["list_tests"]
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        await client.call(op, op.params())
    elapsed = time.monotonic() - started
    await client.aclose()
    assert words in str(caught.value) and "Retrying will not help" in str(caught.value), str(caught.value)
    assert "Nothing was changed" in str(caught.value)
    assert sleeps == [] and elapsed < budget_s  # no backoff: before, 3 retries took 2.8 s


# ------------------------------------------------------------------------ odd success answers


def _odd_provider() -> Starlette:
    """A provider that answers writes in HTML, reads with nothing, and 503 with a Retry-After."""

    async def tests(request: Request) -> Response:
        if request.method == "POST":
            return Response("<html><body>Saved!</body></html>", 200, media_type="text/html")
        return Response(b"", 200)

    async def busy(request: Request) -> Response:
        return JSONResponse({"error": "Maintenance", "message": "Back soon."}, 503, {"Retry-After": "120"})

    async def login(request: Request) -> Response:
        return Response(b"", 302, {"Location": "https://login.example/sso?next=/api"})

    return Starlette(
        routes=[
            Route("/api/tests", tests, methods=["GET", "POST"]),
            Route("/api/tests/{n}", busy),
            Route("/api/tests/{n}/copy", login, methods=["POST"]),
        ]
    )


@asynccontextmanager
async def odd_client() -> AsyncIterator[ProviderClient]:
    client = _client("http://odd.provider.test/api", [], sim_transport(_odd_provider()))
    try:
        yield client
    finally:
        await client.aclose()


async def test_a_2xx_write_with_an_unreadable_body_is_a_success_with_the_body_attached() -> None:
    async with odd_client() as client:
        op = BT["create_test"]
        reply = await client.call(op, op.params(name="Once"))
    assert reply.status == 200 and reply.note is not None and "attached as received" in reply.note
    assert reply.data is None and reply.raw == "<html><body>Saved!</body></html>"


async def test_an_empty_read_is_an_empty_result_and_retry_after_is_kept_on_a_503() -> None:
    async with odd_client() as client:
        listed = BT["list_tests"]
        page = await client.call(listed, listed.params(), page_state={"page": 1, "per_page": 20})
        assert page.data == [] and page.page is not None and page.page.next_state is None
        with pytest.raises(ProviderError) as caught:
            await client.call(BT["get_test"], BT["get_test"].params(test_id=7))
    assert "Retry after 120 s" in str(caught.value) and "Back soon" in str(caught.value)


async def test_a_redirect_is_not_taken_for_an_answer() -> None:
    async with odd_client() as client:
        with pytest.raises(ProviderError) as caught:
            await client.call(BT["copy_test"], BT["copy_test"].params(test_id=7))
    shown = str(caught.value)
    assert "HTTP 302" in shown and "redirect to https://login.example/sso" in shown and "outcome is unknown" in shown


async def test_an_empty_item_read_is_none_with_a_note() -> None:
    fleet = make_box("betatesting")
    fleet["betatesting"].config.variants.queue(NO_BODY, path="/tests/")
    op = BT["get_test"]
    reply = await fleet.runtime.connections["betatesting"].client.call(
        op, op.params(test_id=Ids.of(fleet["betatesting"].state).test)
    )
    assert reply.data is None and reply.note == EMPTY


async def test_the_server_log_never_holds_a_sent_credential(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fleet = make_box("betatesting")
    async with fleet.client() as client:
        await client.call_tool("betatesting_list_tests", {})
    assert bt_sim.SANDBOX_API_KEY not in caplog.text
