"""TestFlight through a real MCP client: invites, removals, distribution, build status, paging, JWT, 429, 422."""

from __future__ import annotations

from typing import Any

import pytest

from betaops.providers.testflight.provider import sandbox_auth
from betaops.providers.testflight.simulator.config import SIM_NOW, SimConfig
from betaops.server.runtime import ConfirmMode
from betaops.sim.clock import FakeClock
from tests.providers.testflight.contract import CHECKED, checker
from tests.providers.testflight.tf_samples import member_of, outsider
from tests.support import Box, confirming, make_box, structured

pytestmark = pytest.mark.anyio
TASK_SETS = ("testflight.testers", "testflight.builds")


def group_emails(box: Box, group: str) -> list[str | None]:
    testers = box.state.resources["betaTesters"]
    return [
        testers[t].attributes.get("email")
        for t in box.state.resources["betaGroups"][box.state.ids[group]].rels["betaTesters"]
    ]


def email_of(box: Box, tester_id: str) -> str:
    return str(box.state.resources["betaTesters"][tester_id].attributes["email"])


def invite_args(box: Box, *emails: str) -> dict[str, Any]:
    return {"beta_group_name": "Enterprise Pilots", "app_id": box.state.ids["trailhead"], "emails": list(emails)}


async def test_invite_with_elicitation_reports_each_email(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=TASK_SETS)
    existing = email_of(box, outsider(box.state, "trailhead.pilots"))
    member = email_of(box, member_of(box.state, "trailhead.pilots"))
    emails = ["Ada Lovelace <ada@example.com>", "grace@example.com", existing, member.upper(), "not-an-email"]
    async with box.client(mode, answer="accept") as client:
        body = structured(await client.call_tool("testflight_invite_testers", invite_args(box, *emails)))
    assert body["status"] == "executed", body
    preview = box.asked[0]
    assert 'created and invited: 2 emails: "Ada Lovelace <ada@example.com>", "grace@example.com"' in preview
    assert f'Existing testers added to the group: 1 email: "{existing}"' in preview
    assert f'Already in the group (skipped): 1 email: "{member}"' in preview
    assert 'Not valid emails (skipped): 1 entry: "not-an-email"' in preview
    outcomes = {o["email"]: (o["outcome"], o["detail"]) for o in body["result"]["outcomes"]}
    assert outcomes == {
        "ada@example.com": ("invited", "new tester"),
        "grace@example.com": ("invited", "new tester"),
        existing: ("invited", None),
        member: ("already_there", None),
        "not-an-email": ("invalid", "not a valid email address"),
    }
    assert body["result"]["counts"] == {"invited": 3, "already_there": 1, "invalid": 1}
    in_group = group_emails(box, "trailhead.pilots")
    assert {"ada@example.com", "grace@example.com", existing} <= set(in_group)
    assert len(in_group) == len(set(in_group))
    ada = next(t for t in box.state.resources["betaTesters"].values() if t.attributes.get("email") == "ada@example.com")
    assert ada.attributes["firstName"] == "Ada" and ada.attributes["lastName"] == "Lovelace"
    assert box.writes == 3  # two creates, one membership add
    checker(box).assert_clean()


async def test_invite_token_path_partial_failure_then_rerun_invites_nobody_twice(mode: str) -> None:
    sim = SimConfig(clock=FakeClock(SIM_NOW))
    box = make_box("testflight", wrap=CHECKED, sims={"testflight": sim}, toolsets=TASK_SETS)
    emails = ["a1@example.com", "a2@example.com", "a3@example.com"]
    async with box.client(mode) as client:
        first = structured(await client.call_tool("testflight_invite_testers", invite_args(box, *emails)))
        assert first["status"] == "confirmation_required" and box.writes == 0
        # The first create fails with a 500 before anything is written: its outcome is unknown to the client.
        sim.faults.queue("500", method="POST", path="/v1/betaTesters")
        args = {**invite_args(box, *emails), **confirming(first)}
        done = structured(await client.call_tool("testflight_invite_testers", args))
        assert done["status"] == "executed"
        outcomes = {o["email"]: o for o in done["result"]["outcomes"]}
        assert {e: o["outcome"] for e, o in outcomes.items()} == {
            "a1@example.com": "unknown",
            "a2@example.com": "invited",
            "a3@example.com": "invited",
        }
        assert "HTTP 500" in outcomes["a1@example.com"]["detail"]  # the provider's reason is kept
        assert "may have happened" in done["result"]["note"] and "reads who is in first" in done["result"]["note"]
        assert box.writes == 2
        again = structured(await client.call_tool("testflight_invite_testers", invite_args(box, *emails)))
        assert "a1@example.com" in again["preview"]
        assert 'Already in the group (skipped): 2 emails: "a2@example.com", "a3@example.com"' in again["preview"]
        args = {**invite_args(box, *emails), **confirming(again)}
        rerun = structured(await client.call_tool("testflight_invite_testers", args))
    assert rerun["result"]["counts"] == {"already_there": 2, "invited": 1}
    assert box.writes == 3
    for email in emails:
        assert sum(1 for t in box.state.resources["betaTesters"].values() if t.attributes.get("email") == email) == 1
        assert group_emails(box, "trailhead.pilots").count(email) == 1


