"""Every kind of bulk job resumes after its process dies midway, and sends nobody twice.

A job is any write task over more than 50 items: the invites of BetaTesting (community), TestFlight
(invite and remove), Alexa and Betasend, the cross-provider invite, and BetaTesting's message to a
test's testers. For each, the first process is killed while one of its write requests has reached
the provider but its answer has not come back (the outcome is unknown); the next process on the
same store resumes the job. Every write request that reached a provider is recorded, so the tests
see what was sent, not only what the providers ended up holding: each person in exactly one
request that acted, and the people of the unknown request never sent again unchecked (their
presence is read from the provider first; a keyed message batch is repeated only under its first
idempotency key, which the provider replays).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import anyio
import anyio.lowlevel
import httpx2
import pytest
from mcp import Client
from mcp.server import MCPServer

from betaops.core.confirm import ConfirmationTokens
from betaops.core.provider import ProviderSpec
from betaops.core.state import StateStore
from betaops.providers import PROVIDERS
from betaops.providers.alexa.simulator.seed import DEMO_SKILL_ID
from betaops.server.app import ServerOptions, build_server, select_toolsets
from betaops.server.jobs import JobRunner
from betaops.server.runtime import Connection, Runtime
from betaops.settings import Settings
from betaops.sim.clock import FakeClock
from tests.state.job_support import body, finished
from tests.support import approval_client

pytestmark = pytest.mark.anyio
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
COMMUNITY = "/community/testers/bulk"


@dataclass
class Sent:
    provider: str
    method: str
    path: str
    body: str
    key: str | None
    status: int | None = None  # None: the answer never came back

    @property
    def emails(self) -> set[str]:
        return {e.lower() for e in EMAIL.findall(self.body)}


@dataclass
class Gate(httpx2.AsyncBaseTransport):
    """Records every write request; once `after` requests matching `holds` went by, holds the next one's answer."""

    provider: str
    inner: httpx2.AsyncBaseTransport
    sent: list[Sent]
    holds: Callable[[httpx2.Request], bool] | None = None
    after: int = 0
    matched: int = 0
    held: anyio.Event = field(default_factory=anyio.Event)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.method == "GET":
            return await self.inner.handle_async_request(request)
        body = unquote_plus((await request.aread()).decode())
        record = Sent(self.provider, request.method, request.url.path, body, request.headers.get("idempotency-key"))
        self.sent.append(record)
        response = await self.inner.handle_async_request(request)
        record.status = response.status_code
        if self.holds is not None and self.holds(request):
            self.matched += 1
            if self.matched > self.after:
                record.status = None
                self.held.set()
                await anyio.sleep_forever()  # the process dies before the answer arrives
        return response


@dataclass
class Providers:
    """One simulator per provider, shared by every process; each on a clock that pacing advances."""

    specs: dict[str, ProviderSpec]
    boxes: dict[str, Any]
    clocks: dict[str, FakeClock]
    sent: list[Sent] = field(default_factory=list)

    def state(self, name: str) -> Any:
        return self.boxes[name].state


def providers() -> Providers:
    settings = Settings(_env_file=None)
    specs, boxes, clocks = {}, {}, {}
    for name, spec in PROVIDERS.items():
        sim = importlib.import_module(f"betaops.providers.{name}.simulator.config")
        clocks[name] = FakeClock(sim.SIM_NOW)
        options: dict[str, Any] = {"sim_config": sim.SimConfig(clock=clocks[name])}
        boxes[name] = spec.sandbox(settings, **options)
        specs[name] = spec
    return Providers(specs, boxes, clocks)


@dataclass
class Node:
    server: MCPServer
    gates: dict[str, Gate]

    def client(self, mode: str, answer: str | None = None) -> Client:
        return approval_client(self.server, [], mode, answer)


def node(fleet: Providers, store: StateStore, hold: tuple[str, Callable[[httpx2.Request], bool], int] | None) -> Node:
    """One betaops process over the shared simulators and store; `hold` = (provider, request, after)."""
    settings = Settings(_env_file=None)
    connections: dict[str, Connection] = {}
    gates: dict[str, Gate] = {}
    for name, spec in fleet.specs.items():
        clock = fleet.clocks[name]
        holds, after = (hold[1], hold[2]) if hold is not None and hold[0] == name else (None, 0)
        gates[name] = Gate(name, fleet.boxes[name].transport, fleet.sent, holds, after)

        async def fake_sleep(seconds: float, clock: FakeClock = clock) -> None:
            clock.advance(seconds)  # pacing waits on the simulator's clock, not for real
            await anyio.lowlevel.checkpoint()

        box = fleet.boxes[name]
        conn = Connection(spec, box.config, True, gates[name], box.state, clock=clock, sleep=fake_sleep)
        conn.defaults = spec.defaults(settings)
        connections[name] = conn
    runtime = Runtime(
        connections=connections,
        tokens=ConfirmationTokens(b"job-kinds-secret-0123456789abcdef", clock=FakeClock(1_800_000_000.0)),
        toolsets=select_toolsets(connections, ("all",)),
        store=store,
    )
    runtime.jobs = JobRunner(runtime, lease_s=1.0, scan_s=0.2, inline_s=0)
    return Node(build_server(settings, ServerOptions(sandbox=True), runtime), gates)


