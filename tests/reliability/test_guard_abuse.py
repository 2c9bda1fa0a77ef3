"""Abusing the confirmation guard at every provider: nothing executes that a human did not approve.

`tests/server/test_guard.py` covers BetaTesting in depth; this runs the same attacks against one
write of each provider (TestFlight, Alexa and Betasend honour no idempotency key, BetaTesting
does): forged, junk, expired, replayed and argument-swapped tokens, a token raced against itself,
decline and cancel, and a confirmed call repeated after its response was lost. The simulators'
write logs must show zero unintended writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.types import CallToolResult

from betaops.providers.alexa.simulator import DEMO_SKILL_ID
from tests.providers.betatesting.test_simulator import Ids
from tests.support import Box, confirming, make_box, text

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Write:
    provider: str
    tool: str
    args: Callable[[Box, str], dict[str, Any]]  # (fleet, variant) -> arguments
    method: str  # of the write request, to aim a fault at it (not at the preview's read)
    path: str
    keyed: bool  # the provider replays a repeated Idempotency-Key


def _issue(fleet: Box, variant: str) -> dict[str, Any]:
    ids = Ids.of(fleet["betatesting"].state)
    return {"test_id": ids.test, "issue_id": ids.issue, "priority": {"a": "critical", "b": "trivial"}[variant]}


WRITES = [
    Write("betatesting", "betatesting_update_issue", _issue, "PATCH", "/issues/", True),
    Write(
        "testflight",
        "testflight_update_beta_group",
        lambda f, v: {"beta_group_id": f["testflight"].state.ids["trailhead.pilots"], "name": f"Pilots {v}"},
        "PATCH",
        "/betaGroups/",
        False,
    ),
    Write(
        "alexa",
        "alexa_update_beta_test",
        lambda f, v: {"skill_id": DEMO_SKILL_ID, "feedbackEmail": f"{v}@example.com"},
        "PUT",
        "/betaTest",
        False,
    ),
    Write(
        "betasend",
        "betasend_update_list",
        lambda f, v: {"list_id": 5, "list_name": f"List {v}"},
        "POST",
        "/list-update",
        False,
    ),
]
# Writes whose preview reads nothing (no target): a repeat cannot be caught by "the target changed".
UNTARGETED = [
    Write(
        "betatesting",
        "betatesting_create_test",
        lambda f, v: {"name": f"Pantry Pal {v}", "platform": "ios"},
        "POST",
        "/tests",
        True,
    ),
    Write(
        "testflight",
        "testflight_send_tester_invitation",
        lambda f, v: {
            "app_id": f["testflight"].state.ids["trailhead"],
            "beta_tester_id": f["testflight"].state.ids["trailhead.tester.first_external"],
        },
        "POST",
        "/betaTesterInvitations",
        False,
    ),
    Write(
        "betasend",
        "betasend_send_reply_email_verification",
        lambda f, v: {"email": "from@acme.example"},
        "POST",
        "/verify-reply-email",
        False,
    ),
]
IDS = [w.provider for w in WRITES]


@pytest.fixture(scope="module")
def fleets() -> dict[str, Box]:
    return {}


@pytest.fixture
def fleet_for(fleets: dict[str, Box]) -> Callable[[Write], Box]:
    """A fresh fleet over one provider (built once per module, reset for each test)."""

    def get(write: Write) -> Box:
        if write.provider not in fleets:
            fleets[write.provider] = make_box(write.provider)
        fleet = fleets[write.provider]
        fleet.reset()
        return fleet

    return get


async def preview(client: Client, write: Write, args: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(write.tool, args)
    body = result.structured_content
    assert body is not None and body["status"] == "confirmation_required", text(result)
    token = confirming(body)
    assert isinstance(token, dict)
    return token


def first_outcome(result: CallToolResult) -> None:
    """A repeat of a used approval: nothing new was sent, the first outcome came back."""
    body = result.structured_content
    assert body is not None and body["replayed"] is True and "already used" in body["message"], text(result)


def not_repeated(result: CallToolResult) -> None:
    """A repeat of an approval whose outcome is unknown, where no key lets the provider replay it."""
    body = result.structured_content
    assert body is not None and body["status"] == "not_executed", text(result)
    assert "outcome is not known" in body["message"] and "Nothing was changed" in body["message"], text(result)


def refused(result: CallToolResult, why: str) -> None:
    assert result.is_error and why in text(result) and "Nothing was changed" in text(result), text(result)


@pytest.mark.parametrize("write", WRITES, ids=IDS)
async def test_forged_junk_and_expired_tokens_execute_nothing(
    mode: str, write: Write, fleet_for: Callable[[Write], Box]
) -> None:
    fleet = fleet_for(write)
    args = write.args(fleet, "a")
    async with fleet.client(mode) as client:
        token = await preview(client, write, args)
        head, sig = token["confirm_token"].split(".")
        forged_sig = head + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
        forged_head = ("A" if head[0] != "A" else "B") + head[1:] + "." + sig
        for bad in (forged_sig, forged_head, "not-a-token", token["confirm_token"] + "x", "." * 3):
            refused(await client.call_tool(write.tool, {**args, **token, "confirm_token": bad}), "not valid")
        fleet.token_clock.advance(601)
        refused(await client.call_tool(write.tool, {**args, **token}), "expired")
    assert not fleet[write.provider].write_log


@pytest.mark.parametrize("write", WRITES, ids=IDS)
async def test_a_token_works_once_for_exactly_its_arguments(
    mode: str, write: Write, fleet_for: Callable[[Write], Box]
) -> None:
    fleet = fleet_for(write)
    args, other = write.args(fleet, "a"), write.args(fleet, "b")
    async with fleet.client(mode) as client:
        token = await preview(client, write, args)
        refused(
            await client.call_tool(write.tool, {**other, **token}),
            "different tool or different arguments",
        )
        assert not fleet[write.provider].write_log
        done = await client.call_tool(write.tool, {**args, **token})
        assert done.structured_content is not None and done.structured_content["status"] == "executed", text(done)
        first_outcome(await client.call_tool(write.tool, {**args, **token}))
    assert len(fleet[write.provider].write_log) == 1


async def test_a_token_is_refused_by_every_other_tool(mode: str) -> None:
    fleet = make_box()
    async with fleet.client(mode) as client:
        tokens = {w.tool: (await preview(client, w, w.args(fleet, "a"))) for w in WRITES}
        for write in WRITES:
            for tool, token in tokens.items():
                if tool != write.tool:
                    result = await client.call_tool(write.tool, {**write.args(fleet, "a"), **token})
                    refused(result, "different tool or different arguments")
    assert fleet.writes == 0


@pytest.mark.parametrize("write", WRITES, ids=IDS)
async def test_one_token_raced_against_itself_executes_once(
    mode: str, write: Write, fleet_for: Callable[[Write], Box]
) -> None:
    fleet = fleet_for(write)
    args = write.args(fleet, "a")
    outcomes: list[CallToolResult] = []
    async with fleet.client(mode) as client:
        token = await preview(client, write, args)

        async def redeem() -> None:
            outcomes.append(await client.call_tool(write.tool, {**args, **token}))

        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(redeem)
    fresh = [r for r in outcomes if (r.structured_content or {}).get("status") == "executed"]
    fresh = [r for r in fresh if not (r.structured_content or {}).get("replayed")]
    assert len(fresh) == 1, [text(r) for r in outcomes]
    for other in (r for r in outcomes if r is not fresh[0]):  # in flight, or already done: nothing new sent
        body = other.structured_content or {}
        assert body.get("replayed") is True or body.get("status") == "not_executed", text(other)
    assert len(fleet[write.provider].write_log) == 1


@pytest.mark.parametrize("write", WRITES, ids=IDS)
@pytest.mark.parametrize(("answer", "approve"), [("decline", True), ("cancel", True), ("accept", False)])
async def test_decline_cancel_or_disapprove_changes_nothing(
    mode: str, write: Write, answer: str, approve: bool, fleet_for: Callable[[Write], Box]
) -> None:
    fleet = fleet_for(write)
    async with fleet.client(mode, answer=answer, approve=approve) as client:
        result = await client.call_tool(write.tool, write.args(fleet, "a"))
    body = result.structured_content
    assert body is not None and body["status"] == "not_executed", text(result)
    assert "Nothing was changed" in body["message"] and len(fleet.asked) == 1
    assert not fleet[write.provider].write_log


@pytest.mark.parametrize("write", WRITES + UNTARGETED, ids=[*IDS, *(w.tool for w in UNTARGETED)])
async def test_a_confirmed_call_repeated_after_a_timeout_writes_once(
    mode: str, write: Write, fleet_for: Callable[[Write], Box]
) -> None:
    """The response is lost after the provider acted; the assistant repeats the exact confirmed call."""
    fleet = fleet_for(write)
    sim = fleet[write.provider]
    args = write.args(fleet, "a")
    async with fleet.client(mode) as client:
        token = await preview(client, write, args)
        # Every attempt of the write loses its answer (a keyed write is retried under its key).
        sim.faults.queue("timeout_after_execute", 4, method=write.method, path=write.path)
        lost = await client.call_tool(write.tool, {**args, **token})
        assert lost.is_error and "outcome is unknown" in text(lost), text(lost)
        assert len(sim.write_log) == 1
        sim.faults.clear()
        again = await client.call_tool(write.tool, {**args, **token})
        if not write.keyed:
            # No key to replay under: the approval stays spent, and nothing new is sent.
            not_repeated(again)
        else:
            # The same approval, repeated under the same key: the provider replays its first answer.
            body = again.structured_content
            assert body is not None and body["status"] == "executed" and body["replayed"] is True, text(again)
            assert "not done twice" in body["message"]
    assert len(sim.write_log) == 1


@pytest.mark.parametrize("write", WRITES, ids=IDS)
async def test_a_timeout_before_the_provider_acted_still_writes_at_most_once(
    mode: str, write: Write, fleet_for: Callable[[Write], Box]
) -> None:
    fleet = fleet_for(write)
    sim = fleet[write.provider]
    args = write.args(fleet, "a")
    async with fleet.client(mode) as client:
        token = await preview(client, write, args)
        sim.faults.queue("timeout", 1, method=write.method, path=write.path)
        first = await client.call_tool(write.tool, {**args, **token})
        again = await client.call_tool(write.tool, {**args, **token})
        if not write.keyed:
            assert first.is_error and "outcome is unknown" in text(first)
            assert not sim.write_log
            not_repeated(again)
            token = await preview(client, write, args)
            again = await client.call_tool(write.tool, {**args, **token})
        # Keyed: the client retried under the key at once; either way exactly one write happened.
        for result in (first, again):
            assert result.is_error or (result.structured_content or {}).get("status") in ("executed", "not_executed")
    assert len(sim.write_log) == 1
