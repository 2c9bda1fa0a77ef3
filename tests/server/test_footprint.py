"""The default tool list fits an assistant's context, with every provider configured, and nothing is lost."""

from __future__ import annotations

import pytest
from mcp import Client

from betaops.server.app import ServerOptions, build_runtime, build_server
from betaops.server.footprint import BUDGET, tools_list_bytes
from betaops.settings import Settings

pytestmark = pytest.mark.anyio


async def test_default_surface_stays_within_budget_and_reaches_everything() -> None:
    settings = Settings(_env_file=None)
    options = ServerOptions(sandbox=True)
    runtime = build_runtime(settings, options)
    server = build_server(settings, options, runtime)
    assert set(runtime.connections) == {"betatesting", "testflight", "alexa", "betasend"}
    count, size = await tools_list_bytes(server)
    assert size <= BUDGET, f"default tools/list is {size} bytes; the budget is {BUDGET} (run bench/tool_footprint.py)"
    every = {op.tool_name for c in runtime.connections.values() for op in c.spec.operations}
    every |= {task.tool_name for c in runtime.connections.values() for task in c.spec.tasks}
    assert len(every) > 200 and every <= set(runtime.catalog)
    async with Client(server) as client:
        listed = {t.name for t in (await client.list_tools()).tools}
        found = await client.call_tool("betaops_search_operations", {"query": "beta tester invitations", "limit": 25})
    assert count == len(listed) < 25
    assert found.structured_content is not None and any(not m["listed"] for m in found.structured_content["matches"])
