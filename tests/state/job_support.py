"""Servers over one TestFlight simulator that share a state store: a restart, or a second replica.

`Gate` wraps the simulator's transport: after `after` creates it lets one more request reach the
simulator (so it takes effect there) and then holds its answer (until `release`, or forever), the
way a process killed mid-request leaves an item whose outcome nobody recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio
import anyio.lowlevel
import httpx2
import pytest
from mcp import Client
from mcp.server import MCPServer

from betaops.core.confirm import ConfirmationTokens
from betaops.core.state import StateStore
from betaops.providers.testflight.provider import TESTFLIGHT
from betaops.providers.testflight.simulator.config import SIM_NOW, SimConfig
from betaops.providers.testflight.simulator.state import TestFlightState
from betaops.server.app import ServerOptions, build_server, select_toolsets
from betaops.server.jobs import JobRunner
from betaops.server.runtime import Connection, Runtime
from betaops.settings import Settings
from betaops.sim.clock import FakeClock
from tests.support import approval_client

SECRET = b"jobs-secret-0123456789abcdef-shared"
TOOL = "testflight_invite_testers"


class Gate(httpx2.AsyncBaseTransport):
    """Passes requests through; once `after` creates went by, the next one reaches the simulator and hangs."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, after: int | None = None) -> None:
        self.inner = inner
        self.after = after
        self.creates = 0
        self.held = anyio.Event()
        self.released = anyio.Event()

    def release(self) -> None:
        """Answer what is held, and everything after it."""
        self.after = None
        self.released.set()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        creating = request.method == "POST" and request.url.path == "/v1/betaTesters"
        response = await self.inner.handle_async_request(request)
        if creating:
            self.creates += 1
            if self.after is not None and self.creates > self.after:
                self.held.set()
                await self.released.wait()  # until then the answer does not come back: the outcome is unknown
        return response


@dataclass
class Node:
    server: MCPServer
    runtime: Runtime
    gate: Gate
    asked: list[str]

    def client(self, mode: str, answer: str | None = None) -> Client:
        return approval_client(self.server, self.asked, mode, answer)


def node(state: TestFlightState, store: StateStore, *, hang_after: int | None = None, lease_s: float = 1.0) -> Node:
    """One betaops process over the shared simulator state and the shared store."""
    settings = Settings(_env_file=None)
    clock = FakeClock(SIM_NOW)
    box = TESTFLIGHT.sandbox(settings, state=state, sim_config=SimConfig(clock=clock))
    gate = Gate(box.transport, hang_after)

    async def fake_sleep(seconds: float) -> None:
        clock.advance(seconds)  # pacing waits on the simulator's clock, not for real
        await anyio.lowlevel.checkpoint()

    conn = Connection(TESTFLIGHT, box.config, True, gate, state, clock=clock, sleep=fake_sleep)
    connections = {"testflight": conn}
    runtime = Runtime(
        connections=connections,
        tokens=ConfirmationTokens(SECRET, clock=FakeClock(1_800_000_000.0)),
        toolsets=select_toolsets(connections, ("testflight.testers",)),
        store=store,
    )
    runtime.jobs = JobRunner(runtime, lease_s=lease_s, scan_s=0.2, inline_s=0)
    return Node(build_server(settings, ServerOptions(), runtime), runtime, gate, [])


def invite_args(state: TestFlightState, emails: list[str]) -> dict[str, Any]:
    return {"beta_group_name": "Enterprise Pilots", "app_id": state.ids["trailhead"], "emails": emails}


def people(count: int, prefix: str = "p") -> list[str]:
    return [f"{prefix}{n:04d}@example.com" for n in range(count)]


def times_in_group(state: TestFlightState, email: str) -> int:
    testers = state.resources["betaTesters"]
    group = state.resources["betaGroups"][state.ids["trailhead.pilots"]]
    return sum(1 for t in group.rels["betaTesters"] if testers[t].attributes.get("email") == email)


def created(state: TestFlightState, email: str) -> int:
    return sum(1 for t in state.resources["betaTesters"].values() if t.attributes.get("email") == email)


def body(result: Any) -> dict[str, Any]:
    assert result.structured_content is not None, result.content
    return dict(result.structured_content)


async def finished(client: Client, job_id: str) -> dict[str, Any]:
    """Poll betaops_job_status until the job ends (bounded: 60 s of polls; fails with the last status)."""
    status: dict[str, Any] = {}
    with anyio.move_on_after(60):
        while True:
            status = body(await client.call_tool("betaops_job_status", {"job_id": job_id}))
            if status["state"] != "running":
                return status
            await anyio.sleep(0.05)
    pytest.fail(f"the job did not finish: {status}")


async def left_midway(one: Node, mode: str, state: TestFlightState, emails: list[str]) -> str:
    """Start the invite as a job on a connection that closes while one create's answer is held (the
    job is left open, its outcome unknown), then let the simulator answer again; returns the job id."""
    async with one.client(mode, answer="accept") as first:
        started = body(await first.call_tool(TOOL, invite_args(state, emails)))
        with anyio.fail_after(30):
            await one.gate.held.wait()
    one.gate.release()
    return str(started["job_id"])
