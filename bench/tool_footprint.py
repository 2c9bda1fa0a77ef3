"""How much of an assistant's context the tool list costs: bytes of `tools/list` JSON and an
estimate in tokens (characters / 4), for the default surface, each toolset, and everything.

Run: python bench/tool_footprint.py   (sandbox: every provider configured)
"""

from __future__ import annotations

import json

import anyio
from mcp import Client

from betaops.server.app import ServerOptions, build_runtime, build_server
from betaops.settings import Settings

BUDGET = 25_000  # bytes for the default surface with every provider configured


async def measure(toolsets: tuple[str, ...] | None) -> tuple[int, int]:
    settings = Settings(_env_file=None)
    options = ServerOptions(sandbox=True, toolsets=toolsets)
    server = build_server(settings, options, build_runtime(settings, options))
    async with Client(server) as client:
        tools = (await client.list_tools()).tools
    payload = json.dumps(
        [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools], separators=(",", ":")
    )
    return len(tools), len(payload.encode())


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
    print(
        f"\ndefault surface: {default} bytes of {BUDGET} budget ({100 * default / BUDGET:.0f}%); "
        f"reachable operations: {len(runtime.catalog) if runtime.catalog else 'see betaops_context'}"
    )


if __name__ == "__main__":
    anyio.run(main)
