"""Concurrency over streamable HTTP: 50 concurrent sessions x 20 calls against `betaops serve --http --sandbox`.

The server runs as its own process, exactly as a user starts it; every session is an SDK client
(half in the 2026-07-28 era, half in the 2025-11-25 handshake era) calling read tools of all four
providers and `betaops_context`. Reported: errors, latency percentiles per call, and the server's
resident memory before, at its peak and after the load.

Run: python bench/concurrency_http.py [sessions] [calls]
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

import anyio
import httpx2
from benchlib import Table, median, percentile, quiet_logs, rss_kb
from mcp import Client

from betaops.providers.alexa.simulator import DEMO_SKILL_ID
from betaops.providers.betatesting.simulator.config import COMPANY_ID
from betaops.providers.betatesting.simulator.seed import build_state


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def calls_for(test_id: int) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("betatesting_list_tests", {}),
        ("alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID}),
        ("betasend_get_list_statistics", {"list_id": 1}),
        ("betatesting_list_issues", {"test_id": test_id, "limit": 10}),
        ("betaops_context", {}),
    ]


async def load(url: str, pid: int, sessions: int, calls: int, test_id: int) -> dict[str, Any]:
    mix = calls_for(test_id)
    latencies: dict[str, list[float]] = {"auto": [], "legacy": []}
    errors: list[str] = []
    peak_rss = 0
    done = anyio.Event()

    async def sample() -> None:
        nonlocal peak_rss
        while not done.is_set():
            peak_rss = max(peak_rss, rss_kb(pid)[0])
            await anyio.sleep(0.05)

    async def session(n: int) -> None:
        mode = "auto" if n % 2 == 0 else "legacy"
        try:
            async with Client(url, mode=mode) as client:
                for k in range(calls):
                    tool, args = mix[(n + k) % len(mix)]
                    start = time.perf_counter()
                    result = await client.call_tool(tool, args)
                    latencies[mode].append(time.perf_counter() - start)
                    if result.is_error:
                        errors.append(f"{tool}: {getattr(result.content[0], 'text', '')[:120]}")
        except Exception as exc:  # a failed session is a figure, not a crash of the benchmark
            errors.append(f"session {n}: {type(exc).__name__}: {exc}")

    before = rss_kb(pid)[0]
    start = time.perf_counter()
    async with anyio.create_task_group() as group:
        group.start_soon(sample)
        async with anyio.create_task_group() as clients:
            for n in range(sessions):
                clients.start_soon(session, n)
        done.set()
    elapsed = time.perf_counter() - start
    after, high_water = rss_kb(pid)
    return {
        "latencies": latencies,
        "errors": errors,
        "elapsed": elapsed,
        "rss": (before, max(peak_rss, high_water), after),
    }


def run(sessions: int = 50, calls: int = 20) -> Table:
    port = free_port()
    state = tempfile.mkdtemp(prefix="betaops-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BETATESTING_", "BETAOPS_"))}
    env["XDG_STATE_HOME"] = state
    server = subprocess.Popen(
        [sys.executable, "-m", "betaops", "serve", "--http", "--sandbox", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                if httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.1)
        seed = build_state()
        test_id = min(t.id for t in seed.tests.values() if t.company_id == COMPANY_ID)
        result = anyio.run(load, f"http://127.0.0.1:{port}/mcp", server.pid, sessions, calls, test_id)
    finally:
        server.terminate()
        server.wait(timeout=10)
    every = [x for v in result["latencies"].values() for x in v]
    before, peak, after = result["rss"]
    table = Table(
        f"Streamable HTTP: {sessions} concurrent sessions x {calls} calls (betaops serve --http --sandbox)",
        ["sessions", "calls", "errors", "p50", "p99", "max"],
    )
    for mode, values in (*result["latencies"].items(), ("all", every)):
        label = {"auto": "2026-07-28 (half)", "legacy": "2025-11-25 handshake (half)", "all": "all"}[mode]
        table.rows.append(
            [
                label,
                str(len(values)),
                str(len(result["errors"])) if mode == "all" else "",
                f"{median(values) * 1000:.1f} ms",
                f"{percentile(values, 99) * 1000:.1f} ms",
                f"{max(values) * 1000:.1f} ms",
            ]
        )
    table.notes += [
        f"throughput: {len(every) / result['elapsed']:.0f} calls/s over {result['elapsed']:.1f} s",
        f"server RSS: {before / 1024:.0f} MiB idle, {peak / 1024:.0f} MiB at peak, {after / 1024:.0f} MiB after",
    ]
    if result["errors"]:
        table.notes.append("first errors: " + "; ".join(result["errors"][:3]))
    return table


if __name__ == "__main__":
    quiet_logs()
    args = [int(a) for a in sys.argv[1:3]]
    print(run(*args).text())