async def interrupted_then_resumed(
    fleet: Providers, store: StateStore, mode: str, tool: str, args: dict[str, Any], hold: Any
) -> tuple[dict[str, Any], Sent]:
    """Start the job, kill its process with one write unanswered, resume it in the next; (status, the unknown one)."""
    first = node(fleet, store, hold)
    async with first.client(mode, answer="accept") as client:
        started = body(await client.call_tool(tool, args))
        assert started["status"] == "running", started
        with anyio.fail_after(60):
            await first.gates[hold[0]].held.wait()
    unknown = next(s for s in fleet.sent if s.status is None)
    second = node(fleet, store, None)  # the next start, on the same store and providers
    async with second.client(mode) as client:
        status = await finished(client, started["job_id"])
    assert status["state"] == "done", status
    assert status["resumed"] == 1, status
    return status, unknown


def after(fleet: Providers, unknown: Sent) -> list[Sent]:
    """The write requests sent after the unknown one (by the resumed job)."""
    return fleet.sent[fleet.sent.index(unknown) + 1 :]


def acted(fleet: Providers, provider: str, path: str) -> list[Sent]:
    """Requests to `path` that reached the provider (answered or not) and were not refused."""
    return [
        s
        for s in fleet.sent
        if s.provider == provider and s.path.endswith(path) and (s.status is None or s.status < 400)
    ]


def once_each(requests: list[Sent], emails: list[str]) -> None:
    """Every email in exactly one of these requests."""
    counts = {e: sum(e in r.emails for r in requests) for e in emails}
    assert all(n == 1 for n in counts.values()), {e: n for e, n in counts.items() if n != 1}


def people(count: int, prefix: str) -> list[str]:
    return [f"{prefix}{n:04d}@example.com" for n in range(count)]


def posts_to(path: str) -> Callable[[httpx2.Request], bool]:
    return lambda r: r.method == "POST" and r.url.path.endswith(path)


# ---------------------------------------------------------------------------- BetaTesting


async def test_a_community_invite_resumes_and_adds_everyone_once(mode: str, store: StateStore) -> None:
    fleet = providers()
    emails = people(250, "community")  # three calls of at most 100; the second's answer is lost
    args = {"people": emails}
    status, unknown = await interrupted_then_resumed(
        fleet, store, mode, "betatesting_invite_testers", args, ("betatesting", posts_to(COMMUNITY), 1)
    )
    community = fleet.state("betatesting").community.values()
    assert all(sum(c.email == e for c in community) == 1 for e in emails)
    once_each(acted(fleet, "betatesting", COMMUNITY), emails)
    assert not any(unknown.emails & s.emails for s in after(fleet, unknown))  # found there, never sent again
    assert status["counts"].get("failed", 0) == 0, status


async def test_a_message_to_many_testers_resumes_and_reaches_each_once(mode: str, store: StateStore) -> None:
    fleet = providers()
    state = fleet.state("betatesting")
    test_id = 4103
    template = next(t for t in state.testers.values() if t.test_id == test_id)
    for n in range(250):  # a big test: three send calls of at most 100 testers
        tester_id = state.next_id("testers")
        state.testers[tester_id] = type(template)(
            **{**template.wire(), "id": tester_id, "email": f"crowd{n:04d}@example.com", "status": "active"}
        )
    recipients = [
        t.id for t in state.testers.values() if t.test_id == test_id and t.status not in ("opt_out", "removed")
    ]
    text = "Build 43 is out: please retest checkout."
    args = {"test_id": test_id, "audience": "all", "message": text}
    hold = ("betatesting", posts_to(f"/tests/{test_id}/testers/message"), 1)
    status, unknown = await interrupted_then_resumed(fleet, store, mode, "betatesting_message_testers", args, hold)
    got = [m.tester_id for m in state.messages.values() if m.body == text]
    assert sorted(got) == sorted(recipients)  # each recipient exactly one message
    repeated = [s for s in after(fleet, unknown) if s.body == unknown.body]
    assert all(s.key == unknown.key for s in repeated)  # the unknown batch: only under its first key
    assert status["counts"].get("failed", 0) == 0, status


# ---------------------------------------------------------------------------- TestFlight


