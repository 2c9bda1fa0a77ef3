"""Credentials never leave the wire: not in tool output, errors, previews, resources, logs or the audit log.

One scenario per auth strategy (static bearer, OAuth2 client credentials, LWA refresh token,
ES256 JWT from a private key, Betasend's form keys) runs successful reads and confirmed writes,
then provokes 401s (wrong and foreign credentials), 403s, injected faults and validation errors,
with every logger at DEBUG and the audit log on. The secrets are the configured ones plus every
credential the client actually put on the wire (access tokens, minted JWTs, form fields), as the
recording transport saw it; none may appear in anything a user, model or log reader can see.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx2
import pytest
from mcp import Client
from mcp.types import CallToolResult
from pydantic import SecretStr

from betaops.core.auth import OAuth2ClientCredentials, StaticBearer
from betaops.providers.alexa.simulator import DEMO_SKILL_ID, FOREIGN_SKILL_ID
from betaops.providers.alexa.simulator import config as alexa_sim
from betaops.providers.betasend import provider as betasend
from betaops.providers.betasend.simulator import config as betasend_sim
from betaops.providers.betatesting import provider as betatesting
from betaops.providers.betatesting.simulator import config as bt_sim
from betaops.providers.testflight.auth import ApiKey, AppStoreConnectJWT, load_private_key
from betaops.providers.testflight.simulator import config as tf_sim
from tests.providers.alexa.helpers import alexa_auth
from tests.providers.betatesting.test_simulator import Ids
from tests.support import Box, Sent, confirming, make_box, text

pytestmark = pytest.mark.anyio

WRONG_BT_KEY = "btst_" + "9f" * 32
WRONG_OAUTH_SECRET = "wrong-secret-" + "7c" * 24
WRONG_REFRESH_TOKEN = "Atzr|" + "5e" * 32
WRONG_BETASEND = ("0a1b2c3d" * 4, "f0e1d2c3" * 4)


def pem_lines(pem: str) -> list[str]:
    """A PEM's base64 lines: any of them leaking leaks part of the key."""
    return [line for line in pem.strip().splitlines() if not line.startswith("-----")]


def bt_oauth(client_id: str, secret: str) -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(
        provider="betatesting",
        token_url=f"{betatesting.SANDBOX_BASE_URL}/oauth/token",
        client_id=client_id,
        client_secret=SecretStr(secret),
    )


def tf_jwt(fleet_clock: Any, pem: str) -> AppStoreConnectJWT:
    key = ApiKey(tf_sim.SANDBOX_KEY_ID, load_private_key(pem, "the test key"), tf_sim.SANDBOX_ISSUER_ID)
    return AppStoreConnectJWT(key, clock=fleet_clock)


def on_the_wire(sent: list[Sent]) -> set[str]:
    """Every credential the client sent: bearer tokens and credential form fields."""
    found: set[str] = set()
    for request in sent:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            found.add(token)
        if request.body and b"=" in request.body:
            form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
            found |= {form[k] for k in ("client_secret", "refresh_token", "api", "hash") if form.get(k)}
    return found


@dataclass
class Seen:
    """Everything a user, model, host or log reader could see."""

    texts: list[str] = field(default_factory=list)

    def result(self, result: CallToolResult) -> CallToolResult:
        self.texts.append(text(result))
        self.texts.append(json.dumps(result.structured_content))
        self.texts.append(json.dumps(result.meta))
        return result


Story = Callable[[Client, Box, Seen], Awaitable[None]]


async def call(client: Client, seen: Seen, tool: str, args: dict[str, Any]) -> CallToolResult:
    return seen.result(await client.call_tool(tool, args))


async def confirmed(client: Client, seen: Seen, tool: str, args: dict[str, Any]) -> CallToolResult:
    first = await call(client, seen, tool, args)
    token = confirming(first.structured_content)
    assert token, text(first)
    return await call(client, seen, tool, {**args, **token})


async def swap_auth(fleet: Box, provider: str, auth: httpx2.Auth) -> None:
    """Reach the same simulator with other credentials (the client is rebuilt on next use)."""
    connection = fleet.runtime.connections[provider]
    await connection.aclose()
    connection.config = replace(connection.config, auth=auth)


def assert_error(result: CallToolResult, *words: str) -> None:
    assert result.is_error and all(w in text(result) for w in words), text(result)


# ------------------------------------------------------------------------------ stories


async def betatesting_story(client: Client, fleet: Box, seen: Seen) -> None:
    ids = Ids.of(fleet["betatesting"].state)
    await call(client, seen, "betatesting_list_tests", {})
    done = await confirmed(
        client, seen, "betatesting_update_issue", {"test_id": ids.test, "issue_id": ids.issue, "priority": "high"}
    )
    assert not done.is_error, text(done)
    fleet["betatesting"].faults.queue("500", 4)
    assert_error(await call(client, seen, "betatesting_get_test", {"test_id": ids.test}), "HTTP 500")
    fleet["betatesting"].faults.queue("reset_after_execute", 4, method="PATCH")
    lost = await confirmed(client, seen, "betatesting_update_test", {"test_id": ids.test, "description": "x"})
    assert_error(lost, "outcome is unknown")
    assert_error(
        await call(client, seen, "betatesting_get_test", {"test_id": "../../secrets"}), "matches"
    )  # a name: never a path


