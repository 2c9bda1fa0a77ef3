"""Offline failure: how long a tool call takes to say the provider cannot be reached.

A live server (BetaTesting configured with a well-formed key, its real base URL) whose host name
does not resolve, as on a machine with no network: `betatesting_list_tests` through an in-memory
MCP client, from the call to the error. A name that does not resolve is reported at once, not
retried (`core/http.py`, `hopeless`). Side by side: the time the resolver itself takes to fail,
which is the floor of any answer, and a `.invalid` name (RFC 6761: never resolves anywhere).

Run: python bench/offline.py [calls]
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time

import anyio
from benchlib import Table, median, percentile, quiet_logs
from mcp import Client

from betaops.server.app import ServerOptions, build_server
from betaops.settings import Settings

KEY = "btst_" + "b" * 64
HOSTS = {
    "BetaTesting's own host (no network here)": "https://betatesting.com/api/external/v2",
    "a .invalid host (never resolves)": "https://api.betaops-offline.invalid/api/external/v2",
}


def resolve_s(url: str) -> float:
    host = url.split("/")[2]
    start = time.perf_counter()
    try:
        socket.getaddrinfo(host, 443)
    except socket.gaierror:
        return time.perf_counter() - start
    raise SystemExit(f"{host} resolves: this benchmark needs a machine where it does not")


async def call_s(url: str) -> tuple[float, str]:
    """Seconds from the call to the error, and the error's text (a fresh server: no pooled connection)."""
    os.environ |= {"BETATESTING_API_KEY": KEY, "BETATESTING_BASE_URL": url}
    server = build_server(Settings(_env_file=None), ServerOptions())
    async with Client(server) as client:
        start = time.perf_counter()
        result = await client.call_tool("betatesting_list_tests", {})
        took = time.perf_counter() - start
    text = " ".join(getattr(block, "text", "") for block in result.content)
    if not result.is_error:
        raise SystemExit(f"{url} answered: this benchmark needs a machine where it does not")
    return took, text


async def measure(calls: int) -> Table:
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="betaops-bench-")  # no audit log where a user keeps state
    table = Table(
        f"Offline failure: betatesting_list_tests with no route to the provider ({calls} calls each; medians)",
        ["host", "resolver fails in", "tool error in (median)", "p95", "max"],
    )
    message = ""
    for label, url in HOSTS.items():
        resolver = [resolve_s(url) for _ in range(calls)]
        timings: list[float] = []
        for _ in range(calls):
            took, message = await call_s(url)
            timings.append(took)
        table.rows.append(
            [
                label,
                f"{median(resolver) * 1000:.0f} ms",
                f"{median(timings) * 1000:.0f} ms",
                f"{percentile(timings, 95) * 1000:.0f} ms",
                f"{max(timings) * 1000:.0f} ms",
            ]
        )
    table.notes.append("goal (issue 14): the failure is reported in at most 100 ms; one attempt, no retry")
    table.notes.append(f"the error: {message[:240]}")
    return table


def run(calls: int = 20) -> Table:
    return anyio.run(measure, calls)


if __name__ == "__main__":
    quiet_logs()
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 20).text())
