"""How much of an assistant's context the tool list costs: bytes of `tools/list` JSON and an
estimate in tokens (characters / 4), for the default surface, each toolset, and everything; and the
time of the first `tools/list` for `--toolsets all` on a fresh server (goal, issue 14: <= 50 ms).

Run: python bench/tool_footprint.py   (sandbox: every provider configured)
"""

from __future__ import annotations

import gc
import statistics
import time

import anyio
from mcp import Client

from betaops.server.app import ServerOptions, build_runtime, build_server
from betaops.server.footprint import BUDGET, tools_list_bytes
from betaops.settings import Settings


async def measure(toolsets: tuple[str, ...] | None) -> tuple[int, int]:
    settings = Settings(_env_file=None)
    options = ServerOptions(sandbox=True, toolsets=toolsets)
    return await tools_list_bytes(build_server(settings, options, build_runtime(settings, options)))


async def first_list_ms() -> float:
    """Milliseconds of the first `tools/list` for `all` on a freshly built server (in memory)."""
    settings = Settings(_env_file=None)
    options = ServerOptions(sandbox=True, toolsets=("all",))
    server = build_server(settings, options, build_runtime(settings, options))
    async with Client(server) as client:
        # This process built about 30 servers before: their garbage is collected now, not inside the
        # measured call (a served process never carries it; unflushed, it put 130-170 ms spikes here).
        gc.collect()
        start = time.perf_counter()
        await client.list_tools()
        return (time.perf_counter() - start) * 1000


async def main() -> None:
    settings = Settings(_env_file=None)
    runtime = build_runtime(settings, ServerOptions(sandbox=True, toolsets=("all",)))
    toolsets = [t for c in runtime.connections.values() for t in c.spec.toolset_ids()]
    rows: list[tuple[str, int, int]] = [("default surface", *await measure(None))]
    for toolset in toolsets:
        rows.append((toolset, *await measure((toolset,))))
    rows.append(("all", *await measure(("all",))))
    print(f"{'surface':<34} {'tools':>5} {'bytes':>8} {'~tokens':>8}")
    for name, count, size in rows:
        print(f"{name:<34} {count:>5} {size:>8} {size // 4:>8}")
    default = rows[0][2]
    reachable = sum(len(c.spec.operations) + len(c.spec.tasks) for c in runtime.connections.values())
    print(
        f"\ndefault surface: {default} bytes of a {BUDGET}-byte budget ({100 * default / BUDGET:.0f}%); "
        f"every one of the {reachable} provider operations and tasks stays reachable through discovery."
    )
    await first_list_ms()  # the first in this process also pays one-off imports
    times = [await first_list_ms() for _ in range(7)]
    print(f"first tools/list for all on a fresh server: median {statistics.median(times):.0f} ms of 7 (goal 50 ms)")


if __name__ == "__main__":
    anyio.run(main)
