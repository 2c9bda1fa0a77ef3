"""`betaops serve --sandbox` as a real subprocess over stdio, in both protocol eras."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from mcp import Client, StdioServerParameters

pytestmark = pytest.mark.anyio


def server_params(*flags: str) -> StdioServerParameters:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BETATESTING_", "BETAOPS_"))}
    return StdioServerParameters(command=sys.executable, args=["-m", "betaops", "serve", *flags], env=env)


async def test_sandbox_server_answers_over_stdio(mode: str) -> None:
    async with Client(server_params("--sandbox"), mode=mode) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        assert {"betatesting_list_tests", "betatesting_update_issues", "betaops_write_operation"} <= tools
        result = await client.call_tool("betatesting_list_tests", {"status": "in_progress"})
        assert not result.is_error
        assert result.structured_content is not None
        assert all(t["status"] == "in_progress" for t in result.structured_content["items"])
        test_id = result.structured_content["items"][0]["id"]
        preview = await client.call_tool("betatesting_change_test_stage", {"test_id": test_id, "stage": "pause"})
        assert preview.structured_content is not None
        assert preview.structured_content["status"] == "confirmation_required"
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        assert "triage-new-issues" in prompts


async def test_read_only_server_over_stdio_lists_no_writes() -> None:
    async with Client(server_params("--sandbox", "--read-only", "--toolsets", "betatesting")) as client:
        tools = (await client.list_tools()).tools
    assert len(tools) == 16 + 1 + 5  # 16 read operations, the issue summary, 4 discovery tools, job status
    assert all(t.annotations and t.annotations.read_only_hint for t in tools)


def test_the_tool_list_is_in_the_same_order_on_every_start() -> None:
    """Issue 12: the list was built from a set, so its order changed with the hash seed of each process."""
    script = (
        "import anyio, json\n"
        "from mcp import Client\n"
        "from betaops.server.app import ServerOptions, build_runtime, build_server\n"
        "from betaops.settings import Settings\n"
        "async def main():\n"
        "    s = Settings(_env_file=None); o = ServerOptions(sandbox=True)\n"
        "    async with Client(build_server(s, o, build_runtime(s, o))) as c:\n"
        "        print(json.dumps([t.name for t in (await c.list_tools()).tools]))\n"
        "anyio.run(main)\n"
    )
    orders = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        orders.add(out.stdout.strip())
    assert len(orders) == 1