async def test_invite_token_is_refused_when_the_group_changed(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=TASK_SETS)
    async with box.client(mode) as client:
        first = structured(await client.call_tool("testflight_invite_testers", invite_args(box, "z@example.com")))
        # Someone else changes the group between preview and approval.
        box.state.resources["betaGroups"][box.state.ids["trailhead.pilots"]].rels["betaTesters"].pop()
        args = {**invite_args(box, "z@example.com"), **confirming(first)}
        result = await client.call_tool("testflight_invite_testers", args)
    assert result.is_error
    assert "Nothing was changed" in result.content[0].text  # type: ignore[union-attr]
    assert box.writes == 0


async def test_remove_testers_by_email(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=TASK_SETS)
    leaving = email_of(box, member_of(box.state, "trailhead.pilots"))
    async with box.client(mode, answer="accept") as client:
        body = structured(
            await client.call_tool(
                "testflight_remove_testers_from_group", invite_args(box, leaving, "stranger@example.com")
            )
        )
    assert body["result"]["counts"] == {"removed": 1, "not_in_group": 1}
    assert leaving not in group_emails(box, "trailhead.pilots")
    assert "cannot be undone" in box.asked[0]


async def test_distribute_submits_for_review_when_an_external_group_needs_it(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=TASK_SETS)
    args = {
        "build_id": box.state.ids["trailhead.321"],
        "beta_group_ids": [box.state.ids["trailhead.crew"], box.state.ids["trailhead.qa"]],
    }
    async with box.client(mode, answer="accept") as client:
        body = structured(await client.call_tool("testflight_distribute_build", args))
        status = structured(await client.call_tool("testflight_get_build_beta_status", {"build_id": args["build_id"]}))
    assert body["status"] == "executed", body
    assert "submit it for Beta App Review" in box.asked[0]
    assert body["result"]["review_submission_id"] and body["result"]["already_in"] == [box.state.ids["trailhead.qa"]]
    assert status["external_state"] == "WAITING_FOR_BETA_REVIEW"
    assert {g["id"] for g in status["groups"]} >= {box.state.ids["trailhead.crew"], box.state.ids["trailhead.qa"]}
    checker(box).assert_clean()


async def test_distribute_refuses_a_processing_build_with_the_reason(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=TASK_SETS)
    args = {"build_id": box.state.ids["trailhead.322"], "beta_group_ids": [box.state.ids["trailhead.crew"]]}
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool("testflight_distribute_build", args)
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert "still processing" in text and "Nothing was changed" in text
    assert box.writes == 0


async def test_build_status_reads_state_and_feedback(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=TASK_SETS)
    async with box.client(mode) as client:
        body = structured(
            await client.call_tool("testflight_get_build_beta_status", {"build_id": box.state.ids["trailhead.320"]})
        )
    crashes = [
        c
        for c in box.state.resources["betaFeedbackCrashSubmissions"].values()
        if c.rels.get("build") == box.state.ids["trailhead.320"]
    ]
    assert body["crash_count"] == len(crashes)
    assert len(body["recent_crashes"]) == min(5, len(crashes))
    assert body["processing_state"] == "VALID" and body["internal_state"] == "IN_BETA_TESTING"
    assert body["next_step"]


async def test_the_422_precondition_says_what_to_do(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, confirm=ConfirmMode.NEVER, toolsets=("testflight.builds",))
    args = {"build_id": box.state.ids["trailhead.322"], "beta_group_ids": [box.state.ids["trailhead.qa"]]}
    async with box.client(mode) as client:
        result = await client.call_tool("testflight_add_build_to_beta_groups", args)
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert "HTTP 422" in text and "still be processing" in text and "testflight_get_build_beta_status" in text
    assert "Nothing was changed" in text


