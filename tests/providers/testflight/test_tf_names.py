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
        page = structured(await client.call_tool("testflight_list_beta_testers", {"page_size": 200}))
        too_big = await client.call_tool("testflight_list_beta_testers", {"page_size": 201})
    assert tools["testflight_list_beta_testers"].input_schema["properties"]["page_size"]["maximum"] == 200
    assert page["count"] == 200 and page["next_cursor"]
    assert too_big.is_error
    checker(box).assert_clean()
