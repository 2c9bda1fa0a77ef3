"""Per-call overhead: a read tool through the MCP client vs the same HTTP request straight to the simulator.

`betatesting_get_test` through betaops (validation, the engine, unwrapping, the result model, the
protocol) next to `GET /tests/{id}` sent directly to the same in-process simulator with the same
key and JSON-decoded: the difference is what betaops and MCP add. Both MCP eras in-process, plus
the real stdio transport to a `betaops serve --sandbox` subprocess (its own simulator, same seed).

Run: python bench/call_overhead.py [calls]
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Awaitable, Callable

import anyio
import httpx2
from benchlib import Table, betatesting_bench, median, percentile, quiet_logs
from mcp import Client, StdioServerParameters

from betaops.providers.betatesting.provider import SANDBOX_BASE_URL
from betaops.providers.betatesting.simulator.app import create_app
from betaops.providers.betatesting.simulator.config import COMPANY_ID, SANDBOX_API_KEY, SimConfig
from betaops.sim.transport import sim_transport

WARMUP = 30


async def timed(calls: int, one: Callable[[], Awaitable[object]]) -> list[float]:
    for _ in range(WARMUP):
        await one()
    out: list[float] = []
    for _ in range(calls):
        start = time.perf_counter()
        await one()
        out.append(time.perf_counter() - start)
    return out


async def measure(calls: int) -> dict[str, list[float]]:
    # A latency benchmark, not a rate-limit one: the in-process simulator lifts its 600 reads a minute.
    unlimited = SimConfig(read_limit=1_000_000)
    bench = betatesting_bench(sim_config=unlimited)
    test_id = min(t.id for t in bench.state.tests.values() if t.company_id == COMPANY_ID)
    args = {"test_id": test_id}
    results: dict[str, list[float]] = {}

    direct = httpx2.AsyncClient(
        transport=sim_transport(create_app(bench.state, unlimited)),
        base_url=SANDBOX_BASE_URL,
        headers={"Authorization": f"Bearer {SANDBOX_API_KEY}", "Accept": "application/json"},
    )
    async with direct:

        async def get() -> object:
            response = await direct.get(f"/tests/{test_id}")
            response.raise_for_status()
            return response.json()

        results["direct HTTP to the simulator"] = await timed(calls, get)

    for mode, label in (("auto", "MCP in-memory, 2026-07-28"), ("legacy", "MCP in-memory, 2025-11-25")):
        async with Client(bench.server, mode=mode) as client:

            async def tool(client: Client = client) -> object:
                result = await client.call_tool("betatesting_get_test", args)
                assert not result.is_error, result.content
                return result

            results[label] = await timed(calls, tool)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("BETATESTING_", "BETAOPS_"))}
    stdio = StdioServerParameters(
        command=sys.executable, args=["-m", "betaops", "serve", "--sandbox", "--toolsets", "betatesting.tests"], env=env
    )
    async with Client(stdio) as client:

        async def over_stdio() -> object:
            result = await client.call_tool("betatesting_get_test", args)
            assert not result.is_error, result.content
            return result

        results["MCP over stdio, 2026-07-28 (subprocess)"] = await timed(calls, over_stdio)
    return results


def run(calls: int = 300) -> Table:
    results = anyio.run(measure, calls)
    direct = results["direct HTTP to the simulator"]
    base50, base99 = median(direct), percentile(direct, 99)
    table = Table(
        f"Per-call overhead: betatesting_get_test vs GET /tests/{{id}} ({calls} calls each after {WARMUP} warm-up)",
        ["path", "median", "p99", "added (median)", "added (p99)"],
    )
    for name, values in results.items():
        p50, p99 = median(values), percentile(values, 99)
        same = values is direct
        table.rows.append(
            [
                name,
                f"{p50 * 1000:.2f} ms",
                f"{p99 * 1000:.2f} ms",
                "-" if same else f"+{(p50 - base50) * 1000:.2f} ms",
                "-" if same else f"+{(p99 - base99) * 1000:.2f} ms",
            ]
        )
    table.notes.append(
        "added = the tool's latency minus the direct request's: validation, the engine, unwrapping and the "
        "result model, plus the MCP protocol and transport; the in-process simulator's read limit is lifted "
        "(a latency benchmark), the stdio server's is not (it serves fewer calls than its limit)"
    )
    return table


if __name__ == "__main__":
    quiet_logs()
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 300).text())
