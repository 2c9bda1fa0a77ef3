"""One betaops server over all four providers' simulators, for the reliability and security suites.

Every simulator runs on its own `FakeClock`; the client's backoff and pacing sleep on that clock
(never for real), so fault storms and rate limits cost no wall time. Each provider's client-side
transport records what was sent (method, URL, body), and each simulator keeps its own request
and write logs, so a test can say exactly what reached a provider and what executed there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx2
from mcp import Client
from mcp.server import MCPServer
from mcp.types import CallToolResult
from pydantic import SecretStr

from betaops.core.audit import AuditLog
from betaops.core.confirm import ConfirmationTokens
from betaops.core.provider import ProviderSpec
from betaops.core.sandbox import Sandbox
from betaops.providers.alexa import provider as alexa
from betaops.providers.alexa.simulator import config as alexa_sim
from betaops.providers.alexa.simulator import seed as alexa_seed
from betaops.providers.betasend import provider as betasend
from betaops.providers.betasend.simulator import config as betasend_sim
from betaops.providers.betasend.simulator import seed as betasend_seed
from betaops.providers.betatesting import provider as betatesting
from betaops.providers.betatesting.simulator import config as betatesting_sim
from betaops.providers.betatesting.simulator import seed as betatesting_seed
from betaops.providers.testflight import provider as testflight
from betaops.providers.testflight.simulator import config as testflight_sim
from betaops.providers.testflight.simulator import seed as testflight_seed
from betaops.server.app import ServerOptions, build_server, select_toolsets
from betaops.server.runtime import ConfirmMode, Connection, Runtime
from betaops.settings import Settings
from betaops.sim.clock import FakeClock
from betaops.sim.faults import Faults
from betaops.sim.request_log import WriteRecord
from tests.support import approval_client

PROVIDER_NAMES = ("betatesting", "testflight", "betasend", "alexa")
TOKEN_SECRET = b"reliability-secret-0123456789abcdef"


@dataclass
class Sent:
    """One request as the client sent it (after auth: credentials included, as on the wire),
    and the simulator's answer (None when the connection failed)."""

    method: str
    url: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    status: int | None = None
    answer: bytes = b""


class RecordingTransport(httpx2.AsyncBaseTransport):
    """Keeps every request the client sent and what came back, around the simulator's transport."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent: list[Sent] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        sent = Sent(
            request.method,
            str(request.url),
            request.url.path,
            list(request.url.params.multi_items()),
            dict(request.headers.items()),
            body,
        )
        self.sent.append(sent)
        response = await self.inner.handle_async_request(request)
        sent.answer = await response.aread()
        sent.status = response.status_code
        return httpx2.Response(
            response.status_code,
            headers=response.headers,
            content=sent.answer,
            request=request,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class ProviderSim:
    """One provider's simulator as the tests see it."""

    name: str
    spec: ProviderSpec
    state: Any
    config: Any  # the provider's own SimConfig
    clock: FakeClock
    transport: RecordingTransport
    auth: httpx2.Auth
    sleeps: list[float] = field(default_factory=list)

    @property
    def write_log(self) -> list[WriteRecord]:
        log: list[WriteRecord] = self.state.write_log
        return log

    @property
    def faults(self) -> Faults:
        faults: Faults = self.config.faults
        return faults

    @property
    def sent(self) -> list[Sent]:
        return self.transport.sent


@dataclass
class Fleet:
    server: MCPServer
    runtime: Runtime
    sims: dict[str, ProviderSim]
    token_clock: FakeClock
    asked: list[str] = field(default_factory=list)

    def client(self, mode: str = "auto", answer: str | None = None, approve: bool = True) -> Client:
        """An MCP client; `answer` (accept/decline/cancel) makes it support elicitation."""
        return approval_client(self.server, self.asked, mode, answer, approve)

    def __getitem__(self, name: str) -> ProviderSim:
        return self.sims[name]

    def __iter__(self) -> Iterator[ProviderSim]:
        return iter(self.sims.values())

    def reset(self) -> None:
        """Fresh seeded data, no faults, no history, new tokens: one server serves many tests
        (building one is the slow part). Time moves on, so every rate window starts empty."""
        for sim in self:
            fresh = STATES[sim.name]()
            for f in dataclasses.fields(fresh):
                setattr(sim.state, f.name, getattr(fresh, f.name))
            sim.faults.clear()
            sim.faults.injected.clear()
            sim.transport.sent.clear()
            sim.sleeps.clear()
            sim.clock.advance(2 * 3600.0)
        self.asked.clear()
        self.runtime.tokens = ConfirmationTokens(TOKEN_SECRET, clock=self.token_clock)

    def advance(self, seconds: float) -> None:
        """Let simulated time pass at every provider (their windows and token lifetimes move on)."""
        for sim in self:
            sim.clock.advance(seconds)

    @property
    def writes(self) -> int:
        return sum(len(sim.write_log) for sim in self)


def _betatesting(
    settings: Settings, clock: FakeClock, faults: Faults, auth: httpx2.Auth | None, fields: dict[str, Any]
) -> tuple[Sandbox, Any]:
    config = betatesting_sim.SimConfig(clock=clock, faults=faults, **fields)
    return betatesting.BETATESTING.sandbox(settings, sim_config=config, auth=auth), config


