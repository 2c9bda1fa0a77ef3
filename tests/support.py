"""Test support: one harness builds a betaops server over any registered providers' simulators.

`make_box("testflight")` (or several names, or none for every provider) asks each provider's spec
in the registry for its sandbox, so a provider added to the registry is testable with no change
here. Every simulator runs on a fake clock that the client's retry and pacing sleeps advance
(never sleeping for real), the client's traffic is recorded, and the box keeps handles on what a
test looks at: each simulator's state, config, clock, requests and sleeps.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from pkgutil import resolve_name
from typing import Any

import httpx2
from mcp import Client
from mcp.client.extension import advertise
from mcp.client.session import ClientRequestContext, ElicitationFnT
from mcp.server import MCPServer
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID
from mcp.types import CallToolResult, ElicitRequestFormParams, ElicitRequestParams, ElicitResult, ErrorData

from betaops.core.audit import AuditLog
from betaops.core.auth import TokenEndpointAuth
from betaops.core.confirm import ConfirmationTokens
from betaops.core.provider import ProviderSpec
from betaops.providers import PROVIDERS
from betaops.server.app import ServerOptions, build_server, select_toolsets
from betaops.server.listing import Listing
from betaops.server.runtime import ConfirmMode, Connection, Runtime
from betaops.settings import Settings
from betaops.sim.clock import FakeClock
from betaops.sim.faults import Faults
from betaops.sim.request_log import WriteRecord

TOKEN_SECRET = b"test-secret-0123456789abcdef"


def confirming(preview: Any) -> dict[str, Any]:
    """The control arguments that confirm a preview: its token and its one-line summary."""
    data = preview.structured_content if isinstance(preview, CallToolResult) else preview
    assert data is not None and data.get("confirm_token"), data
    return {"confirm_token": data["confirm_token"], "confirm_summary": data["confirm_summary"]}


def approval_client(
    server: MCPServer,
    asked: list[str],
    mode: str = "auto",
    answer: str | None = None,
    approve: bool = True,
    apps: bool = False,
) -> Client:
    """An MCP client; `answer` (accept/decline/cancel) makes it answer elicitation, noting each question;
    `apps` makes it declare the MCP Apps extension, as a host that renders apps does."""

    async def elicit(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult | ErrorData:
        assert isinstance(params, ElicitRequestFormParams)
        asked.append(params.message)
        return ElicitResult(action=answer, content={"approve": approve} if answer == "accept" else None)

    callback: ElicitationFnT | None = elicit if answer else None
    extensions = [advertise(EXTENSION_ID, {"mimeTypes": [APP_MIME_TYPE]})] if apps else None
    return Client(server, mode=mode, elicitation_callback=callback, extensions=extensions)


def text(result: CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


def structured(result: Any) -> dict[str, Any]:
    body = result.structured_content
    assert body is not None, "\n".join(getattr(b, "text", "") for b in result.content)
    return dict(body)


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
    config: Any  # the provider's own SimConfig (None: the sandbox's default)
    clock: FakeClock  # the client's clock, which its retry and pacing sleeps advance: the simulator's when fake
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
class Box:
    """A server over one or more simulators, with handles on everything a test wants to look at.

    `box["alexa"]` is one provider's simulator; with a single provider, `box.state`, `box.config`,
    `box.clock`, `box.sleeps`, `box.auth` and `box.transport` are that provider's.
    """

    server: MCPServer
    runtime: Runtime
    sims: dict[str, ProviderSim]
    settings: Settings
    token_clock: FakeClock
    asked: list[str] = field(default_factory=list)

    def client(self, mode: str = "auto", answer: str | None = None, approve: bool = True, apps: bool = False) -> Client:
        """An MCP client; `answer` (accept/decline/cancel) makes it answer elicitation, noting each question;
        `apps` makes it declare MCP Apps."""
        self.asked = []
        return approval_client(self.server, self.asked, mode, answer, approve, apps)

    def __getitem__(self, name: str) -> ProviderSim:
        return self.sims[name]

    def __iter__(self) -> Iterator[ProviderSim]:
        return iter(self.sims.values())

    @property
    def writes(self) -> int:
        """Writes executed at every simulator."""
        return sum(len(sim.write_log) for sim in self)

    @property
    def only(self) -> ProviderSim:
        """The simulator of a one-provider box."""
        (sim,) = self.sims.values()
        return sim

    @property
    def state(self) -> Any:
        return self.only.state

    @property
    def config(self) -> Any:
        return self.only.config

    @property
    def clock(self) -> FakeClock:
        return self.only.clock

    @property
    def sleeps(self) -> list[float]:
        return self.only.sleeps

    @property
    def auth(self) -> Any:
        return self.only.auth

    @property
    def transport(self) -> RecordingTransport:
        return self.only.transport

    def reset(self) -> None:
        """Fresh seeded data, no faults, no history, new tokens: one server serves many tests
        (building one is the slow part). Time moves on, so every rate window starts empty."""
        for sim in self:
            fresh: Any = sim.spec.sandbox(self.settings).state
            for f in dataclasses.fields(fresh):
                setattr(sim.state, f.name, getattr(fresh, f.name))
            sim.faults.clear()
            sim.faults.injected.clear()
            sim.transport.sent.clear()
            sim.sleeps.clear()
            sim.clock.advance(2 * 3600.0)
        self.asked = []
        self.runtime.tokens = ConfirmationTokens(TOKEN_SECRET, clock=self.token_clock)

    def advance(self, seconds: float) -> None:
        """Let simulated time pass at every provider (their windows and token lifetimes move on)."""
        for sim in self:
            sim.clock.advance(seconds)


def default_sim_config(spec: ProviderSpec) -> Any:
    """The provider's default SimConfig (`Simulator.config`) on a fake clock where its simulated clock
    starts (`SIM_NOW`, beside it in its module); None when its simulator takes no config."""
    reference = spec.simulator.config
    if reference is None:
        return None
    start = importlib.import_module(reference.partition(":")[0]).SIM_NOW
    return resolve_name(reference)(clock=FakeClock(start))


Wrap = Callable[[httpx2.AsyncBaseTransport], httpx2.AsyncBaseTransport]


def make_box(
    *providers: str,
    sims: Mapping[str, Any] | None = None,
    sim_fields: Mapping[str, Mapping[str, Any]] | None = None,
    auth: Mapping[str, httpx2.Auth] | None = None,
    wrap: Mapping[str, Wrap] | None = None,
    client_fields: Mapping[str, Mapping[str, Any]] | None = None,
    confirm: ConfirmMode = ConfirmMode.AUTO,
    read_only: bool = False,
    toolsets: tuple[str, ...] | None = ("all",),
    settings: Settings | None = None,
    max_retries: int | None = None,
    audit: Path | None = None,
    listing: Listing | None = None,
) -> Box:
    """A server over fresh simulators of `providers` (none: every registered provider).

    Per provider, by name: `sims` gives its whole SimConfig, `sim_fields` sets fields of the default
    one (fake clock at the simulator's start), `auth` replaces the sandbox credentials, `wrap` puts a
    transport of its own inside the recorder (e.g. TestFlight's contract checker), `client_fields`
    sets ProviderConfig fields. `max_retries` applies to every provider's client. `listing=NOTHING` builds
    every tool at start instead of listing it from the shipped file (`server/listing.py`).
    """
    settings = settings or Settings(_env_file=None)
    sims_by_name: dict[str, ProviderSim] = {}
    connections: dict[str, Connection] = {}
    for name in providers or tuple(PROVIDERS):
        spec = PROVIDERS[name]
        sim_config = (sims or {}).get(name)
        if sim_config is None:
            sim_config = default_sim_config(spec)
            fields = (sim_fields or {}).get(name, {})
            if fields:
                sim_config = replace(sim_config, **fields)
        sim_clock = getattr(sim_config, "clock", None)
        clock = sim_clock if isinstance(sim_clock, FakeClock) else FakeClock(0.0)
        chosen = (auth or {}).get(name)
        if chosen is None:  # the sandbox's own credentials, built now so a test can look at them
            chosen = spec.simulator.auth(sim_config)
            if clock is sim_clock and isinstance(chosen, TokenEndpointAuth):
                chosen._clock = clock  # the token cache ages with the simulator, not the wall clock
        box = spec.sandbox(settings, sim_config=sim_config, auth=chosen)
        wrapper = (wrap or {}).get(name)
        transport = RecordingTransport(wrapper(box.transport) if wrapper is not None else box.transport)
        sim = ProviderSim(name, spec, box.state, sim_config, clock, transport, box.config.auth)

        async def fake_sleep(seconds: float, sim: ProviderSim = sim) -> None:
            sim.sleeps.append(seconds)
            sim.clock.advance(seconds)

        overrides = {
            **(client_fields or {}).get(name, {}),
            **({} if max_retries is None else {"max_retries": max_retries}),
        }
        conn = Connection(
            spec,
            replace(box.config, **overrides),
            True,
            transport,
            box.state,
            clock=clock,
            now=box.now,  # "now" for the data is the simulator's clock
            sleep=fake_sleep,
        )
        conn.defaults = spec.defaults(settings)
        sims_by_name[name], connections[name] = sim, conn
    token_clock = FakeClock(1_800_000_000.0)
    runtime = Runtime(
        connections=connections,
        tokens=ConfirmationTokens(TOKEN_SECRET, clock=token_clock),
        confirm=confirm,
        read_only=read_only,
        toolsets=select_toolsets(connections, toolsets),
        audit=AuditLog(audit) if audit is not None else None,
    )
    return Box(
        build_server(settings, ServerOptions(), runtime, listing=listing), runtime, sims_by_name, settings, token_clock
    )
