"""Resources: a status document per provider and a summary per test, read-only and secret-free."""

from __future__ import annotations

import json

import pytest
from mcp import Client, MCPError

from betaops.providers.betatesting.simulator.config import SANDBOX_API_KEY
from betaops.server.app import ServerOptions, build_runtime, build_server
from betaops.settings import Settings
from tests.support import Box

pytestmark = pytest.mark.anyio


async def test_provider_status_resource(box: Box, mode: str) -> None:
    async with box.client(mode) as client:
        listed = {str(r.uri) for r in (await client.list_resources()).resources}
        assert "betaops://status/betatesting" in listed
        await client.call_tool("betatesting_list_tests", {})
        read = await client.read_resource("betaops://status/betatesting")
    body = json.loads(read.contents[0].text)  # type: ignore[union-attr]
    assert body["mode"] == "sandbox" and body["rate_limit"]["remaining"] is not None
    assert body["rate_limit"]["write_headroom"] == 30
    assert SANDBOX_API_KEY not in read.contents[0].text  # type: ignore[union-attr]


async def test_test_summary_template(box: Box, mode: str) -> None:
    async with box.client(mode) as client:
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        assert "betatesting://tests/{test_id}/summary" in templates
        read = await client.read_resource("betatesting://tests/4103/summary")
        raw = read.contents[0].text  # type: ignore[union-attr]
        body = json.loads(raw)
        assert body["test"]["id"] == 4103 and body["issues"]["total"] == 172
        # Tester text inside: marked as provider data, and compact (no indentation to pay for).
        assert body["provider_data"].startswith("[provider data") and "\n " not in raw
        with pytest.raises(MCPError):
            await client.read_resource("betatesting://tests/4105/summary")  # another company's test


async def test_testflight_latest_build_template(mode: str) -> None:
    settings = Settings(_env_file=None)
    options = ServerOptions(sandbox=True)
    server = build_server(settings, options, build_runtime(settings, options))
    async with Client(server, mode=mode) as client:
        read = await client.read_resource("testflight://apps/com.northpeak.trailhead/latest-build")
        body = json.loads(read.contents[0].text)  # type: ignore[union-attr]
        assert body["label"] and body["next_step"] and body["provider_data"].startswith("[provider data")
        with pytest.raises(MCPError):
            await client.read_resource("testflight://apps/No%20Such%20App/latest-build")
