"""How many bytes of JSON a `tools/list` costs an assistant, measured through a real MCP client."""

from __future__ import annotations

import json

from mcp import Client
from mcp.server import MCPServer

BUDGET = 25_000  # bytes, for the default surface with every provider configured


async def tools_list_bytes(server: MCPServer) -> tuple[int, int]:
    """(number of tools, bytes of the compact JSON of their definitions)."""
    async with Client(server) as client:
        tools = (await client.list_tools()).tools
    payload = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]
    return len(tools), len(json.dumps(payload, separators=(",", ":")).encode())
