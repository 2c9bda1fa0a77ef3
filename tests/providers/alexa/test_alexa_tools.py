"""Every Alexa tool through a real MCP client, in both protocol eras, plus the published surface."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp.types import Tool

from betaops.core.operation import Effect
from betaops.providers.alexa.operations import OPERATIONS
from betaops.providers.alexa.simulator import (
    DEMO_SKILL_ID,
    DRAFT_SKILL_ID,
    EXAMPLE_TESTER,
    LEGACY_SKILL_ID,
    NEW_SKILL_ID,
)
from betaops.providers.alexa.tasks import INVITE_TESTERS
from tests.providers.alexa.helpers import emails
from tests.snapshots import check_snapshots
from tests.support import Box, confirming, make_box, text

pytestmark = pytest.mark.anyio
SNAPSHOTS = Path(__file__).parent / "__toolsnaps__"
EFFECT = {op.tool_name: op.effect for op in OPERATIONS} | {INVITE_TESTERS.tool_name: INVITE_TESTERS.effect}


@pytest.fixture
def box() -> Box:
    return make_box("alexa")


async def listed(box: Box, mode: str = "auto") -> dict[str, Tool]:
    """The Alexa tools (the server may add its own, provider-neutral ones)."""
    async with box.client(mode) as client:
        return {t.name: t for t in (await client.list_tools()).tools if t.name.startswith("alexa_")}


async def approved(box: Box, mode: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run a write the way a human approves it by elicitation; returns the structured result."""
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool(tool, args)
    assert not result.is_error, text(result)
    body = result.structured_content
    assert body is not None and body["status"] == "executed"
    return dict(body)


