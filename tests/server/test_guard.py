"""The confirmation guard: nothing changes at the provider unless a human approved this exact change."""

from __future__ import annotations

from typing import Any

import pytest

from betaops.providers.betatesting.simulator.config import COMPANY_ID
from betaops.server.runtime import ConfirmMode
from tests.support import Box, confirming, make_box, text

pytestmark = pytest.mark.anyio


def an_issue(box: Box, **where: str) -> Any:
    tests = {t.id for t in box.state.tests.values() if t.company_id == COMPANY_ID}
    return next(
        i for i in box.state.issues.values() if i.test_id in tests and all(getattr(i, k) == v for k, v in where.items())
    )


def update_args(issue: Any, priority: str = "critical") -> dict[str, Any]:
    return {"test_id": issue.test_id, "issue_id": issue.id, "priority": priority}


async def test_elicitation_accept_changes_exactly_what_was_shown(box: Box, mode: str) -> None:
    issue = an_issue(box, priority="low")
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool("betatesting_update_issue", update_args(issue))
    assert not result.is_error, text(result)
    assert result.structured_content is not None
    assert result.structured_content["status"] == "executed"
    assert result.structured_content["result"]["priority"] == "critical"
    assert box.state.issues[issue.id].priority == "critical"
    assert len(box.asked) == 1
    assert issue.title in box.asked[0] and 'Change priority: "low" → "critical".' in box.asked[0]
    assert "priority low" in box.asked[0]  # the current state, fetched before asking
    assert box.writes == 1


@pytest.mark.parametrize("answer", ["decline", "cancel"])
async def test_elicitation_decline_or_cancel_changes_nothing(box: Box, mode: str, answer: str) -> None:
    issue = an_issue(box, priority="low")
    async with box.client(mode, answer=answer) as client:
        result = await client.call_tool("betatesting_delete_issue", {"test_id": issue.test_id, "issue_id": issue.id})
    assert result.structured_content is not None
    assert result.structured_content["status"] == "not_executed"
    assert "Nothing was changed" in result.structured_content["message"]
    assert issue.id in box.state.issues
    assert "cannot be undone" in box.asked[0]
    assert box.writes == 0


async def test_accepting_with_approve_false_changes_nothing(box: Box, mode: str) -> None:
    issue = an_issue(box)
    async with box.client(mode, answer="accept", approve=False) as client:
        result = await client.call_tool("betatesting_delete_issue", {"test_id": issue.test_id, "issue_id": issue.id})
    assert result.structured_content is not None
    assert result.structured_content["status"] == "not_executed"
    assert box.writes == 0


async def preview(box: Box, mode: str, args: dict[str, Any], tool: str = "betatesting_update_issue") -> dict[str, Any]:
    async with box.client(mode) as client:
        result = await client.call_tool(tool, args)
    assert result.structured_content is not None, text(result)
    assert result.structured_content["status"] == "confirmation_required"
    assert "Nothing was changed" in result.structured_content["message"]
    token = confirming(result.structured_content)
    assert isinstance(token, dict)
    return token


async def test_token_path_previews_then_executes_once(box: Box, mode: str) -> None:
    issue = an_issue(box, priority="low")
    args = update_args(issue)
    async with box.client(mode) as client:
        first = await client.call_tool("betatesting_update_issue", args)
        assert first.structured_content is not None
        assert issue.title in first.structured_content["preview"]
        assert box.writes == 0
        token = confirming(first.structured_content)
        done = await client.call_tool("betatesting_update_issue", {**args, **token})
        assert done.structured_content is not None and done.structured_content["status"] == "executed"
        again = await client.call_tool("betatesting_update_issue", {**args, **token})
    # The same token again is the same approval: nothing new is sent, the first outcome comes back.
    assert again.structured_content is not None and again.structured_content["replayed"] is True
    assert "already used" in again.structured_content["message"]
    assert again.structured_content["result"]["priority"] == "critical"
    assert box.state.issues[issue.id].priority == "critical"
    assert box.writes == 1


async def test_token_for_other_arguments_executes_nothing(box: Box, mode: str) -> None:
    issue = an_issue(box, priority="low")
    token = await preview(box, mode, update_args(issue, "high"))
    async with box.client(mode) as client:
        swapped = await client.call_tool("betatesting_update_issue", {**update_args(issue, "trivial"), **token})
        other_issue = an_issue(box, priority="medium")
        moved = await client.call_tool("betatesting_update_issue", {**update_args(other_issue, "high"), **token})
        other_tool = await client.call_tool(
            "betatesting_delete_issue", {"test_id": issue.test_id, "issue_id": issue.id, **token}
        )
    for result in (swapped, moved, other_tool):
        assert result.is_error and "different tool or different arguments" in text(result)
    assert box.writes == 0


async def test_forged_and_expired_tokens_execute_nothing(box: Box, mode: str) -> None:
    issue = an_issue(box, priority="low")
    args = update_args(issue)
    token = await preview(box, mode, args)
    head, sig = token["confirm_token"].split(".")
    forged = head + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
    async with box.client(mode) as client:
        bad = await client.call_tool("betatesting_update_issue", {**args, **token, "confirm_token": forged})
        junk = await client.call_tool("betatesting_update_issue", {**args, **token, "confirm_token": "not-a-token"})
        box.token_clock.advance(601)
        late = await client.call_tool("betatesting_update_issue", {**args, **token})
    assert bad.is_error and "not valid" in text(bad)
    assert junk.is_error and "not valid" in text(junk)
    assert late.is_error and "expired" in text(late)
    assert box.writes == 0


async def test_token_refused_when_target_changed_since_preview(box: Box, mode: str) -> None:
    issue = an_issue(box, priority="low")
    args = update_args(issue)
    token = await preview(box, mode, args)
    record = box.state.issues[issue.id]
    record.status = "retest" if record.status != "retest" else "to_do"  # someone else triaged it meanwhile
    async with box.client(mode) as client:
        result = await client.call_tool("betatesting_update_issue", {**args, **token})
    assert result.is_error and "target changed" in text(result)
    assert box.state.issues[issue.id].priority == "low"
    assert box.writes == 0


async def test_token_from_another_server_secret_is_refused(mode: str) -> None:
    first, second = make_box("betatesting"), make_box("betatesting")
    second.runtime.tokens = type(second.runtime.tokens)(b"another-secret-0123456789", clock=second.token_clock)
    issue = an_issue(first, priority="low")
    token = await preview(first, mode, update_args(issue))
    async with second.client(mode) as client:
        result = await client.call_tool("betatesting_update_issue", {**update_args(issue), **token})
    assert result.is_error and "not valid" in text(result)
    assert second.writes == 0


async def test_confirm_never_executes_at_once(mode: str) -> None:
    box = make_box("betatesting", confirm=ConfirmMode.NEVER)
    issue = an_issue(box, priority="low")
    async with box.client(mode) as client:
        result = await client.call_tool("betatesting_update_issue", update_args(issue))
    assert result.structured_content is not None and result.structured_content["status"] == "executed"
    assert box.writes == 1


async def test_every_write_sends_an_idempotency_key(box: Box) -> None:
    issue = an_issue(box, priority="low")
    async with box.client(answer="accept") as client:
        await client.call_tool("betatesting_update_issue", update_args(issue))
    assert next(w.idempotency_key for w in box.state.write_log)
    assert box.state.write_log[0].idempotency_key.startswith("betaops-")
