"""Write pacing: 120 writes against the simulator's write limit, time-compressed to 30 writes per 3 s.

An assistant fires 120 confirmed writes at once (`betatesting_update_issue`, `--confirm never`, all
concurrent through one MCP client). The client paces itself under the provider's limit; the
simulator enforces the same limit on its own clock and answers 429 to anything over it.

Achieved rate, as a share of the allowed one: a sliding window of W seconds allows L writes in any
W seconds, so N writes need at least (ceil(N/L) - 1) * W seconds between the first and the last,
and use the windows up to last + W. Achieved = N / (last - first + W) against the allowed L / W; 100%
means the pacing lost no time, and anything above 100% would have drawn 429s.

Run: python bench/write_pacing.py [writes]
"""

from __future__ import annotations

import math
import sys
import time

import anyio
from benchlib import StatusCounter, Table, betatesting_bench, quiet_logs
from mcp import Client
from mcp.types import CallToolResult

from betaops.providers.betatesting.simulator.config import COMPANY_ID, SimConfig

LIMIT = 30
WINDOW_S = 3.0
PRIORITIES = ("critical", "high", "medium", "low", "trivial")


async def measure(writes: int) -> tuple[list[float], list[CallToolResult], StatusCounter, float]:
    counter: StatusCounter | None = None

    def counting(inner: object) -> StatusCounter:
        nonlocal counter
        counter = StatusCounter(inner)  # type: ignore[arg-type]
        return counter

    bench = betatesting_bench(
        sim_config=SimConfig(write_limit=LIMIT, write_window_s=WINDOW_S),
        transport_wrapper=counting,
        write_limit=LIMIT,
        write_window_s=WINDOW_S,
    )
    assert counter is not None
    test = min((t for t in bench.state.tests.values() if t.company_id == COMPANY_ID), key=lambda t: t.id)
    issues = sorted(i.id for i in bench.state.issues.values() if i.test_id == test.id)
    done_at: list[float] = []
    results: list[CallToolResult] = []
    async with Client(bench.server) as client:
        await client.call_tool("betatesting_get_test", {"test_id": test.id})  # connect and warm up
        start = time.perf_counter()

        async def write(n: int) -> None:
            args = {
                "test_id": test.id,
                "issue_id": issues[n % len(issues)],
                "priority": PRIORITIES[n % len(PRIORITIES)],
                "notes": f"paced write {n}",
            }
            results.append(await client.call_tool("betatesting_update_issue", args))
            done_at.append(time.perf_counter() - start)

        async with anyio.create_task_group() as group:
            for n in range(writes):
                group.start_soon(write, n)
        elapsed = time.perf_counter() - start
    executed = sorted(w.at for w in bench.state.write_log)
    return executed, results, counter, elapsed


def run(writes: int = 120) -> Table:
    executed, results, counter, elapsed = anyio.run(measure, writes)
    errors = sum(1 for r in results if r.is_error or (r.structured_content or {}).get("status") != "executed")
    span = executed[-1] - executed[0] if executed else 0.0
    allowed_rate = LIMIT / WINDOW_S
    achieved = len(executed) / (span + WINDOW_S) if executed else 0.0
    ideal_span = (math.ceil(writes / LIMIT) - 1) * WINDOW_S
    table = Table(
        f"Write pacing: {writes} concurrent writes, limit {LIMIT} per {WINDOW_S:g} s (time-compressed)",
        ["measure", "value"],
    )
    table.rows += [
        ["writes executed at the simulator", f"{len(executed)} of {writes} ({errors} calls failed)"],
        ["first to last write", f"{span:.2f} s (the limit allows {ideal_span:.2f} s at best)"],
        ["achieved rate", f"{achieved:.2f} writes/s"],
        ["allowed rate", f"{allowed_rate:.2f} writes/s"],
        ["achieved / allowed", f"{100 * achieved / allowed_rate:.1f}%"],
        ["429s seen", str(counter.statuses.get(429, 0))],
        ["wall time for all calls", f"{elapsed:.2f} s"],
    ]
    table.notes.append(
        f"target: at least 90% of the allowed rate and zero 429s; got {100 * achieved / allowed_rate:.1f}% "
        f"and {counter.statuses.get(429, 0)}"
    )
    return table


if __name__ == "__main__":
    quiet_logs()
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 120).text())
