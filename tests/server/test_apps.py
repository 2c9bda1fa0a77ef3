"""MCP Apps: the approval card's click is the approval, its nonce reaches only the app, and a client
without Apps sees exactly what it saw before (both protocol eras)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from mcp.server.apps import APP_MIME_TYPE
from mcp.types import CallToolResult

from betaops.server.apps import APPROVAL_META, APPROVE_TOOL, BOARD, BOARD_META, CARD, REPORT
from betaops.server.runtime import ConfirmMode
from tests.server.test_guard import an_issue, update_args
from tests.support import Box, confirming, make_box, text

pytestmark = pytest.mark.anyio


def sealed(result: CallToolResult) -> str:
    assert result.meta is not None and APPROVAL_META in result.meta, result
    value: str = result.meta[APPROVAL_META]
    return value


def nonce_of(approval: str) -> str:
    token = json.loads(base64.urlsafe_b64decode(approval))["k"]
    head = token.split(".", 1)[0]
    return str(json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))["n"])


def model_view(result: CallToolResult) -> str:
    """Everything of a result a model reads: its text and its structured content."""
    return text(result) + json.dumps(result.structured_content)


async def test_an_apps_client_sees_the_app_links_the_app_only_tool_and_the_documents(box: Box, mode: str) -> None:
    async with box.client(mode, apps=True) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        documents = {uri: (await client.read_resource(uri)).contents[0] for uri in (CARD, BOARD, REPORT)}
        listed = {str(r.uri) for r in (await client.list_resources()).resources}
    assert tools["betatesting_update_issue"].meta == {"ui": {"resourceUri": CARD}}
    assert tools["betatesting_list_issues"].meta == {"ui": {"resourceUri": BOARD}}
    assert tools["betaops_invite_testers"].meta == {"ui": {"resourceUri": REPORT}}
    assert tools["betatesting_list_tests"].meta is None  # a read that shows no app
    assert tools[APPROVE_TOOL].meta == {"ui": {"resourceUri": CARD, "visibility": ["app"]}}
    assert {CARD, BOARD, REPORT} <= listed
    for document in documents.values():
        assert document.mime_type == APP_MIME_TYPE == "text/html;profile=mcp-app"
        html = getattr(document, "text", "")
        assert html.startswith("<!DOCTYPE html>") and "<script src" not in html and "<link" not in html
        assert "default-src 'none'" in html  # the document's own CSP: nothing is fetched
        assert document.meta is not None
        assert document.meta["ui"]["csp"] == {
            "connectDomains": [],
            "resourceDomains": [],
            "frameDomains": [],
            "baseUriDomains": [],
        }


async def test_a_client_without_apps_gets_todays_list_and_results(box: Box, mode: str) -> None:
    issue = an_issue(box, priority="low")
    async with box.client(mode) as client:
        tools = (await client.list_tools()).tools
        resources = (await client.list_resources()).resources
        preview = await client.call_tool("betatesting_update_issue", update_args(issue))
        issues = await client.call_tool("betatesting_list_issues", {"test_id": issue.test_id})
    assert APPROVE_TOOL not in {t.name for t in tools}
    assert all(t.meta is None or "ui" not in t.meta for t in tools)
    assert not any(str(r.uri).startswith("ui://") for r in resources)
    assert preview.structured_content is not None and preview.structured_content["confirm_token"]  # today's token path
    assert preview.meta is not None and APPROVAL_META not in preview.meta
    assert issues.meta is not None and BOARD_META not in issues.meta


async def test_the_card_nonce_reaches_only_the_app(box: Box, mode: str) -> None:
    issue = an_issue(box, priority="low")
    async with box.client(mode, answer="accept", apps=True) as client:  # it could be asked: it gets a card instead
        result = await client.call_tool("betatesting_update_issue", update_args(issue))
    approval = sealed(result)
    assert result.structured_content is not None
    assert result.structured_content["status"] == "confirmation_required"
    assert result.structured_content["confirm_token"] is None and result.structured_content["confirm_summary"] is None
    assert 'Change priority: "low" → "critical".' in result.structured_content["preview"]
    seen = model_view(result)
    assert nonce_of(approval) not in seen and approval not in seen and 'confirm_token":"' not in seen
    assert box.asked == [] and box.writes == 0


async def test_approving_on_the_card_executes_once_and_a_replay_nothing(box: Box, mode: str) -> None:
    issue = an_issue(box, priority="low")
    async with box.client(mode, apps=True) as client:
        approval = sealed(await client.call_tool("betatesting_update_issue", update_args(issue)))
        first = await client.call_tool(APPROVE_TOOL, {"approval": approval, "approve": True})
        again = await client.call_tool(APPROVE_TOOL, {"approval": approval, "approve": True})
    assert first.structured_content is not None and first.structured_content["status"] == "executed", text(first)
    assert box.state.issues[issue.id].priority == "critical" and box.writes == 1
    assert again.structured_content is not None and again.structured_content["replayed"] is True
    assert box.writes == 1
    record = await box.runtime.approvals.get(f"token:{nonce_of(approval)}")  # the guard's one single-use record
    assert record is not None and record.how == "app"


async def test_declining_on_the_card_executes_nothing_and_spends_the_approval(box: Box, mode: str) -> None:
    issue = an_issue(box, priority="low")
    async with box.client(mode, apps=True) as client:
        approval = sealed(await client.call_tool("betatesting_update_issue", update_args(issue)))
        declined = await client.call_tool(APPROVE_TOOL, {"approval": approval, "approve": False})
        later = await client.call_tool(APPROVE_TOOL, {"approval": approval, "approve": True})
    assert declined.structured_content is not None
    assert declined.structured_content["status"] == "not_executed"
    assert "The user declined." in declined.structured_content["message"]
    assert later.structured_content is not None and later.structured_content["status"] == "not_executed"
    assert later.structured_content["replayed"] is True
    assert box.state.issues[issue.id].priority == "low" and box.writes == 0


def tampered(approval: str, **changes: Any) -> str:
    body = json.loads(base64.urlsafe_b64decode(approval))
    body["a"] = {**body["a"], **changes}
    return base64.urlsafe_b64encode(json.dumps(body).encode()).decode()


async def test_a_call_without_a_valid_approval_is_refused_and_changes_nothing(box: Box, mode: str) -> None:
    issue = an_issue(box, priority="low")
    async with box.client(mode, apps=True) as client:
        approval = sealed(await client.call_tool("betatesting_update_issue", update_args(issue)))
        refused = [
            await client.call_tool(APPROVE_TOOL, {"approval": "not-an-approval", "approve": True}),
            await client.call_tool(APPROVE_TOOL, {"approval": tampered(approval, priority="trivial"), "approve": True}),
            await client.call_tool(APPROVE_TOOL, {"approval": approval[:-8], "approve": True}),
        ]
    async with box.client(mode) as plain:  # the approval stolen into a client that shows no Apps
        refused.append(await plain.call_tool(APPROVE_TOOL, {"approval": approval, "approve": True}))
    for result in refused:
        assert result.is_error, text(result)
    assert "MCP Apps" in text(refused[-1])
    assert box.state.issues[issue.id].priority == "low" and box.writes == 0
    assert await box.runtime.approvals.get(f"token:{nonce_of(approval)}") is None  # not even spent


async def test_a_token_from_a_plain_client_cannot_skip_the_card(box: Box, mode: str) -> None:
    """In an Apps host the write tool itself never redeems a token: only the card's click does."""
    issue = an_issue(box, priority="low")
    async with box.client(mode) as plain:
        preview = await plain.call_tool("betatesting_update_issue", update_args(issue))
    async with box.client(mode, apps=True) as client:
        result = await client.call_tool("betatesting_update_issue", {**update_args(issue), **confirming(preview)})
    assert result.structured_content is not None and result.structured_content["status"] == "confirmation_required"
    assert box.writes == 0


