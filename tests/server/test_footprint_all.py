"""`--toolsets all`: every tool listed, measured in bytes of compact JSON (deterministic; no timing here).

The goals (issue 14) are at most 150 KB for the whole list and no tool over 4 KB. No tool is over
4 KB; the whole list's goal is pinned by a strict xfail until it is met, so meeting it shows up
here, and a budget keeps what was won (476 KB -> 373 KB for TestFlight's JSON:API controls, -> 286 KB
for output schemas as outlines, optional fields not nullable and shorter generated descriptions,
-> 222 KB for outlines that list only what they check, no maxLength or nested additionalProperties
in listed inputs, titles only where they say more than the name) from coming back.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client

from betaops.server.app import ServerOptions, build_runtime, build_server
from betaops.settings import Settings

pytestmark = pytest.mark.anyio
ALL_GOAL = 150_000
TOOL_GOAL = 4_096
ALL_BUDGET = 230_000  # today's 221,520 bytes (230 tools) plus room for a few tools; 476,245, 373,160, 280,630 before
CONTROLS = ("include", "fieldsets", "include_limits")


async def listed() -> list[dict[str, Any]]:
    settings = Settings(_env_file=None)
    options = ServerOptions(sandbox=True, toolsets=("all",))
    server = build_server(settings, options, build_runtime(settings, options))
    async with Client(server) as client:
        tools = (await client.list_tools()).tools
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]


def size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")).encode())


async def test_all_stays_within_todays_budget() -> None:
    tools = await listed()
    assert len(tools) > 220  # every operation and task
    assert size(tools) <= ALL_BUDGET, f"--toolsets all lists {size(tools)} bytes"


async def test_jsonapi_controls_are_three_compact_inputs_per_tool() -> None:
    for tool in await listed():
        properties: dict[str, Any] = tool["inputSchema"].get("properties", {})
        assert not [p for p in properties if p.startswith(("fields_", "limit_"))], tool["name"]
        controls = sum(size(properties[name]) for name in CONTROLS if name in properties)
        assert controls <= 600, f"{tool['name']}: {controls} bytes of include/fieldsets/include_limits"


@pytest.mark.xfail(
    strict=True,
    reason="goal not met: 222 KB; inputs 140 KB (paging and confirm controls about 34 KB), annotations 24 KB, "
    "output outlines 25 KB, descriptions 21 KB, names and titles 11 KB",
)
async def test_all_is_at_most_150_kb() -> None:
    assert size(await listed()) <= ALL_GOAL


async def test_no_tool_is_over_4_kb() -> None:
    tools = await listed()
    over = {t["name"]: size(t) for t in tools if size(t) > TOOL_GOAL}
    assert not over, over