async def bt_static_story(client: Client, fleet: Box, seen: Seen) -> None:
    await betatesting_story(client, fleet, seen)
    await swap_auth(fleet, "betatesting", StaticBearer(SecretStr(WRONG_BT_KEY)))  # well-formed, unknown
    assert_error(await call(client, seen, "betatesting_list_tests", {}), "HTTP 401", "BETATESTING_API_KEY")


async def bt_oauth_story(client: Client, fleet: Box, seen: Seen) -> None:
    await betatesting_story(client, fleet, seen)
    # The read-only client may read but not write (403), and a wrong secret is refused (401).
    await swap_auth(fleet, "betatesting", bt_oauth(bt_sim.READONLY_CLIENT_ID, bt_sim.READONLY_CLIENT_SECRET))
    ids = Ids.of(fleet["betatesting"].state)
    assert not (await call(client, seen, "betatesting_get_test", {"test_id": ids.test})).is_error
    forbidden = await confirmed(client, seen, "betatesting_update_test", {"test_id": ids.test, "description": "y"})
    assert_error(forbidden, "HTTP 403")
    await swap_auth(fleet, "betatesting", bt_oauth(bt_sim.SANDBOX_CLIENT_ID, WRONG_OAUTH_SECRET))
    assert_error(await call(client, seen, "betatesting_list_tests", {}), "refused our credentials")