async def test_cursor_and_a_large_limit_over_500_testers(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=("testflight.testers",))
    app = box.state.ids["trailhead"]
    expected = {t.id for t in box.state.resources["betaTesters"].values() if app in t.rels.get("apps", [])}
    assert len(expected) > 500
    seen: list[str] = []
    args: dict[str, Any] = {"filter_apps": [app], "limit": 100}
    async with box.client(mode) as client:
        while True:
            page = structured(await client.call_tool("testflight_list_beta_testers", args))
            seen += [i["id"] for i in page["items"]]
            assert page["total"] == len(expected)
            if not page["next_cursor"]:
                break
            args = {**args, "cursor": page["next_cursor"]}
        everything = structured(
            await client.call_tool(
                "testflight_list_beta_testers",
                # Apple's sparse fieldset keeps 500+ items under the result-size cap
                {"filter_apps": [app], "fieldsets": {"betaTesters": ["email"]}, "limit": 2000},
            )
        )
    assert len(seen) == len(set(seen)) and set(seen) == expected
    assert everything["count"] == len(expected), everything["note"]
    assert {i["id"] for i in everything["items"]} == expected and everything["next_cursor"] is None
    checker(box).assert_clean()


async def test_jwt_is_reused_then_refreshed_as_it_nears_expiry() -> None:
    sim = SimConfig(clock=FakeClock(SIM_NOW))
    auth = sandbox_auth(sim)
    box = make_box(
        "testflight", wrap=CHECKED, sims={"testflight": sim}, auth={"testflight": auth}, toolsets=("testflight.apps",)
    )
    async with box.client() as client:
        for _ in range(3):
            assert not (await client.call_tool("testflight_list_apps", {})).is_error
        assert auth.minted == 1
        box.clock.advance(14 * 60 + 1)  # less than a minute left on a 15-minute token
        assert not (await client.call_tool("testflight_list_apps", {})).is_error
        assert auth.minted == 2
        box.clock.advance(30 * 60)  # long expired: a new one, and Apple accepts it
        assert not (await client.call_tool("testflight_list_apps", {})).is_error
    assert auth.minted == 3


async def test_a_refused_key_is_refreshed_once_then_named_in_the_error() -> None:
    sim = SimConfig(clock=FakeClock(SIM_NOW), team_keys={})
    auth = sandbox_auth(sim)
    box = make_box(
        "testflight", wrap=CHECKED, sims={"testflight": sim}, auth={"testflight": auth}, toolsets=("testflight.apps",)
    )
    async with box.client() as client:
        result = await client.call_tool("testflight_list_apps", {})
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert "HTTP 401" in text and "TESTFLIGHT_KEY_ID" in text and "TESTFLIGHT_PRIVATE_KEY_PATH" in text
    assert auth.minted == 2  # refreshed once on the 401, not in a loop


async def test_individual_keys_work_in_the_sandbox(mode: str) -> None:
    sim = SimConfig(clock=FakeClock(SIM_NOW))
    box = make_box(
        "testflight",
        wrap=CHECKED,
        sims={"testflight": sim},
        auth={"testflight": sandbox_auth(sim, individual=True)},
        toolsets=("testflight.apps",),
    )
    async with box.client(mode) as client:
        body = structured(await client.call_tool("testflight_list_apps", {}))
    assert body["count"] == 4


async def test_429_backs_off_on_reads_and_never_blindly_retries_writes(mode: str) -> None:
    sim = SimConfig(clock=FakeClock(SIM_NOW))
    box = make_box(
        "testflight",
        wrap=CHECKED,
        sims={"testflight": sim},
        confirm=ConfirmMode.NEVER,
        toolsets=("testflight.apps", "testflight.testers"),
    )
    sim.faults.queue("429", count=2, method="GET", path="/v1/apps")
    async with box.client(mode) as client:
        read = await client.call_tool("testflight_list_apps", {})
        assert not read.is_error and len(box.sleeps) == 2
        rate = box.runtime.connections["testflight"].client.rate
        assert rate.limit == 3600 and rate.remaining is not None
        sim.faults.queue("429", count=1, method="POST", path="/v1/betaTesters")
        args = {"email": "once@example.com", "beta_group_ids": [box.state.ids["trailhead.pilots"]]}
        write = await client.call_tool("testflight_create_beta_tester", args)
    assert write.is_error
    text = write.content[0].text  # type: ignore[union-attr]
    assert "HTTP 429" in text and "RATE_LIMIT_EXCEEDED" in text
    posts = [r for r in box.state.requests if r.method == "POST"]
    assert len(posts) == 1 and box.writes == 0
