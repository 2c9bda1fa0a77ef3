"""A small listed surface, yet every operation reachable: context, search, describe, call."""

from __future__ import annotations

import json

import pytest
from mcp import Client

from betaops.providers.betatesting.simulator.config import COMPANY_ID
from betaops.providers.betatesting.simulator.state import BetaTestingState
from betaops.server.app import ServerOptions, build_runtime, build_server
from betaops.settings import Settings
from tests.support import Box, confirming, make_box, text

pytestmark = pytest.mark.anyio


def hardware_test(state: BetaTestingState) -> int:
    return next(t.id for t in state.tests.values() if t.company_id == COMPANY_ID and t.platform == "hardware")


async def test_context_says_what_is_configured(mode: str) -> None:
    box = make_box("betatesting", toolsets=None)
    async with box.client(mode) as client:
        result = await client.call_tool("betaops_context", {})
    body = result.structured_content
    assert body is not None
    assert body["providers"][0]["name"] == "betatesting" and body["providers"][0]["mode"] == "sandbox"
    assert body["reachable_operations"] == 48 and body["listed_tools"] == 6
    assert body["read_only"] is False and body["confirm"] == "auto"


async def test_unlisted_operation_is_found_described_and_called(mode: str) -> None:
    box = make_box("betatesting", toolsets=None)
    async with box.client(mode) as client:
        listed = {t.name for t in (await client.list_tools()).tools}
        assert "betatesting_list_shipments" not in listed
        found = await client.call_tool("betaops_search_operations", {"query": "shipments tracking"})
        assert found.structured_content is not None
        names = [m["tool"] for m in found.structured_content["matches"]]
        assert names[:2] == ["betatesting_list_shipments", "betatesting_update_shipment"] or set(names[:2]) == {
            "betatesting_list_shipments",
            "betatesting_update_shipment",
        }
        described = await client.call_tool("betaops_describe_operation", {"tool": "betatesting_list_shipments"})
        assert described.structured_content is not None
        schema = described.structured_content["input_schema"]
        assert schema["required"] == ["test_id"] and schema["additionalProperties"] is False
        called = await client.call_tool(
            "betaops_read_operation",
            {"tool": "betatesting_list_shipments", "arguments": {"test_id": hardware_test(box.state)}},
        )
    assert called.structured_content is not None, text(called)
    assert called.structured_content["items"]


async def test_call_operation_write_is_guarded_like_a_listed_tool(mode: str) -> None:
    box = make_box("betatesting", toolsets=None)
    test_id = hardware_test(box.state)
    shipment = next(s for s in box.state.shipments.values() if s.test_id == test_id)
    args = {"test_id": test_id, "shipment_id": shipment.id, "carrier": "DHL"}
    request = {"tool": "betatesting_update_shipment", "arguments": args}
    async with box.client(mode, answer="decline") as client:
        declined = await client.call_tool("betaops_write_operation", request)
    assert declined.structured_content is not None and declined.structured_content["status"] == "not_executed"
    async with box.client(mode) as client:
        preview = await client.call_tool("betaops_write_operation", request)
        assert preview.structured_content is not None
        token = confirming(preview.structured_content)
        assert "DHL" in preview.structured_content["preview"] and box.writes == 0
        done = await client.call_tool("betaops_write_operation", {**request, **token})
    assert done.structured_content is not None and done.structured_content["status"] == "executed"
    assert box.state.shipments[shipment.id].carrier == "DHL" and box.writes == 1
    async with box.client(mode, answer="accept") as client:
        accepted = await client.call_tool(
            "betaops_write_operation", {**request, "arguments": {**args, "carrier": "UPS"}}
        )
    assert accepted.structured_content is not None and accepted.structured_content["status"] == "executed"
    assert len(box.asked) == 1 and "UPS" in box.asked[0]
    assert box.writes == 2


async def test_call_operation_refuses_bad_names_and_arguments(box: Box) -> None:
    async with box.client() as client:
        unknown = await client.call_tool("betaops_read_operation", {"tool": "betatesting_drop_database"})
        bad = await client.call_tool(
            "betaops_write_operation", {"tool": "betatesting_delete_issue", "arguments": {"test_id": "../x"}}
        )
    assert unknown.is_error and "search_operations" in text(unknown)
    assert bad.is_error and "Nothing was changed" in text(bad)
    assert box.state.requests == []


async def test_read_only_mode_makes_writes_unreachable_through_discovery() -> None:
    box = make_box("betatesting", read_only=True, toolsets=None)
    async with box.client() as client:
        found = await client.call_tool("betaops_search_operations", {"query": "delete issue"})
        refused = await client.call_tool(
            "betaops_write_operation", {"tool": "betatesting_delete_issue", "arguments": {"test_id": 1, "issue_id": 1}}
        )
    assert found.structured_content is not None
    assert all(m["effect"] == "read" for m in found.structured_content["matches"])
    assert refused.is_error and "Unknown tool" in text(refused) and box.writes == 0 and box.state.requests == []


async def test_pinned_test_lets_inputs_omit_it(monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    monkeypatch.setenv("BETATESTING_TEST_ID", "4103")
    box = make_box("betatesting", toolsets=None)
    async with box.client(mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert "test_id" not in tools["betatesting_list_issues"].input_schema.get("required", [])
        issues = await client.call_tool("betatesting_list_issues", {"limit": 2})
        context = await client.call_tool("betaops_context", {})
    assert issues.structured_content is not None and issues.structured_content["total"] == 172
    assert context.structured_content is not None
    assert context.structured_content["providers"][0]["pinned"] == {"test_id": 4103}
    assert json.dumps(context.structured_content).count("4103") == 1


async def test_pinned_app_and_list_let_inputs_omit_them(monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    monkeypatch.setenv("TESTFLIGHT_APP_ID", "1588204131")
    monkeypatch.setenv("BETASEND_LIST_ID", "5")
    settings = Settings(_env_file=None)
    options = ServerOptions(sandbox=True, toolsets=("all",))
    server = build_server(settings, options, build_runtime(settings, options))
    async with Client(server, mode=mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert "app_id" not in tools["testflight_list_builds_of_app"].input_schema.get("required", [])
        builds = await client.call_tool("testflight_list_builds_of_app", {"limit": 2})
        stats = await client.call_tool("betasend_get_list_statistics", {})
        context = await client.call_tool("betaops_context", {})
    assert builds.structured_content is not None and builds.structured_content["count"] == 2, text(builds)
    assert not stats.is_error, text(stats)
    assert context.structured_content is not None
    pinned = {p["name"]: p["pinned"] for p in context.structured_content["providers"]}
    assert pinned["testflight"] == {"app_id": "1588204131"} and pinned["betasend"] == {"list_id": 5}


async def test_argument_mistakes_read_without_pydantic_urls(mode: str) -> None:
    """Issue 12: a top-level argument mistake named the field, then pointed at errors.pydantic.dev."""
    box = make_box("betatesting", toolsets=None)
    async with box.client(mode) as client:
        missing = await client.call_tool("betaops_read_operation", {"arguments": {}})
        inner = await client.call_tool(
            "betaops_read_operation", {"tool": "betatesting_list_shipments", "arguments": {"test_id": "x"}}
        )
    for result in (missing, inner):
        assert result.is_error and "pydantic.dev" not in text(result), text(result)
    assert "tool" in text(missing) and "test_id" in text(inner)
