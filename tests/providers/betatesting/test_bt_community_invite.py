"""Adding people to the BetaTesting community: validated, de-duplicated, chunked, one approval."""

from __future__ import annotations

import pytest

from betaops.providers.betatesting.simulator.config import COMPANY_ID, SimConfig
from betaops.providers.betatesting.tasks import TASKS
from betaops.server.guard import task_context
from betaops.sim.faults import Faults
from tests.support import Box, make_box, text

pytestmark = pytest.mark.anyio


def a_member(box: Box) -> str:
    email: str = next(c.email for c in box.state.community.values() if c.company_id == COMPANY_ID)
    return email


async def test_invite_skips_members_and_invalid_and_reports_each(box: Box, mode: str) -> None:
    member = a_member(box)
    people = ["Ada Lovelace <ada@example.com>", "ADA@example.com", member.upper(), "not-an-email", "bo@example.org"]
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool("betatesting_invite_testers", {"people": people, "tags": ["wave2"]})
    body = result.structured_content
    assert body is not None and body["status"] == "executed", text(result)
    report = body["result"]
    assert report["counts"] == {"already_there": 1, "invalid": 1, "invited": 2}
    assert sorted(o["email"] for o in report["outcomes"] if o["outcome"] == "invited") == [
        "ada@example.com",
        "bo@example.org",
    ]
    assert "Add 2 new testers" in box.asked[0]
    ada = next(c for c in box.state.community.values() if c.email == "ada@example.com")
    assert (ada.first_name, ada.last_name, ada.tags) == ("Ada", "Lovelace", ["wave2"])


async def test_large_invite_is_chunked_and_a_failed_chunk_does_not_hide_the_rest(mode: str) -> None:
    faults = Faults()
    box = make_box("betatesting", sims={"betatesting": SimConfig(faults=faults)}, max_retries=0)
    people = [f"tester{n:03d}@example.com" for n in range(250)]
    faults.queue("503", method="POST", path="/community/testers/bulk")  # the first of three calls fails
    seen: list[float] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(progress)

    async with box.client(mode, answer="accept") as client:
        first = await client.call_tool("betatesting_invite_testers", {"people": people}, progress_callback=on_progress)
        assert seen, "a long write reports progress"
        assert first.structured_content is not None
        report = first.structured_content["result"]
        # The 503's answer says nothing of what was done: those 100 may have been added, so they are "unknown".
        assert report["counts"] == {"unknown": 100, "invited": 150}
        unknown = [o for o in report["outcomes"] if o["outcome"] == "unknown"]
        assert all(o["detail"] is None for o in unknown) and "may have happened" in report["note"]
        assert "For 100 people:" in report["note"] and "HTTP 503" in report["note"]  # the reason, said once
        again = await client.call_tool("betatesting_invite_testers", {"people": people})
    assert again.structured_content is not None
    assert again.structured_content["result"]["counts"] == {"already_there": 150, "invited": 100}
    emails = [c.email for c in box.state.community.values()]
    assert len(emails) == len(set(emails))  # nobody twice


async def test_the_preview_lists_every_new_address_with_the_exact_count(box: Box, mode: str) -> None:
    people = [f"person{n:03d}@example.com" for n in range(120)]
    async with box.client(mode) as client:
        first = await client.call_tool("betatesting_invite_testers", {"people": people})
    assert first.structured_content is not None, text(first)
    head, new, *_ = first.structured_content["preview"].splitlines()
    assert head == "Add 120 new testers to your BetaTesting community (2 calls)."
    assert new.startswith("New: 120 emails: ") and all(f'"{p}"' in new for p in people)
    assert box.writes == 0


async def test_inviting_only_members_is_a_noop(box: Box) -> None:
    task = next(t for t in TASKS if t.name == "invite_testers")
    assert task.plan is not None
    params = task.params.model_validate({"people": [a_member(box), "not-an-email"]})
    plan = await task.plan(task_context(box.runtime, task), params)
    assert plan.noop and plan.preview.startswith("Nothing will change")
    report = (await task.run(task_context(box.runtime, task), params, "key-1", plan)).model_dump()
    assert report["counts"] == {"already_there": 1, "invalid": 1}
    assert box.writes == 0
