"""Tools that take a skill, a test or a list take its name too (issue 12).

`{"test_id": "pantry pal ios"}` names one test as well as 4103 does: any case, a unique prefix, or
the id. A name that fits several, or none, fails with the choices and what tells them apart, and
nothing is sent. A write's preview shows the id the name resolved to; the approval covers that id.
"""

from __future__ import annotations

import pytest
from mcp import Client

from tests.support import approval_client, confirming, make_box, text

pytestmark = pytest.mark.anyio

GARDEN_HELPER = "amzn1.ask.skill.5a8f1c2e-7b3d-4e9a-9c61-2f4b8d0e7a13"


async def test_a_name_or_a_different_case_prefix_names_one_thing(mode: str) -> None:
    box = make_box("alexa", "betatesting", "betasend", toolsets=None)
    async with Client(box.server, mode=mode) as client:
        by_name = await client.call_tool("betatesting_list_issues", {"test_id": "Pantry Pal iOS 3.0 Beta"})
        by_prefix = await client.call_tool("betatesting_list_issues", {"test_id": "pantry pal IOS"})
        by_id = await client.call_tool("betatesting_list_issues", {"test_id": 4103})
        skill = await client.call_tool("alexa_get_beta_test", {"skill_id": "garden"})
        stats = await client.call_tool("betasend_get_list_statistics", {"list_id": "BETA tes"})
    assert by_name.structured_content == by_prefix.structured_content == by_id.structured_content
    assert by_id.structured_content is not None and by_id.structured_content["count"] > 0
    sent = [str(r.url) for r in box.sims["betatesting"].transport.sent]
    assert sum("/tests/4103/issues" in url for url in sent) == 3
    assert not skill.is_error, text(skill)
    assert f"/v1/skills/{GARDEN_HELPER}/betaTest" in [r.path for r in box.sims["alexa"].transport.sent]
    assert not stats.is_error, text(stats)
    asked = [r.body for r in box.sims["betasend"].transport.sent if r.path.endswith("/list-statistics")]
    assert len(asked) == 1 and asked[0].startswith(b"list_id=6&")


async def test_an_ambiguous_or_unknown_name_lists_the_choices_and_sends_nothing(mode: str) -> None:
    box = make_box("betatesting", "alexa", toolsets=None)
    async with Client(box.server, mode=mode) as client:
        ambiguous = await client.call_tool("betatesting_change_test_stage", {"test_id": "pantry", "stage": "pause"})
        unknown = await client.call_tool("alexa_start_beta_test", {"skill_id": "Weather Wizard"})
    assert ambiguous.is_error and unknown.is_error
    said = text(ambiguous)
    assert "3 tests (test_id) match 'pantry'" in said
    for choice in ("'Pantry Pal iOS 3.0 Beta' (in_progress, ios, id 4103)", "id 4104", "(ready, "):
        assert choice in said, said
    said = text(unknown)
    assert (
        "no skill (skill_id) matches 'Weather Wizard'" in said
        and f"'Garden Helper' (development, id {GARDEN_HELPER})" in said
    )
    assert box.writes == 0


async def test_a_write_by_name_previews_and_acts_on_the_resolved_id(mode: str) -> None:
    box = make_box("betatesting", toolsets=None)
    args = {"test_id": "FITTRACK", "stage": "resume"}
    async with Client(box.server, mode=mode) as client:
        preview = await client.call_tool("betatesting_change_test_stage", args)
        assert preview.structured_content is not None, text(preview)
        assert "4106" in preview.structured_content["preview"], preview.structured_content
        assert box.writes == 0
        done = await client.call_tool("betatesting_change_test_stage", {**args, **confirming(preview)})
        tests = await client.call_tool("betatesting_list_tests", {"limit": 50})
    assert done.structured_content is not None and done.structured_content["status"] == "executed", text(done)
    assert tests.structured_content is not None
    assert {t["id"]: t["status"] for t in tests.structured_content["items"]}[4106] == "in_progress"


async def test_an_approved_write_by_name_asks_about_the_id(mode: str) -> None:
    box = make_box("alexa", toolsets=None)
    asked: list[str] = []
    async with approval_client(box.server, asked, mode, answer="accept") as client:
        done = await client.call_tool("alexa_end_beta_test", {"skill_id": "Garden helper"})
    assert done.structured_content is not None and done.structured_content["status"] == "executed", text(done)
    assert len(asked) == 1 and GARDEN_HELPER in asked[0], asked
    assert [r.path for r in box.transport.sent if "/betaTest/" in r.path and r.method == "POST"] == [
        f"/v1/skills/{GARDEN_HELPER}/betaTest/end"
    ]
