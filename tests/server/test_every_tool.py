"""Each of the 43 tools works through a real MCP client against the simulator, in both eras."""

from __future__ import annotations

import pytest

from betaops.core.operation import Operation, Returns
from betaops.providers.betatesting.operations import OPERATIONS
from tests.providers.betatesting.test_simulator import SAMPLES, Ids
from tests.support import make_box, text

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
async def test_tool_runs_and_its_output_matches_the_published_schema(op: Operation, mode: str) -> None:
    box = make_box("betatesting")
    args = SAMPLES[op.name](Ids.of(box.state))
    # The SDK client validates structured content against the tool's outputSchema and raises on a mismatch.
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool(op.tool_name, args)
    assert not result.is_error, text(result)
    body = result.structured_content
    assert body is not None
    if op.is_write:
        assert body["status"] == "executed", body
        assert box.writes == 1
        assert len(box.asked) == 1 and op.title in box.asked[0]
        if op.returns is not Returns.NOTHING:
            assert body["result"]
    else:
        assert box.writes == 0
        if op.returns is Returns.LIST:
            assert body["items"] and body["count"] == len(body["items"])
