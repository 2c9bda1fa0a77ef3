"""The TestFlight tool surface: every operation and task listed, truthful annotations, and a schema snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp.types import Tool

from betaops.core.operation import Effect
from betaops.providers.testflight.provider import TESTFLIGHT
from tests.providers.testflight.contract import CHECKED
from tests.snapshots import check_snapshots
from tests.support import make_box

pytestmark = pytest.mark.anyio
SNAPSHOTS = Path(__file__).parent / "__toolsnaps__"
EFFECT: dict[str, Effect] = {a.tool_name: a.effect for a in (*TESTFLIGHT.operations, *TESTFLIGHT.tasks)}


async def listed(mode: str = "auto") -> dict[str, Tool]:
    box = make_box("testflight", wrap=CHECKED)
    async with box.client(mode) as client:
        return {t.name: t for t in (await client.list_tools()).tools if t.name.startswith("testflight_")}


async def test_every_operation_and_task_is_a_tool_with_truthful_annotations(mode: str) -> None:
    tools = await listed(mode)
    assert set(tools) == set(EFFECT) and len(tools) == 147
    for name, tool in tools.items():
        hints = tool.annotations
        assert hints is not None
        assert hints.read_only_hint is (EFFECT[name] is Effect.READ), name
        assert hints.destructive_hint is (EFFECT[name] is Effect.DESTRUCTIVE), name
        if EFFECT[name] is not Effect.READ:
            assert "confirm_token" in tool.input_schema["properties"], name
    assert tools["testflight_remove_testers_from_beta_group"].annotations.destructive_hint  # type: ignore[union-attr]
    assert tools["testflight_delete_beta_tester"].annotations.destructive_hint  # type: ignore[union-attr]
    assert not tools["testflight_create_beta_tester"].annotations.idempotent_hint  # type: ignore[union-attr]


async def test_tool_schemas_match_the_committed_snapshots() -> None:
    """A change to the TestFlight surface shows up as a reviewed diff in __toolsnaps__/."""
    tools = await listed()
    check_snapshots(tools, SNAPSHOTS)
