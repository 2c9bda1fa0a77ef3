"""Each of the 142 TestFlight tools runs through a real MCP client against the simulator, in both eras.

Every request the client sends (and every answer) is checked against Apple's OpenAPI subset. One
server is built per module (146 tool schemas take a while); the simulator's state is reset in place
before each call, so every tool sees the seeded team.
"""

from __future__ import annotations

import dataclasses

import pytest

from betaops.core.operation import Operation, Returns
from betaops.providers.testflight.operations import OPERATIONS
from betaops.providers.testflight.simulator.config import SIM_NOW, SimConfig
from betaops.providers.testflight.simulator.seed import build_state
from betaops.sim.clock import FakeClock
from tests.providers.testflight.contract import CHECKED, checker
from tests.providers.testflight.tf_samples import sample
from tests.support import Box, make_box, structured

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def shared() -> Box:
    return make_box(
        "testflight", wrap=CHECKED, sims={"testflight": SimConfig(clock=FakeClock(SIM_NOW), hour_limit=1_000_000)}
    )


@pytest.fixture
def box(shared: Box) -> Box:
    fresh = build_state()
    for f in dataclasses.fields(fresh):
        setattr(shared.state, f.name, getattr(fresh, f.name))
    checker(shared).take()
    shared.asked.clear()
    return shared


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
async def test_tool_runs_against_the_simulator_within_the_contract(op: Operation, mode: str, box: Box) -> None:
    args = sample(op, box.state)
    # The SDK client validates structured content against the tool's outputSchema and raises on a mismatch.
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool(op.tool_name, args)
    assert not result.is_error, result.content
    body = structured(result)
    checker(box).assert_clean()
    if op.is_write:
        assert body["status"] == "executed", body
        assert box.writes == 1
        assert len(box.asked) == 1 and op.title in box.asked[0]
        if op.returns is not Returns.NOTHING:
            assert body["result"]
    else:
        assert box.writes == 0
        if op.returns is Returns.LIST:
            assert body["count"] == len(body["items"])
        else:
            assert body
