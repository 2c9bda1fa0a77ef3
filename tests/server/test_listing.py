"""The shipped listing (`server/listing.py`): tools/list from a file, tools built on their first call.

The file must be what the real path writes now, and a server listing from it must show exactly what
the same server shows when it builds every tool at start, in every configuration.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import replace
from typing import Any

import pytest

from betaops.server import listing
from betaops.server.runtime import ConfirmMode
from tests.support import Box, make_box, structured

pytestmark = pytest.mark.anyio


async def test_the_shipped_listing_is_what_the_tools_are_now() -> None:
    written = listing.dumps(await listing.generate())
    assert listing.PATH.read_text(encoding="utf-8") == written, "out of date: run python -m betaops.server.listing"


async def shown(box: Box, mode: str, apps: bool = False) -> list[dict[str, Any]]:
    async with box.client(mode, apps=apps) as client:
        tools = (await client.list_tools()).tools
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]


CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "default surface": {"toolsets": None},
    "all": {},
    "read-only": {"read_only": True},
    "confirm never": {"confirm": ConfirmMode.NEVER},
    "confirm elicit": {"confirm": ConfirmMode.ELICIT},
}


@pytest.mark.parametrize("config", CONFIGURATIONS)
async def test_a_server_lists_the_same_tools_with_the_file_as_without_it(config: str, mode: str) -> None:
    fields = CONFIGURATIONS[config]
    for apps in (False, True):
        with_file, without = make_box(**fields), make_box(**fields, listing=listing.NOTHING)
        assert await shown(with_file, mode, apps) == await shown(without, mode, apps)
        # What the start read from the file is what the providers' code holds, once imported.
        assert with_file.runtime.catalog.index == without.runtime.catalog.index
        assert list(with_file.runtime.catalog.actions) == list(with_file.runtime.catalog.index)


async def test_a_pinned_input_is_listed_as_pinned(monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    monkeypatch.setenv("BETATESTING_TEST_ID", "4103")
    monkeypatch.setenv("TESTFLIGHT_APP_ID", "1588204131")
    with_file, without = await shown(make_box(), mode), await shown(make_box(listing=listing.NOTHING), mode)
    assert with_file == without
    issues = next(t for t in with_file if t["name"] == "betatesting_list_issues")
    assert "test_id" not in issues["inputSchema"].get("required", [])
    assert "pinned 4103" in issues["inputSchema"]["properties"]["test_id"]["description"]


async def test_a_start_builds_no_tool_model_and_a_call_builds_only_its_own(mode: str) -> None:
    box = make_box()
    async with box.client(mode) as client:
        await client.list_tools()
        assert box.runtime.catalog.built == 0
        page = await client.call_tool("betatesting_list_tests", {"limit": 2})
        again = await client.call_tool("betatesting_list_tests", {"limit": 2})
    assert structured(page) == structured(again) and len(structured(page)["items"]) == 2
    assert box.runtime.catalog.built == 1


def test_a_start_imports_no_operation_and_a_first_call_only_its_providers() -> None:
    """In a fresh interpreter, as `betaops serve` starts: its tool list needs no provider's operations
    or models, and calling a BetaTesting tool imports BetaTesting's alone."""
    script = """
import anyio, sys
from mcp import Client
from betaops.server.app import ServerOptions, build_server
from betaops.settings import Settings

def heavy():
    kinds = ("operations", "models", "tasks", "parts")
    return sorted({m.split(".")[2] for m in sys.modules if m.startswith("betaops.providers.") and m.rsplit(".", 1)[-1] in kinds})

async def main():
    server = build_server(Settings(_env_file=None), ServerOptions(sandbox=True))
    async with Client(server) as client:
        listed = len((await client.list_tools()).tools)
        print(listed, heavy())
        result = await client.call_tool("betatesting_list_tests", {"limit": 1})
        print(result.is_error, heavy())

anyio.run(main)
"""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("BETATESTING_", "TESTFLIGHT_", "ALEXA_", "BETASEND_"))
    }
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    assert out.stdout.splitlines() == ["19 []", "False ['betatesting']"]


async def test_a_tool_that_differs_from_its_listing_says_so_when_first_called(
    caplog: pytest.LogCaptureFixture, mode: str
) -> None:
    shipped = listing.load()
    tests = shipped.tools["betatesting_list_tests"]
    tools = shipped.tools | {
        "betatesting_list_tests": tests | {"inputSchema": {**tests["inputSchema"], "required": ["limit"]}}
    }
    box = make_box("betatesting", listing=replace(shipped, tools=tools))
    with caplog.at_level(logging.WARNING, logger="betaops.server.sdk"):
        async with box.client(mode) as client:
            result = await client.call_tool("betatesting_list_tests", {"limit": 1})
    assert not result.is_error
    assert "betatesting_list_tests differs from the listing" in caplog.text
    assert "python -m betaops.server.listing" in caplog.text
