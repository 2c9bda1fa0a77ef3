"""`--toolsets all`: every tool listed, measured in bytes of compact JSON (deterministic; no timing here).

The goals (issue 14) are at most 150 KB for the whole list and no tool over 4 KB. Won so far:
476 KB -> 373 KB for TestFlight's JSON:API controls, -> 286 KB for output schemas as outlines,
optional fields not nullable and shorter generated descriptions, -> 222 KB for outlines that list
only what they check, no maxLength or nested additionalProperties in listed inputs, titles only
where they say more than the name, -> 149 KB for one `limit` instead of page_size/all_pages/
max_items, listed inputs without the constraints the input model enforces, outlines without enums,
no descriptions that restate a field's name, and no `{"type": "object"}` output schemas.
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


async def test_jsonapi_controls_are_three_compact_inputs_per_tool() -> None:
    for tool in await listed():
        properties: dict[str, Any] = tool["inputSchema"].get("properties", {})
        assert not [p for p in properties if p.startswith(("fields_", "limit_"))], tool["name"]
        controls = sum(size(properties[name]) for name in CONTROLS if name in properties)
        assert controls <= 600, f"{tool['name']}: {controls} bytes of include/fieldsets/include_limits"


async def test_all_is_at_most_150_kb_and_lists_every_operation() -> None:
    tools = await listed()
    assert len(tools) > 220  # every operation and task
    assert size(tools) <= ALL_GOAL, f"--toolsets all lists {size(tools)} bytes"


async def test_no_tool_is_over_4_kb() -> None:
    tools = await listed()
    over = {t["name"]: size(t) for t in tools if size(t) > TOOL_GOAL}
    assert not over, over
