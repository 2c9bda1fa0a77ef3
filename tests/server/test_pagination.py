"""List tools: one page plus an opaque cursor, or every page fetched concurrently with progress."""

from __future__ import annotations

from typing import Any

import pytest

from betaops.providers.betatesting.simulator.config import COMPANY_ID
from tests.support import Box, text

pytestmark = pytest.mark.anyio


def busiest_test(box: Box) -> Any:
    return max(
        (t for t in box.state.tests.values() if t.company_id == COMPANY_ID),
        key=lambda t: sum(1 for i in box.state.issues.values() if i.test_id == t.id),
    )


async def test_cursor_walk_and_a_large_limit_return_the_same_issues(box: Box, mode: str) -> None:
    test = busiest_test(box)
    expected = {i.id for i in box.state.issues.values() if i.test_id == test.id}
    assert len(expected) > 100
    seen: list[int] = []
    seen_progress: list[tuple[float, float | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen_progress.append((progress, total))

    async with box.client(mode) as client:
        cursor = None
        while True:
            args: dict[str, Any] = {"test_id": test.id, "limit": 40}
            if cursor:
                args["cursor"] = cursor
            page = await client.call_tool("betatesting_list_issues", args)
            assert page.structured_content is not None, text(page)
            seen += [i["id"] for i in page.structured_content["items"]]
            cursor = page.structured_content["next_cursor"]
            if cursor is None:
                break
        everything = await client.call_tool(
            "betatesting_list_issues",
            {"test_id": test.id, "limit": 2000},
            progress_callback=on_progress,
        )
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    body = everything.structured_content
    assert body is not None
    assert sorted(i["id"] for i in body["items"]) == sorted(expected)
    assert body["total"] == len(expected) and body["next_cursor"] is None
    assert seen_progress and seen_progress[-1][0] == len(expected)


async def test_limit_is_met_exactly_and_the_cursor_goes_on_after_it(box: Box) -> None:
    test = busiest_test(box)
    async with box.client() as client:
        first = await client.call_tool("betatesting_list_issues", {"test_id": test.id, "limit": 50})
        body = first.structured_content
        assert body is not None and body["count"] == 50 and body["next_cursor"] and body["note"] is None
        rest = await client.call_tool(
            "betatesting_list_issues", {"test_id": test.id, "limit": 50, "cursor": body["next_cursor"]}
        )
    assert rest.structured_content is not None and rest.structured_content["count"] == 50
    first_ids = {i["id"] for i in body["items"]}
    assert not first_ids & {i["id"] for i in rest.structured_content["items"]}


async def test_a_limit_past_a_whole_page_stops_at_the_page_and_says_so(box: Box) -> None:
    """BetaTesting serves at most 100 per page: limit=150 reads one page (a second would pass the
    limit, and cutting inside it would make the cursor skip its rest), says so, and the cursor goes on."""
    test = busiest_test(box)
    total = sum(1 for i in box.state.issues.values() if i.test_id == test.id)
    assert total > 150
    async with box.client() as client:
        first = await client.call_tool("betatesting_list_issues", {"test_id": test.id, "limit": 150})
        body = first.structured_content
        assert body is not None and body["count"] == 100 and body["next_cursor"]
        assert "Stopped at 100 items (whole pages within limit=150)" in body["note"]
        rest = await client.call_tool(
            "betatesting_list_issues", {"test_id": test.id, "limit": 2000, "cursor": body["next_cursor"]}
        )
    assert rest.structured_content is not None
    seen = [i["id"] for i in body["items"]] + [i["id"] for i in rest.structured_content["items"]]
    assert len(seen) == len(set(seen)) == total


async def test_cursor_from_other_filters_is_refused(box: Box) -> None:
    test = busiest_test(box)
    async with box.client() as client:
        page = await client.call_tool(
            "betatesting_list_issues", {"test_id": test.id, "statuses": ["to_do"], "limit": 5}
        )
        assert page.structured_content is not None
        cursor = page.structured_content["next_cursor"]
        wrong = await client.call_tool(
            "betatesting_list_issues", {"test_id": test.id, "statuses": ["complete"], "cursor": cursor}
        )
        other_tool = await client.call_tool("betatesting_list_testers", {"test_id": test.id, "cursor": cursor})
    assert wrong.is_error and "cursor is not valid" in text(wrong)
    assert other_tool.is_error


async def test_fields_asks_for_more_than_the_summary(box: Box) -> None:
    test = busiest_test(box)
    async with box.client() as client:
        lean = await client.call_tool("betatesting_list_issues", {"test_id": test.id, "limit": 3})
        rich = await client.call_tool(
            "betatesting_list_issues", {"test_id": test.id, "limit": 3, "fields": ["description", "notes"]}
        )
    assert lean.structured_content is not None and rich.structured_content is not None
    assert "description" not in lean.structured_content["items"][0]
    assert "description" in rich.structured_content["items"][0]
