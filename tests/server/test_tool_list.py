"""The public tool surface: names, annotations that tell the truth, strict schemas, and a snapshot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mcp.types import Tool

from betaops.core.operation import Effect
from betaops.providers.betatesting.operations import OPERATIONS
from betaops.providers.betatesting.tasks import TASKS
from betaops.server.runtime import ConfirmMode
from tests.snapshots import check_snapshots
from tests.support import Box, make_box, text

pytestmark = pytest.mark.anyio
SNAPSHOTS = Path(__file__).parent / "__toolsnaps__"
EFFECT = {op.tool_name: op.effect for op in OPERATIONS} | {task.tool_name: task.effect for task in TASKS}


async def listed(box: Box, mode: str = "auto") -> dict[str, Tool]:
    async with box.client(mode) as client:
        return {t.name: t for t in (await client.list_tools()).tools}


META = {
    "betaops_context",
    "betaops_job_status",
    "betaops_search_operations",
    "betaops_describe_operation",
    "betaops_read_operation",
    "betaops_write_operation",
    "betaops_invite_testers",
}


async def test_every_operation_is_a_tool_with_truthful_annotations(box: Box, mode: str) -> None:
    tools = await listed(box, mode)
    assert set(tools) == set(EFFECT) | META
    assert len(EFFECT) == 43 + 4
    for name, tool in tools.items():
        hints = tool.annotations
        assert hints is not None
        explicit = hints.model_dump(exclude_unset=True)
        for hint in ("read_only_hint", "destructive_hint", "idempotent_hint", "open_world_hint"):
            assert hint in explicit, f"{name} leaves {hint} to the client's default"
        assert tool.description and len(tool.description) < 500
        if name in META:
            continue
        assert hints.read_only_hint is (EFFECT[name] is Effect.READ), name
        assert hints.destructive_hint is (EFFECT[name] is Effect.DESTRUCTIVE), name
        assert hints.open_world_hint is True


async def test_a_title_is_listed_only_where_it_says_more_than_the_name(box: Box) -> None:
    tools = await listed(box)
    assert tools["betatesting_list_tests"].title is None  # "List tests": the client shows the name
    assert tools["betatesting_invite_testers"].title == "Add testers to your community"
    assert tools["betaops_context"].title == "What is configured"


async def test_discovery_tools_say_what_they_may_do(box: Box) -> None:
    tools = await listed(box)
    for name in META - {"betaops_write_operation", "betaops_invite_testers"}:
        assert tools[name].annotations.read_only_hint is True  # type: ignore[union-attr]
    call = tools["betaops_write_operation"].annotations
    assert call is not None and call.read_only_hint is False and call.destructive_hint is True
    read_only = await listed(make_box("betatesting", read_only=True))
    assert "betaops_write_operation" not in read_only  # nothing to write: the tool is not offered
    assert read_only["betaops_read_operation"].annotations.read_only_hint is True  # type: ignore[union-attr]


async def test_deletes_are_destructive_and_reads_are_idempotent(box: Box) -> None:
    tools = await listed(box)
    destructive = {n for n, t in tools.items() if t.annotations and t.annotations.destructive_hint} - META
    assert destructive == {
        "betatesting_delete_issue",
        "betatesting_remove_tester",
        "betatesting_delete_activity",
        "betatesting_delete_activity_item",
    }
    assert tools["betatesting_list_issues"].annotations.idempotent_hint is True  # type: ignore[union-attr]
    assert tools["betatesting_send_message_to_testers"].annotations.idempotent_hint is False  # type: ignore[union-attr]


# Controls every list or write has; the server's instructions say what they do, so their names suffice.
CONTROLS = {"cursor", "limit", "confirm_token", "confirm_summary"}


async def test_schemas_are_strict_described_and_flat(box: Box) -> None:
    for name, tool in (await listed(box)).items():
        schema = tool.input_schema
        assert re.fullmatch(r"(betatesting|betaops)_[a-z0-9_]+", name)
        assert schema["type"] == "object", name
        assert not {"anyOf", "oneOf", "allOf"} & set(schema), name
        for prop, spec in schema.get("properties", {}).items():
            assert prop in CONTROLS or spec.get("description"), f"{name}.{prop} has no description"
        # Every BetaTesting answer has required fields; a betaops tool whose outline would be only
        # `{"type": "object"}` lists none (its answer is structured all the same).
        assert name.startswith("betaops_") or tool.output_schema is not None, name
        if EFFECT.get(name, Effect.READ) is not Effect.READ:
            assert "confirm_token" in schema["properties"], name
            assert "approval" not in schema["properties"], name


async def test_a_misspelt_argument_is_refused_by_name(box: Box) -> None:
    """The listed schema leaves out `additionalProperties: false` (issue 14's byte budget); the input
    model still refuses any argument the tool does not take, naming it and the ones it takes, and
    nothing is sent; the same through discovery."""
    async with box.client() as client:
        wrong = await client.call_tool("betatesting_list_tests", {"limt": 3})
        write = await client.call_tool("betatesting_update_issue", {"test_id": 1, "issue_id": 1, "stauts": "complete"})
        found = await client.call_tool(
            "betaops_read_operation", {"tool": "betatesting_list_tests", "arguments": {"page_size": 5}}
        )
    for result, field in ((wrong, "'limt'"), (write, "'stauts'"), (found, "'page_size'")):
        assert result.is_error and f"no argument {field}; it takes:" in text(result)
    assert "it takes: status, cursor, limit, fields" in text(wrong)
    assert "status" in text(write).split("it takes:")[1]
    assert not box.state.requests


async def test_id_and_enum_inputs_are_typed(box: Box) -> None:
    tools = await listed(box)
    props = tools["betatesting_update_issue"].input_schema["properties"]
    assert props["issue_id"]["minimum"] == 1 and props["issue_id"]["type"] == "integer"
    # Optional: leave it out (the listed schema does not spell null; describe_operation does, and null is accepted).
    assert props["priority"]["enum"] == ["critical", "high", "medium", "low", "trivial"]
    bulk = tools["betatesting_create_community_testers"].input_schema
    assert bulk["properties"]["testers"]["items"]["properties"]["email"]["format"] == "email"
    listing = tools["betatesting_list_issues"].input_schema
    assert listing["$defs"]["SortOrder"]["enum"] == ["asc", "desc"]  # shared definitions stay shared


async def test_read_only_mode_registers_no_write_tool(mode: str) -> None:
    box = make_box("betatesting", read_only=True)
    tools = await listed(box, mode)
    assert tools and all(t.annotations and t.annotations.read_only_hint for t in tools.values())
    assert "betatesting_update_issue" not in tools
    async with box.client(mode) as client:
        result = await client.call_tool("betatesting_delete_issue", {"test_id": 1, "issue_id": 1})
    assert result.is_error
    assert box.writes == 0


async def test_default_surface_is_the_core_tools_plus_discovery() -> None:
    tools = await listed(make_box("betatesting", toolsets=None))
    assert set(tools) - META == {
        "betatesting_list_tests",
        "betatesting_change_test_stage",
        "betatesting_summarize_issues",
        "betatesting_list_issues",
        "betatesting_update_issues",
    }
    only = await listed(make_box("betatesting", toolsets=("betatesting.issues",)))
    assert set(only) - META == {n for n in EFFECT if "issue" in n}


async def test_confirm_never_drops_the_token_argument() -> None:
    tools = await listed(make_box("betatesting", confirm=ConfirmMode.NEVER))
    assert "confirm_token" not in tools["betatesting_update_issue"].input_schema["properties"]


async def test_tool_schemas_match_the_committed_snapshots(box: Box) -> None:
    """A change to the public surface must show up as a reviewed diff in __toolsnaps__/."""
    tools = await listed(box)
    check_snapshots(tools, SNAPSHOTS)
