"""Lists that answer questions, on the default surface of the full sandbox, through the protocol.

"Who hasn't accepted?" for the big TestFlight group is one call and a few KB; issues filter by date
and text; counts come without rows; a misspelt `fields` name is an error naming the allowed ones;
and "this week" means the sandbox's week, whatever today's date is.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mcp import Client
from mcp.server import MCPServer

from betaops.providers.alexa.simulator.seed import build_state as seed_alexa
from betaops.providers.betatesting.simulator.seed import build_state as seed_betatesting
from betaops.providers.testflight.simulator.seed import build_state as seed_testflight
from betaops.server.app import ServerOptions, build_runtime, build_server
from betaops.server.runtime import Runtime
from betaops.settings import Settings
from tests.support import text

pytestmark = pytest.mark.anyio
APP = "1588204131"  # Trailhead, whose "Trail Crew" group has 342 testers
NOT_ACCEPTED = ["INVITED", "NOT_INVITED"]
PANTRY_IOS = 4103  # 172 issues over the ~90 days before the simulator's date


def default_surface() -> tuple[MCPServer, Runtime]:
    settings = Settings(_env_file=None)
    options = ServerOptions(sandbox=True)
    runtime = build_runtime(settings, options)
    return build_server(settings, options, runtime), runtime


# The server builds each simulator from its seed on first use; the same seeds give the same data here.
def crew() -> tuple[str, list[dict[str, Any]]]:
    state: Any = seed_testflight()
    group = next(g for g in state.all("betaGroups") if g.attributes["name"] == "Trail Crew")
    return group.id, [state.get("betaTesters", i).attributes for i in group.rels["betaTesters"]]


def issues_of(test_id: int) -> list[Any]:
    return [i for i in seed_betatesting().issues.values() if i.test_id == test_id]


def sandbox_now(runtime: Runtime, provider: str) -> datetime:
    return datetime.fromtimestamp(runtime.connections[provider].now(), UTC)


async def test_who_has_not_accepted_is_one_listed_call_of_under_3_kb(mode: str) -> None:
    server, _ = default_surface()
    group_id, testers = crew()
    assert len(testers) > 340
    async with Client(server, mode=mode) as client:
        listed = {t.name for t in (await client.list_tools()).tools}
        result = await client.call_tool(
            "testflight_list_group_testers",
            {"beta_group_name": "Trail Crew", "app_id": APP, "states": NOT_ACCEPTED},
        )
    assert "testflight_list_group_testers" in listed
    body = result.structured_content
    assert body is not None and not result.is_error, text(result)
    assert len(text(result).encode()) <= 3000
    assert body["beta_group_id"] == group_id and body["total"] == len(testers)
    assert body["by_state"] == dict(Counter(t["state"] for t in testers))
    waiting = {t.get("email") for t in testers if t["state"] in NOT_ACCEPTED}
    shown = [e for state in NOT_ACCEPTED for e in body["testers"].get(state, [])]
    assert set(body["testers"]) <= set(NOT_ACCEPTED) and set(shown) <= waiting
    assert len(shown) == 50 and body["note"].startswith(f"{len(waiting) - 50} more:")


async def test_every_list_of_testers_filters_by_state_after_reading_every_page(mode: str) -> None:
    server, _ = default_surface()
    group_id, testers = crew()
    async with Client(server, mode=mode) as client:
        result = await client.call_tool(
            "betaops_read_operation",
            {
                "tool": "testflight_list_testers_in_beta_group",
                "arguments": {"beta_group_id": group_id, "states": ["NOT_INVITED"], "limit": 2000},
            },
        )
    body = result.structured_content
    assert body is not None, text(result)
    expected = {t["email"] for t in testers if t["state"] == "NOT_INVITED"}
    assert {i["email"] for i in body["items"]} == expected and body["total"] == len(expected)
    assert f"Filtered by betaops: {len(expected)} of {len(testers)} match." in body["note"]


async def test_alexa_testers_filter_by_invitation_status(mode: str) -> None:
    server, _ = default_surface()
    state = seed_alexa()
    skill_id = max(state.skills, key=lambda s: len(state.testers(s)))
    waiting = {t.emailId for t in state.testers(skill_id) if t.invitationStatus == "NOT_ACCEPTED"}
    assert waiting and len(waiting) < len(state.testers(skill_id))
    async with Client(server, mode=mode) as client:
        result = await client.call_tool(
            "betaops_read_operation",
            {
                "tool": "alexa_list_beta_testers",
                "arguments": {
                    "skill_id": skill_id,
                    "invitation_status": "NOT_ACCEPTED",
                    "limit": 2000,
                },
            },
        )
    body = result.structured_content
    assert body is not None, text(result)
    assert {i["emailId"] for i in body["items"]} == waiting and body["total"] == len(waiting)


async def test_issues_filter_by_date_range_and_text(mode: str) -> None:
    server, runtime = default_surface()
    issues = issues_of(PANTRY_IOS)
    week_ago = (sandbox_now(runtime, "betatesting") - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    async with Client(server, mode=mode) as client:
        recent = await client.call_tool(
            "betatesting_list_issues",
            {"test_id": PANTRY_IOS, "since": "7d", "priorities": ["critical", "high"], "limit": 100},
        )
        october = await client.call_tool(
            "betatesting_list_issues",
            {"test_id": PANTRY_IOS, "since": "2026-10-01", "until": "2026-11-01", "limit": 100},
        )
        login = await client.call_tool("betatesting_list_issues", {"test_id": PANTRY_IOS, "text": "LOGIN"})
    expected = {i.id for i in issues if i.submitted_at >= week_ago and i.priority in ("critical", "high")}
    assert recent.structured_content is not None, text(recent)
    assert expected and {i["id"] for i in recent.structured_content["items"]} == expected
    assert len(text(recent).encode()) < 3000
    in_october = {i.id for i in issues if "2026-10-01" <= i.submitted_at < "2026-11-01"}
    assert october.structured_content is not None and october.structured_content["total"] == len(in_october)
    assert {i["id"] for i in october.structured_content["items"]} == in_october
    wanted = {i.id for i in issues if "login" in (i.title + " " + i.description).lower()}
    assert login.structured_content is not None and wanted
    assert {i["id"] for i in login.structured_content["items"]} == wanted


async def test_this_weeks_counts_without_rows_on_the_sandbox_clock(mode: str) -> None:
    server, runtime = default_surface()
    issues = issues_of(PANTRY_IOS)
    now = sandbox_now(runtime, "betatesting")
    week_ago = (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    this_week = [i for i in issues if i.submitted_at >= week_ago]
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("betatesting_summarize_issues", {"test_id": PANTRY_IOS, "since": "7d"})
    body = result.structured_content
    assert body is not None, text(result)
    assert this_week and body["total"] == len(this_week)
    assert body["by_priority"] == dict(Counter(i.priority for i in this_week))
    assert body["by_status"] == dict(Counter(i.status for i in this_week))
    assert body["as_of"][:10] == now.strftime("%Y-%m-%d")


async def test_a_misspelt_field_name_is_an_error_that_names_the_allowed_ones(mode: str) -> None:
    server, _ = default_surface()
    async with Client(server, mode=mode) as client:
        listed = await client.call_tool("betatesting_list_issues", {"test_id": PANTRY_IOS, "fields": ["descripton"]})
        reached = await client.call_tool(
            "betaops_read_operation",
            {"tool": "alexa_list_beta_testers", "arguments": {"skill_id": "amzn1.ask.skill.x", "fields": ["status"]}},
        )
        good = await client.call_tool("betatesting_list_issues", {"test_id": PANTRY_IOS, "fields": ["description"]})
    assert listed.is_error and "unknown field 'descripton'" in text(listed)
    assert "allowed: test_id, description, notes, tester_id, device, or all" in text(listed)
    assert reached.is_error and "unknown field 'status'" in text(reached) and "invitationStatus" in text(reached)
    assert good.structured_content is not None and all("description" in i for i in good.structured_content["items"])


async def test_a_date_that_is_neither_iso_nor_days_ago_is_refused(mode: str) -> None:
    server, _ = default_surface()
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("betatesting_list_issues", {"test_id": PANTRY_IOS, "since": "last week"})
    assert result.is_error and "neither an ISO date (2026-11-16) nor Nd" in text(result)
