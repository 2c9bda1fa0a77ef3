"""A triage conversation end to end: find critical to-do issues, read one, raise its priority."""

from __future__ import annotations

import pytest

from betaops.providers.betatesting.simulator.config import COMPANY_ID
from tests.support import Box, text

pytestmark = pytest.mark.anyio


async def test_list_read_and_reprioritise_an_issue(box: Box, mode: str) -> None:
    test = max(
        (t for t in box.state.tests.values() if t.company_id == COMPANY_ID),
        key=lambda t: sum(1 for i in box.state.issues.values() if i.test_id == t.id),
    )
    async with box.client(mode, answer="accept") as client:
        listed = await client.call_tool(
            "betatesting_list_issues",
            {"test_id": test.id, "statuses": ["to_do"], "priorities": ["critical", "high"], "sort_submit_date": "desc"},
        )
        assert not listed.is_error, text(listed)
        page = listed.structured_content
        assert page is not None and page["items"], "the seed has high/critical to-do issues"
        items = page["items"]
        assert all(i["status"] == "to_do" and i["priority"] in ("critical", "high") for i in items)
        dates = [i["submitted_at"] for i in items]
        assert dates == sorted(dates, reverse=True)
        assert set(items[0]) <= {"id", "title", "status", "priority", "submitted_at", "updated_at"}

        target = next(i for i in items if i["priority"] == "high")
        one = await client.call_tool("betatesting_get_issue", {"test_id": test.id, "issue_id": target["id"]})
        assert one.structured_content is not None and one.structured_content["description"]

        changed = await client.call_tool(
            "betatesting_update_issue",
            {"test_id": test.id, "issue_id": target["id"], "priority": "critical", "notes": "Blocks checkout"},
        )
    assert changed.structured_content is not None
    assert changed.structured_content["status"] == "executed"
    record = box.state.issues[target["id"]]
    assert (record.priority, record.notes) == ("critical", "Blocks checkout")


async def test_tester_text_comes_back_without_invisible_characters(box: Box) -> None:
    hostile = [i for i in box.state.issues.values() if "\u202e" in i.description or "\u200b" in i.description]
    assert hostile, "the seed carries hostile text"
    issue = hostile[0]
    async with box.client() as client:
        result = await client.call_tool("betatesting_get_issue", {"test_id": issue.test_id, "issue_id": issue.id})
    body = result.structured_content
    assert body is not None
    assert "\u202e" not in body["description"] and "\u200b" not in body["description"]
