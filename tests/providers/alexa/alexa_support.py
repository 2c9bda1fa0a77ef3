"""Test support: a betaops server over a fresh Alexa simulator, with fake clocks and sleeps."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx2
from mcp import Client
from mcp.server import MCPServer
from mcp.types import CallToolResult
from pydantic import SecretStr

from betaops.core.auth import OAuth2RefreshToken
from betaops.core.confirm import ConfirmationTokens
from betaops.providers.alexa.provider import ALEXA, SANDBOX_TOKEN_URL, lwa_auth
from betaops.providers.alexa.simulator import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_REFRESH_TOKEN,
    SIM_NOW,
    AlexaState,
    SimConfig,
    build_state,
)
from betaops.server.app import ServerOptions, build_server, select_toolsets
from betaops.server.runtime import ConfirmMode, Connection, Runtime
from betaops.settings import Settings
from betaops.sim.clock import FakeClock
from tests.support import approval_client


def fake_lwa(clock: FakeClock, refresh_token: str = SANDBOX_REFRESH_TOKEN) -> OAuth2RefreshToken:
    auth = lwa_auth(SANDBOX_CLIENT_ID, SecretStr(SANDBOX_CLIENT_SECRET), SecretStr(refresh_token), SANDBOX_TOKEN_URL)
    auth._clock = clock  # the token cache ages with the simulator, not the wall clock
    return auth


@dataclass(frozen=True)
class Sent:
    method: str
    path: str
    body: Any


class RecordingTransport(httpx2.AsyncBaseTransport):
    """Keeps every request the client sent (method, path, JSON body), for chunking assertions."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent: list[Sent] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        content = await request.aread()
        body = json.loads(content) if request.headers.get("content-type") == "application/json" else None
        self.sent.append(Sent(request.method, request.url.path, body))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class AlexaBox:
    """A server over one Alexa simulator, with handles on its state, clock, auth and sleeps."""

    server: MCPServer
    runtime: Runtime
    state: AlexaState
    config: SimConfig
    clock: FakeClock
    auth: OAuth2RefreshToken
    transport: RecordingTransport
    sleeps: list[float] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    def client(self, mode: str = "auto", answer: str | None = None, approve: bool = True) -> Client:
        """An MCP client; `answer` (accept/decline/cancel) makes it support elicitation."""
        return approval_client(self.server, self.asked, mode, answer, approve)

    @property
    def writes(self) -> int:
        return len(self.state.write_log)

    def added_batches(self) -> list[list[str]]:
        """The email lists of every add call the client sent, in order."""
        return [
            [t["emailId"] for t in s.body["testers"]] for s in self.transport.sent if s.path.endswith("/testers/add")
        ]

    def emails(self, skill_id: str) -> list[str]:
        return [t.emailId for t in self.state.testers(skill_id)]


def make_alexa(
    *, confirm: ConfirmMode = ConfirmMode.AUTO, toolsets: tuple[str, ...] | None = ("all",), **sim: object
) -> AlexaBox:
    settings = Settings(_env_file=None)
    clock = FakeClock(SIM_NOW)
    config = SimConfig(clock=clock, **sim)  # type: ignore[arg-type]
    state = build_state()
    auth = fake_lwa(clock)
    box = ALEXA.sandbox(settings, state=state, sim_config=config, auth=auth)
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    transport = RecordingTransport(box.transport)
    conn = Connection(ALEXA, box.config, True, transport, state, clock=clock, sleep=fake_sleep, now=box.now)
    conn.defaults = ALEXA.defaults(settings)
    connections = {"alexa": conn}
    runtime = Runtime(
        connections=connections,
        tokens=ConfirmationTokens(b"test-secret-0123456789abcdef", clock=FakeClock(1_800_000_000.0)),
        confirm=confirm,
        toolsets=select_toolsets(connections, toolsets),
    )
    server = build_server(settings, ServerOptions(), runtime)
    return AlexaBox(server, runtime, state, config, clock, auth, transport, sleeps)


def text(result: CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)
