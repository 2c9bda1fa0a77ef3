"""Test support for Betasend: an MCP server over a fresh Betasend simulator, and raw HTTP access."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2
from mcp import Client
from mcp.server import MCPServer

from betaops.core.confirm import ConfirmationTokens
from betaops.providers.betasend.provider import BETASEND, SANDBOX_BASE_URL
from betaops.providers.betasend.simulator import (
    SANDBOX_API_KEY,
    SANDBOX_HASH,
    SIM_NOW,
    BetasendState,
    SimConfig,
    build_state,
    create_app,
)
from betaops.server.app import ServerOptions, build_server, select_toolsets
from betaops.server.runtime import ConfirmMode, Connection, Runtime
from betaops.settings import Settings
from betaops.sim import FakeClock, sim_transport
from tests.support import approval_client

CREDS = {"api": SANDBOX_API_KEY, "hash": SANDBOX_HASH}
SECRETS = (SANDBOX_API_KEY, SANDBOX_HASH)


@dataclass
class BetasendBox:
    """A server over one Betasend simulator, with handles on what a test wants to look at."""

    server: MCPServer
    runtime: Runtime
    state: BetasendState
    sim: SimConfig
    sleeps: list[float]
    token_clock: FakeClock
    asked: list[str] = field(default_factory=list)

    def client(self, mode: str = "auto", answer: str | None = None, approve: bool = True) -> Client:
        """An MCP client; `answer` (accept/decline/cancel) makes it support elicitation."""
        self.asked = []
        return approval_client(self.server, self.asked, mode, answer, approve)

    @property
    def writes(self) -> int:
        return len(self.state.write_log)


def make_box(
    *,
    confirm: ConfirmMode = ConfirmMode.AUTO,
    read_only: bool = False,
    toolsets: tuple[str, ...] | None = ("all",),
    sim: SimConfig | None = None,
    auth: httpx2.Auth | None = None,
) -> BetasendBox:
    settings = Settings(_env_file=None)
    state = build_state()
    sim = sim or SimConfig(clock=FakeClock(SIM_NOW))
    box = BETASEND.sandbox(settings, state=state, sim_config=sim, auth=auth)
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    conn = Connection(BETASEND, box.config, True, box.transport, state, sleep=fake_sleep, now=box.now)
    conn.defaults = BETASEND.defaults(settings)
    connections = {"betasend": conn}
    token_clock = FakeClock(1_800_000_000.0)
    runtime = Runtime(
        connections=connections,
        tokens=ConfirmationTokens(b"test-secret-0123456789abcdef", clock=token_clock),
        confirm=confirm,
        read_only=read_only,
        toolsets=select_toolsets(connections, toolsets),
    )
    server = build_server(settings, ServerOptions(), runtime)
    return BetasendBox(server, runtime, state, sim, sleeps, token_clock)


@dataclass
class Sim:
    """The simulator over raw HTTP, as the real client's requests reach it."""

    state: BetasendState
    config: SimConfig
    http: httpx2.AsyncClient

    async def post(self, name: str, form: Mapping[str, Any] | None = None, *, creds: bool = True) -> httpx2.Response:
        data = {**(CREDS if creds else {}), **{k: str(v) for k, v in (form or {}).items()}}
        return await self.http.post(f"/{name}", data=data)


def make_sim(config: SimConfig | None = None, state: BetasendState | None = None) -> Sim:
    state = state if state is not None else build_state()
    config = config or SimConfig(clock=FakeClock(SIM_NOW))
    http = httpx2.AsyncClient(transport=sim_transport(create_app(state, config)), base_url=SANDBOX_BASE_URL)
    return Sim(state, config, http)
