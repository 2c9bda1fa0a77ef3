"""Test support: a betaops server wired to a fresh BetaTesting simulator."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx2
from mcp import Client
from mcp.client.extension import advertise
from mcp.client.session import ClientRequestContext, ElicitationFnT
from mcp.server import MCPServer
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID
from mcp.types import CallToolResult, ElicitRequestFormParams, ElicitRequestParams, ElicitResult, ErrorData

from betaops.core.audit import AuditLog
from betaops.core.confirm import ConfirmationTokens
from betaops.providers.betatesting.provider import BETATESTING
from betaops.providers.betatesting.simulator.config import SimConfig
from betaops.providers.betatesting.simulator.seed import build_state
from betaops.providers.betatesting.simulator.state import BetaTestingState
from betaops.server.app import ServerOptions, build_server, select_toolsets
from betaops.server.runtime import ConfirmMode, Connection, Runtime
from betaops.settings import Settings
from betaops.sim.clock import FakeClock


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


@dataclass
class Sandbox:
    """A server over one simulator, with handles on everything a test wants to look at."""

    server: MCPServer
    runtime: Runtime
    state: BetaTestingState
    sleeps: list[float] = field(default_factory=list)
    token_clock: FakeClock = field(default_factory=lambda: FakeClock(1_800_000_000.0))

    def client(self, mode: str = "auto", answer: str | None = None, approve: bool = True, apps: bool = False) -> Client:
        """An MCP client; `answer` (accept/decline/cancel) makes it support elicitation; `apps`, MCP Apps."""
        self.asked: list[str] = []
        return approval_client(self.server, self.asked, mode, answer, approve, apps)

    @property
    def writes(self) -> int:
        return len(self.state.write_log)


def make_sandbox(
    *,
    sim_config: SimConfig | None = None,
    auth: httpx2.Auth | None = None,
    confirm: ConfirmMode = ConfirmMode.AUTO,
    read_only: bool = False,
    toolsets: tuple[str, ...] | None = ("all",),
    settings: Settings | None = None,
    max_retries: int | None = None,
    audit: Path | None = None,
) -> Sandbox:
    settings = settings or Settings(_env_file=None)
    state = build_state()
    box = BETATESTING.sandbox(settings, state=state, sim_config=sim_config, auth=auth)
    token_clock = FakeClock(1_800_000_000.0)
    sleeps: list[float] = []
    sim_clock = sim_config.clock if sim_config is not None else None

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if isinstance(sim_clock, FakeClock):
            sim_clock.advance(seconds)

    config = box.config if max_retries is None else replace(box.config, max_retries=max_retries)
    conn = Connection(BETATESTING, config, True, box.transport, state, sleep=fake_sleep, now=box.now)
    if isinstance(sim_clock, FakeClock):
        conn.clock = sim_clock
    conn.defaults = BETATESTING.defaults(settings)
    connections = {"betatesting": conn}
    runtime = Runtime(
        connections=connections,
        tokens=ConfirmationTokens(b"test-secret-0123456789abcdef", clock=token_clock),
        confirm=confirm,
        read_only=read_only,
        toolsets=select_toolsets(connections, toolsets),
        audit=AuditLog(audit) if audit is not None else None,
    )
    server = build_server(settings, ServerOptions(), runtime)
    return Sandbox(server, runtime, state, sleeps, token_clock)


def text(result: CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)