async def test_a_removal_from_a_group_resumes_and_removes_everyone(mode: str, store: StateStore) -> None:
    fleet = providers()
    state = fleet.state("testflight")
    group = {"beta_group_name": "Enterprise Pilots", "app_id": state.ids["trailhead"]}
    async with node(fleet, store, None).client(mode, answer="accept") as client:  # 40 more members first
        added = body(await client.call_tool("testflight_invite_testers", {**group, "emails": people(40, "leaver")}))
        assert added["status"] == "executed", added
    pilots = state.resources["betaGroups"][state.ids["trailhead.pilots"]]
    testers = state.resources["betaTesters"]
    emails = [str(testers[t].attributes["email"]).lower() for t in pilots.rels["betaTesters"]]
    assert len(emails) > 50  # two calls of at most 50; the first one's answer is lost
    hold = ("testflight", lambda r: r.method == "DELETE" and r.url.path.endswith("/relationships/betaTesters"), 0)
    _, unknown = await interrupted_then_resumed(
        fleet, store, mode, "testflight_remove_testers_from_group", {**group, "emails": emails}, hold
    )
    assert pilots.rels["betaTesters"] == []
    gone = ids_in(unknown)
    assert len(gone) == 50
    assert not any(gone & ids_in(s) for s in after(fleet, unknown))  # found gone, never sent again


def ids_in(sent: Sent) -> set[str]:
    return set(re.findall(r'"id":\s*"([^"]+)"', sent.body))


# ---------------------------------------------------------------------------- Alexa


async def test_an_alexa_invite_resumes_and_adds_everyone_once(mode: str, store: StateStore) -> None:
    fleet = providers()
    beta = fleet.state("alexa").skills[DEMO_SKILL_ID].beta_test
    beta.tester_limit = 2000
    emails = people(600, "skill")  # two add calls (500, then 100); the first one's answer is lost
    args = {"skill_id": DEMO_SKILL_ID, "emails": emails}
    _, unknown = await interrupted_then_resumed(
        fleet, store, mode, "alexa_invite_testers", args, ("alexa", posts_to("/testers/add"), 0)
    )
    assert set(emails) <= {e.lower() for e in beta.testers}
    once_each(acted(fleet, "alexa", "/testers/add"), emails)
    assert not any(unknown.emails & s.emails for s in after(fleet, unknown))  # SMAPI has no key: listed, not resent


# ---------------------------------------------------------------------------- Betasend


async def test_a_betasend_subscription_resumes_and_subscribes_everyone_once(mode: str, store: StateStore) -> None:
    fleet = providers()
    emails = people(250, "list")  # per list: three calls of at most 100; list 1's second answer is lost
    args = {"subscribers": [{"email": e} for e in emails], "list_ids": [1, 5]}
    hold = ("betasend", lambda r: r.method == "POST" and "list-subscribers-add" in r.url.path, 1)
    _, unknown = await interrupted_then_resumed(fleet, store, mode, "betasend_add_subscribers_to_lists", args, hold)
    state = fleet.state("betasend")
    for list_id in (1, 5):
        ids = {m.subscribe_id for m in state.memberships.values() if m.list_id == list_id and m.status == "Active"}
        subscribed = {state.subscribers[i].email.lower() for i in ids}
        assert set(emails) <= subscribed, list_id
        sent = [s for s in acted(fleet, "betasend", "list-subscribers-add") if f"list_id={list_id}" in s.body]
        once_each(sent, emails)
    same_list = [s for s in after(fleet, unknown) if list_of(s) == list_of(unknown)]
    assert not any(unknown.emails & s.emails for s in same_list)  # found subscribed there, never sent again


def list_of(sent: Sent) -> str | None:
    found = re.search(r"list_id=(\d+)", sent.body)
    return found.group(1) if found else None


# ---------------------------------------------------------------------------- everywhere


async def test_an_invite_everywhere_resumes_and_invites_everyone_once_per_target(mode: str, store: StateStore) -> None:
    fleet = providers()
    fleet.state("alexa").skills[DEMO_SKILL_ID].beta_test.tester_limit = 2000
    emails = people(60, "everywhere")
    targets = [
        {"provider": "betatesting"},
        {"provider": "testflight", "name": "Trail Crew", "app_id": "1588204131"},
        {"provider": "alexa", "id": DEMO_SKILL_ID},
        {"provider": "betasend", "id": "5"},
    ]
    hold = ("testflight", posts_to("/v1/betaTesters"), 25)  # midway through the second target
    status, unknown = await interrupted_then_resumed(
        fleet, store, mode, "betaops_invite_testers", {"people": emails, "targets": targets}, hold
    )
    assert status["counts"].get("failed", 0) == 0, status
    once_each(acted(fleet, "betatesting", COMMUNITY), emails)
    once_each(acted(fleet, "testflight", "/v1/betaTesters"), emails)
    once_each(acted(fleet, "alexa", "/testers/add"), emails)
    once_each(acted(fleet, "betasend", "list-subscribers-add"), emails)
    assert not any(unknown.emails & s.emails for s in after(fleet, unknown) if s.provider == "testflight")
    tf = fleet.state("testflight").resources["betaTesters"].values()
    assert all(sum(str(t.attributes.get("email")).lower() == e for t in tf) == 1 for e in emails)
