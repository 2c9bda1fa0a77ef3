"""Human identifiers are resolved on the server: app names or bundle ids, build numbers, group names."""

from __future__ import annotations

import pytest

from tests.providers.testflight.contract import CHECKED, checker
from tests.support import make_box, structured

pytestmark = pytest.mark.anyio
TASK_SETS = ("testflight.builds", "testflight.groups", "testflight.testers", "testflight.feedback")


async def test_build_status_by_app_name_and_build_number(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=TASK_SETS)
    async with box.client(mode) as client:
        by_name = structured(
            await client.call_tool(
                "testflight_get_build_beta_status", {"app": "Trailhead: Hiking Maps", "version": "321"}
            )
        )
        by_bundle = structured(
            await client.call_tool(
                "testflight_get_build_beta_status", {"app": "com.northpeak.trailhead", "version": "321"}
            )
        )
        newest = structured(await client.call_tool("testflight_get_build_beta_status", {"app": "1588204131"}))
    assert by_name["build_id"] == by_bundle["build_id"] == box.state.ids["trailhead.321"]
    builds = [r for r in box.state.resources["builds"].values() if r.rels.get("app") == box.state.ids["trailhead"]]
    assert newest["build_id"] == max(builds, key=lambda b: b.attributes["uploadedDate"]).id
    checker(box).assert_clean()


async def test_distribute_by_group_names(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=TASK_SETS)
    args = {"app": "com.northpeak.trailhead", "version": "321", "beta_group_names": ["Trail Crew", "QA Internal"]}
    async with box.client(mode, answer="accept") as client:
        body = structured(await client.call_tool("testflight_distribute_build", args))
    assert body["status"] == "executed", body
    assert body["result"]["build_id"] == box.state.ids["trailhead.321"]
    assert body["result"]["already_in"] == [box.state.ids["trailhead.qa"]]
    checker(box).assert_clean()


async def test_unknown_names_say_what_exists(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=TASK_SETS)
    async with box.client(mode, answer="accept") as client:
        app = await client.call_tool("testflight_get_build_beta_status", {"app": "Nope"})
        group = await client.call_tool(
            "testflight_distribute_build", {"app": "1588204131", "version": "321", "beta_group_names": ["Nobody"]}
        )
    assert app.is_error and "Trailhead: Hiking Maps" in app.content[0].text  # type: ignore[union-attr]
    assert group.is_error and "Trail Crew" in group.content[0].text  # type: ignore[union-attr]
    assert box.writes == 0


async def test_list_tools_page_up_to_apples_maximum(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=("testflight.testers",))
    async with box.client(mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        page = structured(await client.call_tool("testflight_list_beta_testers", {"limit": 200}))
        small = {"fieldsets": {"betaTesters": ["email"]}}  # keeps 400 items under the result-size cap
        more = structured(await client.call_tool("testflight_list_beta_testers", {**small, "limit": 450}))
        too_big = await client.call_tool("testflight_list_beta_testers", {"limit": 2001})
    assert tools["testflight_list_beta_testers"].input_schema["properties"]["limit"]["maximum"] == 2000
    assert page["count"] == 200 and page["next_cursor"]
    # Pages of Apple's 200 (the checker refuses a larger `limit` on the wire), whole pages only.
    assert more["count"] == 400 and more["next_cursor"] and "whole pages within limit=450" in more["note"]
    sent = [r.query.get("limit") for r in box.state.requests if r.path == "/v1/betaTesters"]
    assert sent[:1] == ["200"] and set(sent) <= {"200", None}  # later pages follow links.next as given
    assert too_big.is_error
    checker(box).assert_clean()


async def test_any_case_prefix_or_part_of_a_name_finds_the_one_app_and_group(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=TASK_SETS)
    async with box.client(mode) as client:
        status = structured(await client.call_tool("testflight_get_build_beta_status", {"app": "Trailhead"}))
        lower = structured(await client.call_tool("testflight_get_build_beta_status", {"app": "sous chef"}))
        preview = structured(
            await client.call_tool(
                "testflight_invite_testers", {"beta_group_name": "trail crew", "emails": ["ada@example.com"]}
            )
        )
    assert status["app_id"] == box.state.ids["trailhead"]
    assert lower["app_id"] != box.state.ids["trailhead"] and lower["label"]
    assert preview["status"] == "confirmation_required"
    assert f'beta group "Trail Crew" (external, id {box.state.ids["trailhead.crew"]})' in preview["preview"]
    assert box.writes == 0


async def test_an_ambiguous_name_lists_the_choices_with_what_tells_them_apart(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=TASK_SETS)
    async with box.client(mode) as client:
        both = await client.call_tool(
            "testflight_invite_testers", {"beta_group_name": "crew", "emails": ["ada@example.com"]}
        )
        one = structured(
            await client.call_tool(
                "testflight_invite_testers",
                {"beta_group_name": "crew", "app_id": "trailhead", "emails": ["ada@example.com"]},
            )
        )
    text = both.content[0].text  # type: ignore[union-attr]
    assert both.is_error and "2 groups match 'crew'" in text
    assert f"'Trail Crew' (external, app 'Trailhead: Hiking Maps', id {box.state.ids['trailhead.crew']})" in text
    assert "'Kitchen Crew' (internal, app 'Pocket Sous Chef'" in text
    assert one["status"] == "confirmation_required" and "Trail Crew" in one["preview"]
    assert box.writes == 0


async def test_group_reads_name_their_app_and_kind(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=("testflight.groups",))
    async with box.client(mode) as client:
        groups = structured(await client.call_tool("testflight_list_beta_groups", {"limit": 50}))
        one = structured(
            await client.call_tool("testflight_get_beta_group", {"beta_group_id": box.state.ids["trailhead.crew"]})
        )
    for group in groups["items"]:
        assert group["app_id"] and group["app"]["name"] and isinstance(group["isInternalGroup"], bool)
    assert one["app_id"] == box.state.ids["trailhead"] and one["app"]["name"] == "Trailhead: Hiking Maps"
    checker(box).assert_clean()