async def by_token(box: Box, mode: str, tool: str, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Run a write through preview + confirm_token; returns (preview, structured result)."""
    async with box.client(mode) as client:
        first = await client.call_tool(tool, args)
        assert first.structured_content is not None, text(first)
        assert first.structured_content["status"] == "confirmation_required"
        writes_before = box.writes
        done = await client.call_tool(tool, {**args, **confirming(first.structured_content)})
    assert done.structured_content is not None, text(done)
    assert done.structured_content["status"] == "executed", text(done)
    assert box.writes > writes_before or tool == INVITE_TESTERS.tool_name
    return first.structured_content["preview"], done.structured_content


# ------------------------------------------------------------------------ surface


async def test_every_operation_and_the_task_are_tools_with_truthful_annotations(box: Box, mode: str) -> None:
    tools = await listed(box, mode)
    assert set(tools) == set(EFFECT) and len(tools) == 13
    for name, tool in tools.items():
        hints = tool.annotations
        assert hints is not None
        assert hints.read_only_hint is (EFFECT[name] is Effect.READ), name
        assert hints.destructive_hint is (EFFECT[name] is Effect.DESTRUCTIVE), name
        assert hints.open_world_hint is True
        if EFFECT[name] is not Effect.READ:
            assert "confirm_token" in tool.input_schema["properties"], name
    destructive = {n for n, t in tools.items() if t.annotations and t.annotations.destructive_hint}
    assert destructive == {"alexa_end_beta_test", "alexa_remove_beta_testers"}
    idempotent = {n for n, t in tools.items() if t.annotations and t.annotations.idempotent_hint}
    assert idempotent == {
        "alexa_list_vendors",
        "alexa_list_skills",
        "alexa_get_beta_test",
        "alexa_list_beta_testers",
        "alexa_update_beta_test",
        "alexa_remove_beta_testers",
        "alexa_invite_testers",
    }


async def test_inputs_are_typed_and_bounded(box: Box) -> None:
    tools = await listed(box)
    add = tools["alexa_add_beta_testers"].input_schema
    assert add["properties"]["testers"]["items"]["properties"]["emailId"]["format"] == "email"
    skill = add["properties"]["skill_id"]  # an id or a name: checked as an id once resolved
    assert skill["type"] == "string"
    # The listed schema leaves lengths and counts out; describe_operation shows them and the tool refuses.
    many = [{"emailId": f"p{i}@acme.example"} for i in range(501)]
    async with box.client() as client:
        long = await client.call_tool("alexa_get_beta_test", {"skill_id": "x" * 201})
        too_many = await client.call_tool("alexa_add_beta_testers", {"skill_id": DEMO_SKILL_ID, "testers": many})
        described = await client.call_tool("betaops_describe_operation", {"tool": "alexa_add_beta_testers"})
        invite = await client.call_tool("betaops_describe_operation", {"tool": "alexa_invite_testers"})
    assert long.is_error and "skill_id" in text(long) and "200 characters" in text(long)
    assert too_many.is_error and "testers" in text(too_many) and "at most 500" in text(too_many)
    full = described.structured_content["input_schema"]["properties"]["testers"]
    assert full["maxItems"] == 500 and full["minItems"] == 1
    emails = invite.structured_content["input_schema"]["properties"]["emails"]
    assert emails["maxItems"] == 10_000
    assert box.writes == 0


@pytest.mark.parametrize(
    "bad",
    ["../../v1/vendors", "amzn1.ask.skill.x/../../y", "amzn1." + "a" * 123, "skill-without-prefix", "amzn1.ask%2Fx"],
)
async def test_unsafe_skill_ids_never_reach_a_request(box: Box, bad: str) -> None:
    async with box.client() as client:
        result = await client.call_tool("alexa_get_beta_test", {"skill_id": bad})
    assert result.is_error and "skill_id" in text(result)
    # Not an id, so taken as a skill's name: only the skill listings are read, and no skill has it.
    assert {r.path.split("/")[-1] for r in box.state.requests} <= {"token", "vendors", "skills"}


async def test_skill_id_is_required_unless_alexa_skill_id_pins_it(box: Box, monkeypatch: pytest.MonkeyPatch) -> None:
    async with box.client() as client:
        required = (await listed(box))["alexa_get_beta_test"].input_schema.get("required", [])
        missing = await client.call_tool("alexa_get_beta_test", {})
    monkeypatch.setenv("ALEXA_SKILL_ID", DEMO_SKILL_ID)  # pinned: read once, when the server connects
    pinned = make_box("alexa")
    async with pinned.client() as client:
        optional = (await listed(pinned))["alexa_get_beta_test"].input_schema.get("required", [])
        default = await client.call_tool("alexa_get_beta_test", {})
        context = await client.call_tool("betaops_context", {})
    assert "skill_id" in required and missing.is_error and "skill_id" in text(missing)
    assert "skill_id" not in optional
    assert default.structured_content is not None and default.structured_content["status"] == "RUNNING"
    assert context.structured_content is not None
    assert context.structured_content["providers"][0]["pinned"] == {"skill_id": DEMO_SKILL_ID}


async def test_tool_schemas_match_the_committed_snapshots(box: Box) -> None:
    """A change to the public surface must show up as a reviewed diff in __toolsnaps__/."""
    tools = await listed(box)
    check_snapshots(tools, SNAPSHOTS)


# ------------------------------------------------------------------------ each operation


async def test_get_beta_test(box: Box, mode: str) -> None:
    async with box.client(mode) as client:
        result = await client.call_tool("alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})
    body = result.structured_content
    assert body is not None, text(result)
    assert body["status"] == "RUNNING" and body["feedbackEmail"] == "beta-feedback@example.com"
    assert body["invitesRemaining"] == 458 and body["invitationUrl"].startswith("https://skills-store.amazon.com/")
    assert body["expiryDate"] == "2027-01-19T09:00:00.000Z"


async def test_list_beta_testers_keeps_the_documented_fields(box: Box, mode: str) -> None:
    async with box.client(mode) as client:
        result = await client.call_tool("alexa_list_beta_testers", {"skill_id": DEMO_SKILL_ID, "limit": 5})
    body = result.structured_content
    assert body is not None, text(result)
    assert body["items"][0] == {"emailId": EXAMPLE_TESTER["emailId"]} and body["count"] == 5 and body["next_cursor"]
    async with box.client(mode) as client:
        full = await client.call_tool(
            "alexa_list_beta_testers", {"skill_id": DEMO_SKILL_ID, "limit": 1, "fields": ["all"]}
        )
    assert full.structured_content is not None and full.structured_content["items"] == [EXAMPLE_TESTER]


async def test_create_beta_test_by_elicitation(box: Box, mode: str) -> None:
    args = {"skill_id": NEW_SKILL_ID, "feedbackEmail": "fb@example.com"}
    await approved(box, mode, "alexa_create_beta_test", args)
    assert (
        '(skill_id "amzn1.ask.skill.7f3b5d91' in box.asked[0] and 'Set feedbackEmail: "fb@example.com"' in box.asked[0]
    )
    bt = box.state.skills[NEW_SKILL_ID].beta_test
    assert bt is not None and bt.status == "IN_DRAFT" and bt.feedbackEmail == "fb@example.com"


async def test_update_beta_test_by_token(box: Box, mode: str) -> None:
    preview, _ = await by_token(
        box, mode, "alexa_update_beta_test", {"skill_id": DEMO_SKILL_ID, "feedbackEmail": "new@example.com"}
    )
    assert "status RUNNING" in preview
    assert 'Change feedbackEmail: "beta-feedback@example.com" → "new@example.com"' in preview
    assert box.state.skills[DEMO_SKILL_ID].beta_test.feedbackEmail == "new@example.com"


async def test_start_beta_test_then_it_runs(box: Box, mode: str) -> None:
    preview, _ = await by_token(box, mode, "alexa_start_beta_test", {"skill_id": DRAFT_SKILL_ID})
    assert "status IN_DRAFT" in preview
    async with box.client(mode) as client:
        got = await client.call_tool("alexa_get_beta_test", {"skill_id": DRAFT_SKILL_ID})
    assert got.structured_content is not None and got.structured_content["status"] == "RUNNING"
    assert len([m for m in box.state.outbox if m.kind == "invitation"]) == 5


async def test_end_beta_test_is_destructive_and_asks_first(box: Box, mode: str) -> None:
    await approved(box, mode, "alexa_end_beta_test", {"skill_id": LEGACY_SKILL_ID})
    assert "cannot be undone" in box.asked[0] and "status RUNNING" in box.asked[0]
    assert box.state.skills[LEGACY_SKILL_ID].beta_test.status == "STOPPING"


async def test_a_token_is_refused_once_the_beta_test_changed(box: Box, mode: str) -> None:
    async with box.client(mode) as client:
        first = await client.call_tool("alexa_end_beta_test", {"skill_id": LEGACY_SKILL_ID})
        assert first.structured_content is not None
        box.state.skills[LEGACY_SKILL_ID].beta_test.feedbackEmail = "changed@example.com"
        late = await client.call_tool(
            "alexa_end_beta_test",
            {"skill_id": LEGACY_SKILL_ID, **confirming(first.structured_content)},
        )
    assert late.is_error and "target changed" in text(late) and "Nothing was changed" in text(late)
    assert box.writes == 0


async def test_add_beta_testers(box: Box, mode: str) -> None:
    args = {"skill_id": DEMO_SKILL_ID, "testers": [{"emailId": "new.one@example.com"}]}
    preview, _ = await by_token(box, mode, "alexa_add_beta_testers", args)
    assert "new.one@example.com" in preview and "458 invites remaining" in preview
    assert emails(box, DEMO_SKILL_ID)[-1] == "new.one@example.com"


async def test_remove_beta_testers(box: Box, mode: str) -> None:
    await approved(box, mode, "alexa_remove_beta_testers", {"skill_id": DEMO_SKILL_ID, "testers": [EXAMPLE_TESTER_REF]})
    assert "cannot be undone" in box.asked[0]
    assert "example@email.address" not in emails(box, DEMO_SKILL_ID)


EXAMPLE_TESTER_REF = {"emailId": EXAMPLE_TESTER["emailId"]}


async def test_send_reminder_to_testers(box: Box, mode: str) -> None:
    waiting = "demo.tester0003@example.com"
    await by_token(
        box, mode, "alexa_send_reminder_to_testers", {"skill_id": DEMO_SKILL_ID, "testers": [{"emailId": waiting}]}
    )
    assert [(m.kind, m.email) for m in box.state.outbox] == [("reminder", waiting)]


async def test_request_feedback_from_testers(box: Box, mode: str) -> None:
    args = {"skill_id": DEMO_SKILL_ID, "testers": [EXAMPLE_TESTER_REF]}
    await approved(box, mode, "alexa_request_feedback_from_testers", args)
    assert [(m.kind, m.email) for m in box.state.outbox] == [("feedback_request", "example@email.address")]


async def test_declined_writes_change_nothing(box: Box, mode: str) -> None:
    async with box.client(mode, answer="decline") as client:
        result = await client.call_tool(
            "alexa_remove_beta_testers", {"skill_id": DEMO_SKILL_ID, "testers": [EXAMPLE_TESTER_REF]}
        )
    assert result.structured_content is not None and result.structured_content["status"] == "not_executed"
    assert box.writes == 0 and "example@email.address" in emails(box, DEMO_SKILL_ID)


async def test_more_than_500_testers_fail_validation_and_send_nothing(box: Box, mode: str) -> None:
    many = [{"emailId": f"t{n}@example.org"} for n in range(501)]
    async with box.client(mode) as client:
        result = await client.call_tool("alexa_add_beta_testers", {"skill_id": DEMO_SKILL_ID, "testers": many})
    assert result.is_error and "nothing was changed" in text(result)
    assert not box.state.requests
