"""Replicas sharing one real Redis (`BETAOPS_STATE_URL`): no sticky sessions needed.

Each replica has its own connection to Redis (as separate processes would) and its own memory;
they share only the store, the confirm secret and one provider. A token spent on one replica is
spent on all; writes are paced in one window across replicas, so together they stay under the
provider's limit (and the same replicas without the shared window do not: the control).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp.client.session import ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult, InputRequiredResult, InputResponses

from betaops.core.confirm import ConfirmationTokens
from betaops.core.state import StateStore, open_store
from betaops.providers.betatesting.provider import BETATESTING
from betaops.providers.betatesting.simulator.config import SimConfig
from betaops.providers.betatesting.simulator.seed import build_state
from betaops.providers.betatesting.simulator.state import BetaTestingState
from betaops.server.app import select_toolsets
from betaops.server.http import HostOriginGuard, HttpOptions
from betaops.server.runtime import ConfirmMode, Connection, Runtime
from tests.http.http_support import SECRET, WRITE, http_app, http_client, http_settings, mcp_client, running
from tests.support import confirming, text

pytestmark = pytest.mark.anyio
TEST_ID = 4103
WRITE_MESSAGE = "betatesting_send_message_to_testers"


class Statuses(httpx2.AsyncBaseTransport):
    """Counts the provider's answers by status (429s are what shared pacing must prevent)."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.seen: dict[int, int] = {}

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        self.seen[response.status_code] = self.seen.get(response.status_code, 0) + 1
        return response


@dataclass
class Pool:
    apps: list[HostOriginGuard]
    runtimes: list[Runtime]
    state: BetaTestingState
    statuses: Statuses

    @property
    def writes(self) -> int:
        return len(self.state.write_log)

    @property
    def write_requests(self) -> int:
        """Write requests that reached the simulator, replayed by its idempotency store or not."""
        return sum(1 for r in self.state.requests if r.method != "GET")


def pool(
    stores: list[StateStore],
    *,
    shared_pacing: bool = True,
    quota: tuple[int, float] | None = None,
    state: BetaTestingState | None = None,
) -> Pool:
    """One replica per store, in front of one simulator (on the wall clock when `quota` is set).

    Pass `state` to put new replicas (a restarted process) in front of the same simulator."""
    settings = http_settings(confirm_secret=SECRET)
    state = state or build_state()
    sim = SimConfig(clock=time.time, write_limit=quota[0], write_window_s=quota[1]) if quota else None
    provider = BETATESTING.sandbox(settings, state=state, sim_config=sim)
    statuses = Statuses(provider.transport)
    config = (
        provider.config if quota is None else replace(provider.config, write_limit=quota[0], write_window_s=quota[1])
    )
    apps, runtimes = [], []
    for store in stores:
        conn = Connection(BETATESTING, replace(config, max_retries=0), True, statuses, state)
        conn.store = store if shared_pacing else None
        connections = {"betatesting": conn}
        runtime = Runtime(
            connections=connections,
            tokens=ConfirmationTokens(SECRET.encode()),
            confirm=ConfirmMode.NEVER if quota else ConfirmMode.AUTO,
            toolsets=select_toolsets(connections, ("all",)),
            store=store,
        )
        runtimes.append(runtime)
        apps.append(http_app(runtime, settings, HttpOptions(stateless=True), warn_for=runtime))
    return Pool(apps, runtimes, state, statuses)


def structured(result: Any) -> dict[str, Any]:
    assert result.structured_content is not None, text(result)
    return dict(result.structured_content)


async def call(app: HostOriginGuard, mode: str, tool: str, args: dict[str, Any]) -> Any:
    async with mcp_client(app, mode) as client:
        return await client.call_tool(tool, args)


async def test_a_token_spent_on_one_replica_is_spent_on_every_replica(mode: str, redis_url: str) -> None:
    stores = [open_store(redis_url, http_settings().state_dir or __import__("pathlib").Path("/")) for _ in range(3)]
    replicas = pool(stores)
    a, b, c = replicas.apps
    args = {"test_id": TEST_ID, "stage": "pause"}
    async with running(a, b, c):
        token = confirming(structured(await call(a, mode, WRITE, args)))
        first = structured(await call(b, mode, WRITE, {**args, **token}))
        # Without a shared store, a never saw it spent (and refuses: the target changed); c would too.
        replays = [structured(await call(app, mode, WRITE, {**args, **token})) for app in (a, c, b)]
    assert first["status"] == "executed"
    assert all(r["replayed"] and "already used" in r["message"] for r in replays)
    assert replicas.writes == 1
    for store in stores:
        await store.aclose()


MESSAGE = "Build 42 is out: please retest the login flow."


def accept(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="accept", content={"approve": True})


async def accepted_round(app: HostOriginGuard, args: dict[str, Any]) -> tuple[Any, InputResponses, dict[str, Any]]:
    """A 2026-07-28 write asked and accepted on `app`: (the round a client would retry, its answers, the outcome)."""
    async with mcp_client(app, "auto", elicitation_callback=accept) as client:
        asked = await client.session.call_tool(WRITE_MESSAGE, args, allow_input_required=True)
        assert isinstance(asked, InputRequiredResult), asked
        answers: InputResponses = {
            key: ElicitResult(action="accept", content={"approve": True}) for key in asked.input_requests or {}
        }
        done = await client.session.call_tool(
            WRITE_MESSAGE, args, input_responses=answers, request_state=asked.request_state
        )
    return asked, answers, structured(done)


