"""Test support: a betaops server over a fresh TestFlight simulator, every exchange contract-checked."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import httpx2
from mcp import Client
from mcp.server import MCPServer

from betaops.core.confirm import ConfirmationTokens
from betaops.providers.testflight.provider import TESTFLIGHT
from betaops.providers.testflight.simulator.config import SIM_NOW, SimConfig
from betaops.providers.testflight.simulator.seed import build_state
from betaops.providers.testflight.simulator.state import TestFlightState
from betaops.server.app import ServerOptions, build_server, select_toolsets
from betaops.server.runtime import ConfirmMode, Connection, Runtime
from betaops.settings import Settings
from betaops.sim.clock import FakeClock
from tests.providers.testflight.contract import ValidatingTransport, validating_transport
from tests.support import approval_client


@dataclass
class TFBox:
    """A server over one TestFlight simulator, with handles on what a test looks at."""

    server: MCPServer
    runtime: Runtime
    state: TestFlightState
    clock: FakeClock
    transport: ValidatingTransport
    sleeps: list[float] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    def client(self, mode: str = "auto", answer: str | None = None, approve: bool = True) -> Client:
        """An MCP client; `answer` (accept/decline/cancel) makes it support elicitation."""
        return approval_client(self.server, self.asked, mode, answer, approve)

    @property
    def writes(self) -> int:
        return len(self.state.write_log)

    def id(self, name: str) -> str:
        return self.state.ids[name]


def make_tf(
    *,
    sim_config: SimConfig | None = None,
    auth: httpx2.Auth | None = None,
    confirm: ConfirmMode = ConfirmMode.AUTO,
    toolsets: tuple[str, ...] | None = ("all",),
    max_retries: int | None = None,
) -> TFBox:
    settings = Settings(_env_file=None)
    clock = FakeClock(SIM_NOW)
    sim_config = sim_config or SimConfig(clock=clock)
    if isinstance(sim_config.clock, FakeClock):
        clock = sim_config.clock
    state = build_state()
    box = TESTFLIGHT.sandbox(settings, state=state, sim_config=sim_config, auth=auth)
    transport = validating_transport(box.transport)
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    config = box.config if max_retries is None else replace(box.config, max_retries=max_retries)
    conn = Connection(
        spec=TESTFLIGHT,
        config=config,
        sandbox=True,
        transport=transport,
        sim_state=state,
        clock=clock,
        sleep=fake_sleep,
        now=box.now,
    )
    connections = {"testflight": conn}
    runtime = Runtime(
        connections=connections,
        tokens=ConfirmationTokens(b"test-secret-0123456789abcdef", clock=FakeClock(1_800_000_000.0)),
        confirm=confirm,
        toolsets=select_toolsets(connections, toolsets),
    )
    server = build_server(settings, ServerOptions(), runtime)
    return TFBox(server, runtime, state, clock, transport, sleeps)


def structured(result: Any) -> dict[str, Any]:
    body = result.structured_content
    assert body is not None, "\n".join(getattr(b, "text", "") for b in result.content)
    return dict(body)