def _testflight(
    settings: Settings, clock: FakeClock, faults: Faults, auth: httpx2.Auth | None, fields: dict[str, Any]
) -> tuple[Sandbox, Any]:
    config = testflight_sim.SimConfig(clock=clock, faults=faults, **fields)
    return testflight.TESTFLIGHT.sandbox(settings, sim_config=config, auth=auth), config


def _betasend(
    settings: Settings, clock: FakeClock, faults: Faults, auth: httpx2.Auth | None, fields: dict[str, Any]
) -> tuple[Sandbox, Any]:
    config = betasend_sim.SimConfig(clock=clock, faults=faults, **fields)
    return betasend.BETASEND.sandbox(settings, sim_config=config, auth=auth), config


def alexa_auth(clock: FakeClock, refresh_token: str = alexa_sim.SANDBOX_REFRESH_TOKEN) -> httpx2.Auth:
    """LWA with the sandbox client, its token cache ageing on the simulator's clock."""
    auth = alexa.lwa_auth(
        alexa_sim.SANDBOX_CLIENT_ID,
        SecretStr(alexa_sim.SANDBOX_CLIENT_SECRET),
        SecretStr(refresh_token),
        alexa.SANDBOX_TOKEN_URL,
    )
    auth._clock = clock  # the token cache ages with the simulator, not the wall clock
    return auth


def _alexa(
    settings: Settings, clock: FakeClock, faults: Faults, auth: httpx2.Auth | None, fields: dict[str, Any]
) -> tuple[Sandbox, Any]:
    config = alexa_sim.SimConfig(clock=clock, faults=faults, **fields)
    return alexa.ALEXA.sandbox(settings, sim_config=config, auth=auth or alexa_auth(clock)), config


STATES: dict[str, Callable[[], Any]] = {
    "betatesting": betatesting_seed.build_state,
    "testflight": testflight_seed.build_state,
    "betasend": betasend_seed.build_state,
    "alexa": alexa_seed.build_state,
}

Builder = Callable[[Settings, FakeClock, Faults, httpx2.Auth | None, dict[str, Any]], tuple[Sandbox, Any]]
BUILDERS: dict[str, tuple[ProviderSpec, Builder, float]] = {
    "betatesting": (betatesting.BETATESTING, _betatesting, betatesting_sim.SIM_NOW),
    "testflight": (testflight.TESTFLIGHT, _testflight, testflight_sim.SIM_NOW),
    "betasend": (betasend.BETASEND, _betasend, betasend_sim.SIM_NOW),
    "alexa": (alexa.ALEXA, _alexa, alexa_sim.SIM_NOW),
}


def make_fleet(
    *,
    providers: tuple[str, ...] = PROVIDER_NAMES,
    faults: dict[str, Faults] | None = None,
    auth: dict[str, httpx2.Auth] | None = None,
    confirm: ConfirmMode = ConfirmMode.AUTO,
    toolsets: tuple[str, ...] | None = ("all",),
    audit: Path | None = None,
    max_retries: int | None = None,
    wrap: dict[str, Callable[[httpx2.AsyncBaseTransport], httpx2.AsyncBaseTransport]] | None = None,
    sim_fields: dict[str, dict[str, Any]] | None = None,
    client_fields: dict[str, dict[str, Any]] | None = None,
) -> Fleet:
    """A server over fresh simulators of `providers`, with fake clocks and recorded traffic.

    `wrap` puts a provider's own transport inside the recorder (e.g. TestFlight's contract checker);
    `sim_fields` sets a provider's SimConfig fields, `client_fields` its ProviderConfig fields.
    """
    settings = Settings(_env_file=None)
    sims: dict[str, ProviderSim] = {}
    connections: dict[str, Connection] = {}
    for name in providers:
        spec, build, start = BUILDERS[name]
        clock = FakeClock(start)
        chosen_faults = (faults or {}).get(name) or Faults()
        box, sim_config = build(
            settings, clock, chosen_faults, (auth or {}).get(name), (sim_fields or {}).get(name, {})
        )
        wrapper = (wrap or {}).get(name)
        inner = wrapper(box.transport) if wrapper is not None else box.transport  # e.g. a contract checker
        transport = RecordingTransport(inner)
        sim = ProviderSim(name, spec, box.state, sim_config, clock, transport, box.config.auth)

        async def fake_sleep(seconds: float, sim: ProviderSim = sim) -> None:
            sim.sleeps.append(seconds)
            sim.clock.advance(seconds)

        overrides = {
            **(client_fields or {}).get(name, {}),
            **({} if max_retries is None else {"max_retries": max_retries}),
        }
        config = replace(box.config, **overrides)
        conn = Connection(spec, config, True, transport, box.state, clock=clock, sleep=fake_sleep)
        conn.defaults = spec.defaults(settings)
        sims[name], connections[name] = sim, conn
    token_clock = FakeClock(1_800_000_000.0)
    runtime = Runtime(
        connections=connections,
        tokens=ConfirmationTokens(TOKEN_SECRET, clock=token_clock),
        confirm=confirm,
        toolsets=select_toolsets(connections, toolsets),
        audit=AuditLog(audit) if audit is not None else None,
    )
    return Fleet(build_server(settings, ServerOptions(), runtime), runtime, sims, token_clock)


def text(result: CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)
