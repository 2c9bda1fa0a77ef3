"""Fetch-all: 10,000 issues at 100 per page, 20 ms simulated latency: concurrent pages vs a sequential walk.

The BetaTesting simulator runs in its own process behind uvicorn (real HTTP on loopback, 20 ms
added to every answer, its real rate limits), so the provider's work does not share the client's
CPU. The client is betaops' engine: `fetch_pages` (what a list tool's large `limit` runs: every page the first one
reveals, fetched concurrently within the provider's connection budget) against a walk that asks
for page n+1 after page n. The tool itself caps `limit` at 2,000 per call; this measures the
engine under it over the whole set.

Run: python bench/fetch_all.py [rounds]
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import httpx2
from benchlib import StatusCounter, Table, median, quiet_logs
from pydantic import SecretStr

from betaops.core.auth import StaticBearer
from betaops.core.http import ProviderClient
from betaops.providers.betatesting.operations import OPERATIONS
from betaops.providers.betatesting.provider import BETATESTING
from betaops.providers.betatesting.simulator.config import BASE_PATH, COMPANY_ID
from betaops.settings import Settings

ISSUES = 10_000
PAGE = 100
LATENCY_S = 0.020
LIST_ISSUES = next(op for op in OPERATIONS if op.name == "list_issues")
# One API key per fetch: each fetch-all runs inside the provider's real read limit (600 a minute per
# key), as one job would; reusing a key across back-to-back rounds would measure the limit instead.
KEYS = ["btst_" + hashlib.sha256(f"betaops-bench:{n}".encode()).hexdigest() for n in range(40)]


def simulator_app() -> Any:
    """The simulator with one test holding exactly ISSUES issues (the test id goes to stdout)."""
    import copy
    import dataclasses

    from betaops.providers.betatesting.simulator.app import create_app
    from betaops.providers.betatesting.simulator.config import ApiKey, SimConfig
    from betaops.providers.betatesting.simulator.seed import build_state
    from betaops.providers.betatesting.simulator.state import IssueRecord

    state = build_state()
    test = min((t for t in state.tests.values() if t.company_id == COMPANY_ID), key=lambda t: t.id)
    template = next(i for i in state.issues.values() if i.test_id == test.id)
    for issue_id in [i.id for i in state.issues.values() if i.test_id == test.id]:
        del state.issues[issue_id]
    for n in range(ISSUES):
        issue = copy.copy(template)
        issue.id = state.next_id("issues")
        issue.title = f"Issue {n + 1}: {template.title}"
        state.issues[issue.id] = issue
    # The simulator renders records with dataclasses.asdict (a deep copy, ~80 µs an issue); a provider
    # serves a page from storage. Render each issue once, up front, so that the simulator's CPU (on the
    # same machine as the client) is not what a concurrent fetch waits for.
    rendered = {i.id: dataclasses.asdict(i) for i in state.issues.values()}
    IssueRecord.wire = lambda self: dict(rendered[self.id])  # type: ignore[method-assign]
    keys = {key: ApiKey(COMPANY_ID) for key in KEYS}
    print(test.id, flush=True)
    return create_app(state, SimConfig(latency_s=LATENCY_S, api_keys=keys))


def serve_simulator(port: int) -> None:
    import uvicorn

    uvicorn.run(simulator_app(), host="127.0.0.1", port=port, log_level="warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def fetch(client: ProviderClient, test_id: int, concurrent: bool) -> int:
    params = LIST_ISSUES.params.model_validate({"test_id": test_id})
    state = client.config.pagination.first(PAGE)
    first = await client.call(LIST_ISSUES, params, page_state=state)
    assert first.page is not None
    if concurrent:
        items, rest = await client.fetch_pages(LIST_ISSUES, params, first.page, ISSUES)
        assert rest is None
        return len(items)
    count, page = len(first.page.items), first.page
    while page.next_state is not None:
        reply = await client.call(LIST_ISSUES, params, page_state=page.next_state)
        assert reply.page is not None
        page = reply.page
        count += len(page.items)
    return count


async def measure(
    port: int, test_id: int, rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, StatusCounter]]:
    base = BETATESTING.sandbox(Settings(_env_file=None)).config
    keys = iter(KEYS)
    times: dict[str, list[float]] = {"sequential page walk": [], "concurrent pages (fetch_pages)": []}
    cpu: dict[str, list[float]] = {name: [] for name in times}
    counters = {name: StatusCounter(httpx2.AsyncHTTPTransport()) for name in times}

    async def one(name: str) -> tuple[float, float]:
        auth = StaticBearer(SecretStr(next(keys)))
        config = replace(base, base_url=f"http://127.0.0.1:{port}{BASE_PATH}", auth=auth)
        client = ProviderClient(config, transport=counters[name])
        start, start_cpu = time.perf_counter(), time.process_time()
        got = await fetch(client, test_id, concurrent=name.startswith("concurrent"))
        took, took_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        assert got == ISSUES, got
        return took, took_cpu

    for name in times:  # warm up both paths (imports, connections), uncounted
        await one(name)
        counters[name].statuses.clear()
        counters[name].requests = 0
    for _ in range(rounds):
        for name in times:
            took, took_cpu = await one(name)
            times[name].append(took)
            cpu[name].append(took_cpu)
    for counter in counters.values():
        await counter.aclose()
    return times, cpu, counters


def run(rounds: int = 3) -> Table:
    port = free_port()
    sim = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--simulator", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sim.stdout is not None
        test_id = int(sim.stdout.readline())
        for _ in range(100):  # until uvicorn listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        times, cpu, counters = anyio.run(measure, port, test_id, rounds)
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    table = Table(
        f"Fetch-all: {ISSUES:,} issues, {PAGE} per page, {LATENCY_S * 1000:.0f} ms latency "
        f"({rounds} rounds, interleaved; medians)",
        ["strategy", "time", "pages/s", "requests", "429s", "client CPU"],
    )
    pages = ISSUES // PAGE
    for name, values in times.items():
        counter = counters[name]
        table.rows.append(
            [
                name,
                f"{median(values):.2f} s",
                f"{pages / median(values):.0f}",
                str(counter.requests // rounds),
                str(counter.statuses.get(429, 0)),
                f"{median(cpu[name]):.2f} s",
            ]
        )
    walk, concurrent = (median(v) for v in times.values())
    slots = BETATESTING.sandbox(Settings(_env_file=None)).config.concurrency
    table.notes += [
        f"speed-up: {walk / concurrent:.1f}x (target: at least 5x); 429s seen: "
        f"{sum(c.statuses.get(429, 0) for c in counters.values())} (target: zero)",
        f"fetch_pages keeps up to {slots} pages in flight (ProviderConfig.concurrency): with every page taking "
        f"what a walked page takes, the bound is {walk / slots:.2f} s ({slots}x); the rest of the gap is the "
        "simulator's own CPU per page (one process, sharing this machine with the client)",
    ]
    return table


if __name__ == "__main__":
    quiet_logs()
    if len(sys.argv) > 2 and sys.argv[1] == "--simulator":
        serve_simulator(int(sys.argv[2]))
    else:
        print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 3).text())