async def replay_round(
    app: HostOriginGuard, args: dict[str, Any], asked: Any, answers: InputResponses
) -> dict[str, Any]:
    """The client's retry of the accepted round (its requestState and answer), sent again to `app`."""
    async with mcp_client(app, "auto", elicitation_callback=accept) as client:
        again = await client.session.call_tool(
            WRITE_MESSAGE, args, input_responses=answers, request_state=asked.request_state
        )
    return structured(again)


def message_args(replicas: Pool) -> dict[str, Any]:
    tester = next(t for t in replicas.state.testers.values() if t.test_id == TEST_ID)
    return {"test_id": TEST_ID, "tester_ids": [tester.id], "message": MESSAGE}


async def test_an_accepted_round_replayed_on_every_other_replica_writes_nothing(redis_url: str) -> None:
    """The round's approval id is the digest of its sealed requestState: claimed once in the shared store."""
    stores = [open_store(redis_url, Path("/")) for _ in range(3)]
    replicas = pool(stores)
    a, b, c = replicas.apps
    args = message_args(replicas)
    async with running(a, b, c):
        asked, answers, first = await accepted_round(a, args)
        replays = [await replay_round(app, args, asked, answers) for app in (b, c, a)]
    assert first["status"] == "executed" and first["replayed"] is False
    assert all(r["replayed"] and "already used" in r["message"] for r in replays), replays
    assert replicas.write_requests == 1  # the replays never reached the provider, not even to be replayed there
    assert replicas.writes == 1
    for store in stores:
        await store.aclose()


async def test_an_accepted_round_replayed_after_a_restart_writes_nothing(tmp_path: Path) -> None:
    """The embedded store: the same process restarted (a new runtime on the same SQLite file)."""
    first_run = open_store(None, tmp_path)
    before = pool([first_run])
    args = message_args(before)
    async with running(before.apps[0]):
        asked, answers, first = await accepted_round(before.apps[0], args)
    await first_run.aclose()
    second_run = open_store(None, tmp_path)
    after = pool([second_run], state=before.state)  # the restarted process, in front of the same provider
    async with running(after.apps[0]):
        replay = await replay_round(after.apps[0], args, asked, answers)
    assert first["status"] == "executed"
    assert replay["replayed"] and "already used" in replay["message"], replay
    assert after.write_requests == 1 and after.writes == 1
    await second_run.aclose()


async def test_health_and_context_name_the_shared_store(redis_url: str, caplog: pytest.LogCaptureFixture) -> None:
    from pathlib import Path

    store = open_store(redis_url, Path("/"))
    with caplog.at_level(logging.WARNING, logger="betaops.server.http"):
        replicas = pool([store])
    assert not [r for r in caplog.records if r.name == "betaops.server.http"]  # no sticky-session warning
    app = replicas.apps[0]
    async with running(app), http_client(app) as http:
        health = (await http.get("/health")).json()
        async with mcp_client(app) as client:
            context = structured(await client.call_tool("betaops_context", {}))
    assert health == {"status": "ok", "store": "shared", "store_healthy": True}
    assert context["approvals"].startswith("redis 127.0.0.1:") and context["approvals"].endswith(": healthy")
    assert context["store_healthy"] is True
    await store.aclose()


async def _burst(replicas: Pool, writes: int) -> None:
    """`writes` messages spread round-robin over the replicas, all at once (bounded by fail_after)."""
    tester = next(t for t in replicas.state.testers.values() if t.test_id == TEST_ID)

    async def one(n: int) -> None:
        app = replicas.apps[n % len(replicas.apps)]
        args = {"test_id": TEST_ID, "tester_ids": [tester.id], "message": f"Note {n}: build 42 is out."}
        result = await call(app, "auto", "betatesting_send_message_to_testers", args)
        assert not result.is_error or "HTTP 429" in text(result), text(result)

    with anyio.fail_after(45):
        async with running(*replicas.apps), anyio.create_task_group() as tg:
            for n in range(writes):
                tg.start_soon(one, n)


async def test_replicas_pace_writes_in_one_window_and_see_no_429(redis_url: str) -> None:
    from pathlib import Path

    stores = [open_store(redis_url, Path("/")) for _ in range(3)]
    replicas = pool(stores, quota=(4, 1.0))
    await _burst(replicas, 12)
    assert replicas.statuses.seen.get(429, 0) == 0, replicas.statuses.seen
    headroom = await stores[0].get_headroom("betatesting")
    assert headroom is not None and headroom.limit is not None  # what the provider said, seen by every replica
    for store in stores:
        await store.aclose()


async def test_control_replicas_pacing_alone_exceed_the_limit(redis_url: str) -> None:
    from pathlib import Path

    stores = [open_store(redis_url, Path("/")) for _ in range(3)]
    replicas = pool(stores, shared_pacing=False, quota=(4, 1.0))
    await _burst(replicas, 12)
    assert replicas.statuses.seen.get(429, 0) > 0  # each paced as if alone: 3x the limit was tried
    for store in stores:
        await store.aclose()