async def alexa_story(client: Client, fleet: Box, seen: Seen) -> None:
    await call(client, seen, "alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})
    done = await confirmed(
        client, seen, "alexa_update_beta_test", {"skill_id": DEMO_SKILL_ID, "feedbackEmail": "fb@example.com"}
    )
    assert not done.is_error, text(done)
    assert_error(await call(client, seen, "alexa_get_beta_test", {"skill_id": FOREIGN_SKILL_ID}), "HTTP 403")
    fleet["alexa"].faults.queue("non_json", 4)
    assert_error(await call(client, seen, "alexa_list_beta_testers", {"skill_id": DEMO_SKILL_ID}), "HTTP 502")
    assert_error(
        await call(client, seen, "alexa_get_beta_test", {"skill_id": "amzn1/../x"}), "matches"
    )  # a name: never a path
    # An expired access token is refreshed once; a revoked refresh token is a clear 4xx.
    fleet["alexa"].state.tokens.clear()
    assert not (await call(client, seen, "alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})).is_error
    await swap_auth(fleet, "alexa", alexa_auth(fleet["alexa"].clock, WRONG_REFRESH_TOKEN))
    assert_error(await call(client, seen, "alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID}), "ALEXA_REFRESH_TOKEN")


async def tf_story(client: Client, fleet: Box, seen: Seen) -> None:
    ids = fleet["testflight"].state.ids
    await call(client, seen, "testflight_list_apps", {})
    done = await confirmed(
        client, seen, "testflight_update_beta_group", {"beta_group_id": ids["trailhead.pilots"], "name": "Pilots"}
    )
    assert not done.is_error, text(done)
    fleet["testflight"].faults.queue("timeout_after_execute", 1, method="PATCH")
    lost = await confirmed(
        client, seen, "testflight_update_beta_group", {"beta_group_id": ids["trailhead.pilots"], "name": "Crew"}
    )
    assert_error(lost, "outcome is unknown")
    assert_error(await call(client, seen, "testflight_get_app", {"app_id": "%2e%2e"}), "validation error")
    # A key App Store Connect does not know: 401 after one fresh token.
    await swap_auth(fleet, "testflight", tf_jwt(fleet["testflight"].clock, tf_sim.UNKNOWN_PRIVATE_KEY_PEM))
    assert_error(await call(client, seen, "testflight_list_apps", {}), "HTTP 401", "TESTFLIGHT_KEY_ID")


async def betasend_story(client: Client, fleet: Box, seen: Seen) -> None:
    await call(client, seen, "betasend_get_account", {})
    done = await confirmed(client, seen, "betasend_update_list", {"list_id": 5, "list_name": "Renamed"})
    assert not done.is_error, text(done)
    fleet["betasend"].faults.queue("truncated", 4)  # more than the read retries
    assert_error(await call(client, seen, "betasend_list_lists", {}), "could not be read")
    assert_error(await call(client, seen, "betasend_get_list_statistics", {"list_id": -1}), "validation error")
    fleet["betasend"].config.api_disabled = True
    assert_error(await call(client, seen, "betasend_get_account", {}), "disabled")
    fleet["betasend"].config.api_disabled = False
    await swap_auth(fleet, "betasend", betasend.credentials(SecretStr(WRONG_BETASEND[0]), SecretStr(WRONG_BETASEND[1])))
    assert_error(await call(client, seen, "betasend_get_account", {}), "Invalid API key or hash")


# One write per provider approved by elicitation, so the question a human sees is checked too.
APPROVED: dict[str, Callable[[Box], tuple[str, dict[str, Any]]]] = {
    "betatesting": lambda f: (
        "betatesting_update_issue",
        {
            "test_id": Ids.of(f["betatesting"].state).test,
            "issue_id": Ids.of(f["betatesting"].state).issue,
            "priority": "low",
        },
    ),
    "alexa": lambda f: ("alexa_update_beta_test", {"skill_id": DEMO_SKILL_ID, "feedbackEmail": "asked@example.com"}),
    "testflight": lambda f: (
        "testflight_update_beta_group",
        {"beta_group_id": f["testflight"].state.ids["trailhead.pilots"], "name": "Asked"},
    ),
    "betasend": lambda f: ("betasend_update_list", {"list_id": 5, "list_name": "Asked"}),
}


@dataclass(frozen=True)
class Strategy:
    provider: str
    auth: Callable[[], httpx2.Auth | None]
    story: Story
    secrets: tuple[str, ...]


STRATEGIES = {
    "static-bearer": Strategy(
        "betatesting",
        lambda: StaticBearer(SecretStr(bt_sim.SANDBOX_API_KEY)),
        bt_static_story,
        (bt_sim.SANDBOX_API_KEY, WRONG_BT_KEY),
    ),
    "oauth2-client-credentials": Strategy(
        "betatesting",
        lambda: bt_oauth(bt_sim.SANDBOX_CLIENT_ID, bt_sim.SANDBOX_CLIENT_SECRET),
        bt_oauth_story,
        (bt_sim.SANDBOX_CLIENT_SECRET, bt_sim.READONLY_CLIENT_SECRET, WRONG_OAUTH_SECRET),
    ),
    "lwa-refresh-token": Strategy(
        "alexa",
        lambda: None,  # the fleet's LWA auth with the sandbox client and refresh token
        alexa_story,
        (alexa_sim.SANDBOX_CLIENT_SECRET, alexa_sim.SANDBOX_REFRESH_TOKEN, WRONG_REFRESH_TOKEN),
    ),
    "es256-jwt": Strategy(
        "testflight",
        lambda: None,  # the fleet's signer with the sandbox private key
        tf_story,
        (*pem_lines(tf_sim.SANDBOX_PRIVATE_KEY_PEM), *pem_lines(tf_sim.UNKNOWN_PRIVATE_KEY_PEM)),
    ),
    "betasend-form-keys": Strategy(
        "betasend",
        lambda: None,  # the fleet's api + hash form credentials
        betasend_story,
        (betasend_sim.SANDBOX_API_KEY, betasend_sim.SANDBOX_HASH, *WRONG_BETASEND),
    ),
}


@pytest.mark.parametrize("name", sorted(STRATEGIES))
async def test_no_credential_appears_in_output_errors_logs_or_audit(
    mode: str, name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    strategy = STRATEGIES[name]
    caplog.set_level(logging.DEBUG)
    audit = tmp_path / "audit.jsonl"
    chosen = strategy.auth()
    fleet = make_box(strategy.provider, audit=audit, auth={strategy.provider: chosen} if chosen else None)
    seen = Seen()
    async with fleet.client(mode, answer="accept") as asking:
        tool, args = APPROVED[strategy.provider](fleet)
        approved = await call(asking, seen, tool, args)
        assert (approved.structured_content or {}).get("status") == "executed", text(approved)
    async with fleet.client(mode) as client:
        await strategy.story(client, fleet, seen)
        tools = (await client.list_tools()).tools
        seen.texts.append(json.dumps([t.model_dump(mode="json") for t in tools]))
        for resource in (await client.list_resources()).resources:
            contents = (await client.read_resource(resource.uri)).contents
            seen.texts += [getattr(c, "text", "") for c in contents]
        seen.result(await client.call_tool("betaops_context", {}))

    wire = on_the_wire(fleet[strategy.provider].sent)
    secrets = {s for s in (*strategy.secrets, *wire) if len(s) >= 12}
    assert set(strategy.secrets) <= secrets and wire  # the scenario really sent credentials
    records = audit.read_text(encoding="utf-8")
    assert '"event":"attempt"' in records  # writes were audited
    logs = [caplog.text, *(r.getMessage() for r in caplog.records), *(r.exc_text or "" for r in caplog.records)]
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    for where, values in (
        ("tool output", seen.texts),
        ("elicitation", fleet.asked),
        ("logs", logs),
        ("audit", [records]),
    ):
        for value in values:
            for secret in secrets:
                assert secret not in value, f"a credential ({secret[:6]}...) leaked into {where}"
