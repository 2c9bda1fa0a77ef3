"""`serve --http --stateless` behind a load balancer: any replica serves any request.

Two replicas share BETAOPS_CONFIRM_SECRET and one provider (one simulator, one state, one
idempotency store), but not memory: each has its own record of spent tokens, as two processes would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from mcp.client.session import ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult, ErrorData

from betaops.core.confirm import ConfirmationTokens
from betaops.providers.betatesting.provider import BETATESTING
from betaops.providers.betatesting.simulator.seed import build_state
from betaops.providers.betatesting.simulator.state import BetaTestingState
from betaops.server.app import select_toolsets
from betaops.server.http import HostOriginGuard, HttpOptions
from betaops.server.runtime import Connection, Runtime
from betaops.sim.clock import FakeClock
from tests.http.http_support import SECRET, WRITE, RoundRobin, http_app, http_settings, mcp_client, running
from tests.support import confirming, text

pytestmark = pytest.mark.anyio

TEST_ID = 4103


@dataclass
class Replicas:
    apps: list[HostOriginGuard]
    state: BetaTestingState

    @property
    def writes(self) -> int:
        return len(self.state.write_log)


def replicas(count: int = 2, secret: str = SECRET) -> Replicas:
    """`count` stateless replicas in front of one simulated provider."""
    settings = http_settings(confirm_secret=secret)
    state = build_state()
    provider = BETATESTING.sandbox(
        settings, state=state
    )  # one provider: every replica's requests reach the same simulator
    clock = FakeClock(1_800_000_000.0)
    apps = []
    for _ in range(count):
        conn = Connection(BETATESTING, provider.config, True, provider.transport, state)
        conn.defaults = BETATESTING.defaults(settings)
        connections = {"betatesting": conn}
        runtime = Runtime(
            connections=connections,
            tokens=ConfirmationTokens(secret.encode(), clock=clock),  # own spent-token record per replica
            toolsets=select_toolsets(connections, ("all",)),
        )
        apps.append(http_app(runtime, settings, HttpOptions(stateless=True)))
    return Replicas(apps, state)


def structured(result: Any) -> dict[str, Any]:
    assert result.structured_content is not None, text(result)
    content: dict[str, Any] = result.structured_content
    return content


async def call(app: HostOriginGuard, mode: str, tool: str, args: dict[str, Any]) -> Any:
    async with mcp_client(app, mode) as client:
        return await client.call_tool(tool, args)


async def test_a_preview_from_one_replica_executes_on_another(mode: str) -> None:
    pool = replicas()
    a, b = pool.apps
    args = {"test_id": TEST_ID, "stage": "pause"}
    async with running(a, b):
        preview = structured(await call(a, mode, WRITE, args))
        assert preview["status"] == "confirmation_required"
        assert pool.writes == 0
        done = structured(await call(b, mode, WRITE, {**args, **confirming(preview)}))
    assert done["status"] == "executed"
    assert pool.state.tests[TEST_ID].status == "paused"
    assert pool.writes == 1


async def test_a_token_from_another_secret_executes_nothing(mode: str) -> None:
    ours, theirs = replicas(1), replicas(1, secret="another-secret-0123456789abcdef-x")
    args = {"test_id": TEST_ID, "stage": "pause"}
    async with running(ours.apps[0], theirs.apps[0]):
        preview = structured(await call(theirs.apps[0], mode, WRITE, args))
        refused = await call(ours.apps[0], mode, WRITE, {**args, **confirming(preview)})
    assert refused.is_error
    assert "not valid" in text(refused) and "Nothing was changed" in text(refused)
    assert ours.writes == 0


async def test_replaying_on_the_same_replica_returns_the_first_outcome(mode: str) -> None:
    pool = replicas()
    a, b = pool.apps
    args = {"test_id": TEST_ID, "stage": "pause"}
    async with running(a, b):
        token = confirming(structured(await call(a, mode, WRITE, args)))
        assert structured(await call(b, mode, WRITE, {**args, **token}))["status"] == "executed"
        again = await call(b, mode, WRITE, {**args, **token})
    body = structured(again)
    assert body["replayed"] is True and "already used" in body["message"]  # the first outcome, nothing new
    assert pool.writes == 1


async def test_replaying_on_another_replica_after_the_target_changed_is_refused(mode: str) -> None:
    pool = replicas()
    a, b = pool.apps
    args = {"test_id": TEST_ID, "stage": "pause"}
    async with running(a, b):
        token = confirming(structured(await call(a, mode, WRITE, args)))
        assert structured(await call(b, mode, WRITE, {**args, **token}))["status"] == "executed"
        again = await call(a, mode, WRITE, {**args, **token})  # a never saw it spent
    assert again.is_error and "target changed" in text(again)
    assert pool.writes == 1


async def test_replaying_on_another_replica_is_replayed_by_the_provider_not_done_twice(mode: str) -> None:
    """A write that leaves its target as it was passes the other replica's guard; the idempotency key stops it."""
    pool = replicas()
    a, b = pool.apps
    tester = next(t for t in pool.state.testers.values() if t.test_id == TEST_ID)
    args = {"test_id": TEST_ID, "tester_ids": [tester.id], "message": "Build 42 is out: please retest login."}
    tool = "betatesting_send_message_to_testers"
    messages_before = len(pool.state.messages)
    async with running(a, b):
        token = confirming(structured(await call(a, mode, tool, args)))
        first = structured(await call(b, mode, tool, {**args, **token}))
        replay = structured(await call(a, mode, tool, {**args, **token}))
    assert first["status"] == "executed" and first["replayed"] is False
    assert replay["status"] == "executed" and replay["replayed"] is True
    assert "not done twice" in replay["message"]
    assert len(pool.state.messages) == messages_before + 1
    assert pool.writes == 1


async def test_elicitation_round_trip_spans_replicas() -> None:
    """2026-07-28: the confirmation question and the answer land on different replicas."""
    pool = replicas()
    balancer = RoundRobin(pool.apps)
    asked: list[str] = []

    async def approve(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult | ErrorData:
        asked.append(getattr(params, "message", ""))
        return ElicitResult(action="accept", content={"approve": True})

    async with running(*pool.apps), mcp_client(transport=balancer, elicitation_callback=approve) as client:
        result = await client.call_tool(WRITE, {"test_id": TEST_ID, "stage": "pause"})
    assert structured(result)["status"] == "executed"
    assert len(asked) == 1 and "Pantry Pal" in asked[0]
    assert all(served > 0 for served in balancer.served)
    assert pool.writes == 1


async def test_a_legacy_session_spans_replicas(mode: str) -> None:
    """Every request (initialize, list, call) may land on another replica."""
    pool = replicas()
    balancer = RoundRobin(pool.apps)
    async with running(*pool.apps), mcp_client(mode=mode, transport=balancer) as client:
        listed = await client.list_tools()
        read = await client.call_tool("betatesting_get_test", {"test_id": TEST_ID})
    assert any(t.name == WRITE for t in listed.tools)
    assert not read.is_error, text(read)
    assert all(served > 0 for served in balancer.served)
