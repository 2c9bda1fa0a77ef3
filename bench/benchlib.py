"""What every benchmark shares: a result table, percentiles, the machine's description, and the
sandbox wiring (a betaops server over one provider's simulator, built in-process).

Benchmarks print figures; they assert nothing about time (tests never do).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import platform
import statistics
import sys
from dataclasses import dataclass, field, replace
from typing import Any

import httpx2
from mcp.server import MCPServer

from betaops.core.confirm import ConfirmationTokens
from betaops.core.http import ProviderConfig
from betaops.providers.betatesting.provider import BETATESTING
from betaops.providers.betatesting.simulator.config import SimConfig
from betaops.providers.betatesting.simulator.seed import build_state
from betaops.providers.betatesting.simulator.state import BetaTestingState
from betaops.server.app import ServerOptions, build_server, select_toolsets
from betaops.server.runtime import ConfirmMode, Connection, Runtime
from betaops.settings import Settings


def quiet_logs() -> None:
    """Figures only: request logs and the "confirmation is OFF" start-up warning would drown them.

    Called by each bench script when it runs, never on import: the tests import a bench's scripts,
    and quieting betaops' loggers there would hide log records the tests read."""
    for name in ("httpx2", "httpx", "mcp", "betaops"):
        logging.getLogger(name).setLevel(logging.ERROR)


@dataclass
class Table:
    """One benchmark's result: rows compared side by side, then the headline figures."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        widths = [max(len(str(c)) for c in col) for col in zip(self.headers, *self.rows, strict=False)]
        line = "  ".join(h.ljust(w) for h, w in zip(self.headers, widths, strict=True))
        out = [self.title, "=" * len(self.title), line, "-" * len(line)]
        out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in self.rows]
        return "\n".join([*out, "", *self.notes])

    def markdown(self) -> str:
        out = [f"### {self.title}", "", "| " + " | ".join(self.headers) + " |"]
        out.append("|" + "|".join("---" for _ in self.headers) + "|")
        out += ["| " + " | ".join(str(c) for c in row) + " |" for row in self.rows]
        return "\n".join([*out, "", *(f"- {n}" for n in self.notes)])


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, str]:
    return {
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "python": sys.version.split()[0],
        "os": f"{platform.system()} {platform.release()}",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a",
    }


def rss_kb(pid: int) -> tuple[int, int]:
    """(current, peak) resident set size of a process in KiB, from /proc (Linux)."""
    values = {"VmRSS": 0, "VmHWM": 0}
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            key = line.split(":", 1)[0]
            if key in values:
                values[key] = int(line.split()[1])
    return values["VmRSS"], values["VmHWM"]


@dataclass
class BetaTestingBench:
    """A betaops server over one in-process BetaTesting simulator, and its pieces."""

    server: MCPServer
    runtime: Runtime
    state: BetaTestingState
    config: ProviderConfig
    transport: httpx2.AsyncBaseTransport


def betatesting_bench(
    *,
    state: BetaTestingState | None = None,
    sim_config: SimConfig | None = None,
    confirm: ConfirmMode = ConfirmMode.NEVER,
    transport_wrapper: Any = None,
    **client_config: Any,
) -> BetaTestingBench:
    """The server the way `betaops serve --sandbox` builds it, with knobs for the benchmark.

    `client_config` overrides the provider's client settings (e.g. write_limit, write_window_s);
    `transport_wrapper` wraps the simulator's transport (e.g. to count 429s).
    """
    settings = Settings(_env_file=None)
    state = state if state is not None else build_state()
    box = BETATESTING.sandbox(settings, state=state, sim_config=sim_config)
    config = replace(box.config, **client_config) if client_config else box.config
    transport = transport_wrapper(box.transport) if transport_wrapper is not None else box.transport
    conn = Connection(BETATESTING, config, True, transport, state)
    conn.defaults = BETATESTING.defaults(settings)
    connections = {"betatesting": conn}
    runtime = Runtime(
        connections=connections,
        tokens=ConfirmationTokens(b"bench-secret-0123456789abcdef"),
        confirm=confirm,
        toolsets=select_toolsets(connections, ("all",)),
    )
    server = build_server(settings, ServerOptions(), runtime)
    return BetaTestingBench(server, runtime, state, config, transport)


class StatusCounter(httpx2.AsyncBaseTransport):
    """Counts the simulator's answers by status (e.g. how many 429s a run saw)."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.statuses: dict[int, int] = {}
        self.requests = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests += 1
        response = await self.inner.handle_async_request(request)
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
