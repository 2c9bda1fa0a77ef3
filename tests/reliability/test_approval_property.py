"""Property: writes that reach the simulators = distinct approvals that executed, never more.

Hypothesis draws sequences of previews, token confirmations, elicited accepts and declines, replays of
tokens and of accepted 2026-07-28 rounds, process restarts (a new runtime over the same approval
store and secret) and target changes (another approved write to the same target) over all four
providers' simulators. Whatever the order, every approval acts at most once, a decline acts never,
and a replay or a restart never adds a write.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.client.session import ClientRequestContext
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult, InputRequiredResult

from betaops.core.approvals import SqliteApprovals
from betaops.core.confirm import ConfirmationTokens
from betaops.server.app import ServerOptions, build_server
from betaops.server.runtime import Runtime
from betaops.settings import Settings
from tests.reliability.test_guard_abuse import WRITES
from tests.support import TOKEN_SECRET, Box, confirming, make_box

Step = tuple[str, int, str]  # (kind, write index, variant)

STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["preview", "confirm", "replay_token", "accept", "decline", "round", "replay_round", "restart"]
        ),
        st.integers(0, len(WRITES) - 1),
        st.sampled_from(["a", "b"]),
    ),
    min_size=3,
    max_size=14,
)

_FLEET: dict[str, Box] = {}
_RUN = itertools.count()


async def _accept(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="accept", content={"approve": True})


async def _decline(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="decline")


def accepted(answers: dict[str, ElicitResult]) -> dict[str, Any]:
    return dict(answers)


def _fresh(result: CallToolResult) -> bool:
    data = result.structured_content or {}
    return data.get("status") == "executed" and not data.get("replayed")


class World:
    """One fleet, its approval store on disk, and what the sequence has approved so far."""

    def __init__(self, fleet: Box, store: Path) -> None:
        self.fleet = fleet
        self.store = store
        self.fresh: dict[str, int] = {}  # approval (token or round) -> fresh executions reported
        self.tokens: list[tuple[int, str, dict[str, Any]]] = []
        self.rounds: list[tuple[int, str, InputRequiredResult, dict[str, Any]]] = []
        self.executed = 0
        self.server = fleet.server
        self.restart()

    def restart(self) -> None:
        """A new process: new runtime and server over the same simulators, secret and approval store."""
        old = self.fleet.runtime
        runtime = Runtime(
            connections=old.connections,
            tokens=ConfirmationTokens(TOKEN_SECRET, clock=self.fleet.token_clock),
            toolsets=old.toolsets,
            approvals=SqliteApprovals(self.store),
        )
        self.server = build_server(Settings(_env_file=None), ServerOptions(), runtime)

    def client(self, answer: Any = None) -> Client:
        return Client(self.server, mode="auto", elicitation_callback=answer)

    def count(self, approval: str, result: CallToolResult) -> None:
        if _fresh(result):
            self.fresh[approval] = self.fresh.get(approval, 0) + 1
            self.executed += 1

    async def step(self, kind: str, index: int, variant: str) -> None:
        write = WRITES[index]
        args = write.args(self.fleet, variant)
        if kind == "restart":
            self.restart()
        elif kind == "preview":
            async with self.client() as client:
                preview = await client.call_tool(write.tool, args)
            if (preview.structured_content or {}).get("confirm_token"):
                self.tokens.append((index, write.tool, {**args, **confirming(preview)}))
        elif kind in ("confirm", "replay_token") and self.tokens:
            _, tool, confirmed = self.tokens[index % len(self.tokens)]
            async with self.client() as client:
                self.count(confirmed["confirm_token"], await client.call_tool(tool, confirmed))
        elif kind in ("accept", "decline"):
            async with self.client(_accept if kind == "accept" else _decline) as client:
                result = await client.call_tool(write.tool, args)
            if kind == "decline":
                assert not _fresh(result), result
            self.count(f"elicit-{next(_RUN)}", result)
        elif kind == "round":
            async with self.client(_accept) as client:
                first = await client.session.call_tool(write.tool, args, allow_input_required=True)
                if not isinstance(first, InputRequiredResult):
                    return
                answers = {
                    k: ElicitResult(action="accept", content={"approve": True}) for k in first.input_requests or {}
                }
                answered = await client.session.call_tool(
                    write.tool,
                    args,
                    input_responses=accepted(answers),
                    request_state=first.request_state,
                    allow_input_required=True,
                )
            assert first.request_state is not None
            self.rounds.append((index, write.tool, first, args))
            if isinstance(answered, CallToolResult):
                self.count(first.request_state, answered)
        elif kind == "replay_round" and self.rounds:
            _, tool, first, round_args = self.rounds[index % len(self.rounds)]
            answers = {k: ElicitResult(action="accept", content={"approve": True}) for k in first.input_requests or {}}
            async with self.client(_accept) as client:
                replayed = await client.session.call_tool(
                    tool,
                    round_args,
                    input_responses=accepted(answers),
                    request_state=first.request_state,
                    allow_input_required=True,  # asked again when the target changed since: nothing ran
                )
            if isinstance(replayed, CallToolResult):
                assert first.request_state is not None
                self.count(first.request_state, replayed)


def _fleet() -> Box:
    if "all" not in _FLEET:
        _FLEET["all"] = make_box()
    fleet = _FLEET["all"]
    fleet.reset()
    return fleet


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its whole sequence
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_writes_equal_distinct_executed_approvals(steps: list[Step]) -> None:
    fleet = _fleet()
    before = fleet.writes
    with tempfile.TemporaryDirectory() as tmp:
        world = World(fleet, Path(tmp) / "approvals.sqlite3")

        async def run() -> None:
            for kind, index, variant in steps:
                await world.step(kind, index, variant)

        anyio.run(run)
    assert all(n == 1 for n in world.fresh.values()), world.fresh  # no approval acted twice
    assert fleet.writes - before == world.executed, (steps, world.fresh)


pytestmark = pytest.mark.timeout(600)