async def test_the_board_gets_its_bulk_tool_and_choices_only_in_an_apps_host(box: Box, mode: str) -> None:
    issue = an_issue(box)
    async with box.client(mode, apps=True) as client:
        result = await client.call_tool("betatesting_list_issues", {"test_id": issue.test_id})
    assert result.meta is not None
    board = result.meta[BOARD_META]
    assert board["tool"] == "betatesting_update_issues" and board["carry"] == {"test_id": issue.test_id}
    assert board["entries"] == "changes" and board["item_id"] == "issue_id"
    assert "critical" in board["fields"]["priority"] and "to_do" in board["fields"]["status"]
    assert BOARD_META not in model_view(result)


async def test_unattended_mode_shows_no_card_and_lists_no_approve_tool(mode: str) -> None:
    box = make_box("betatesting", confirm=ConfirmMode.NEVER)
    issue = an_issue(box, priority="low")
    async with box.client(mode, apps=True) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        result = await client.call_tool("betatesting_update_issue", update_args(issue))
    assert APPROVE_TOOL not in names
    assert result.structured_content is not None and result.structured_content["status"] == "executed"


async def test_a_write_reached_through_discovery_gets_the_same_card(box: Box, mode: str) -> None:
    issue = an_issue(box, priority="low")
    call = {"tool": "betatesting_update_issue", "arguments": update_args(issue)}
    async with box.client(mode, apps=True) as client:
        approval = sealed(await client.call_tool("betaops_write_operation", call))
        done = await client.call_tool(APPROVE_TOOL, {"approval": approval, "approve": True})
    assert done.structured_content is not None and done.structured_content["status"] == "executed", text(done)
    assert box.state.issues[issue.id].priority == "critical" and box.writes == 1
