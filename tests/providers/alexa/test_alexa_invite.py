"""`alexa_invite_testers`: one approval, 500-sized add calls, exact per-email outcome on failure."""

from __future__ import annotations

from typing import Any

import pytest

from betaops.providers.alexa.simulator import DEMO_SKILL_ID, DRAFT_SKILL_ID, LARGE_SKILL_ID
from betaops.sim.faults import Fault, Faults
from tests.providers.alexa.alexa_support import AlexaBox, make_alexa, text
from tests.support import confirming

pytestmark = pytest.mark.anyio
TOOL = "alexa_invite_testers"
NEW = [f"wave{n:04d}@example.org" for n in range(1100)]


class NthAddFails(Faults):
    """Fails only the `nth` add call (the faults queue cannot skip the calls before it)."""

    def __init__(self, nth: int, spec: str) -> None:
        super().__init__()
        self.nth, self.fault, self.adds = nth, Fault.parse(spec), 0

    def draw(self, method: str, path: str) -> Fault | None:
        if not path.endswith("/testers/add"):
            return None
        self.adds += 1
        return self.fault if self.adds == self.nth else None


async def invite(box: AlexaBox, mode: str, emails: list[str], skill_id: str = LARGE_SKILL_ID) -> tuple[str, Any]:
    """Preview, then confirm with the token; returns (preview, the executed call's result)."""
    args = {"skill_id": skill_id, "emails": emails}
    writes = len(box.state.write_log)
    async with box.client(mode) as client:
        first = await client.call_tool(TOOL, args)
        assert first.structured_content is not None, text(first)
        assert first.structured_content["status"] == "confirmation_required"
        assert len(box.state.write_log) == writes  # the preview changed nothing
        done = await client.call_tool(TOOL, {**args, **confirming(first.structured_content)})
    return first.structured_content["preview"], done


async def test_1100_emails_go_out_as_500_500_100_after_one_approval(mode: str) -> None:
    box = make_alexa()
    messy = [*NEW, "listener0001@example.com", "not-an-email", "WAVE0000@example.org", " wave0001@example.org "]
    preview, done = await invite(box, mode, messy)
    assert "1100 new emails" in preview and "3 call(s)" in preview
    assert "1 already testers" in preview and "1 invalid (skipped): 'not-an-email'" in preview
    assert "2 repeated entries" in preview
    body = done.structured_content
    assert body is not None and body["status"] == "executed", text(done)
    outcome = body["result"]
    assert outcome["added"] == NEW and outcome["add_calls"] == 3
    assert outcome["already_testers"] == ["listener0001@example.com"] and outcome["invalid"] == ["not-an-email"]
    assert [len(b) for b in box.added_batches()] == [500, 500, 100]
    assert [e for batch in box.added_batches() for e in batch] == NEW
    assert box.emails(LARGE_SKILL_ID)[-1100:] == NEW


async def test_elicitation_approves_the_whole_invitation_once(mode: str) -> None:
    box = make_alexa()
    async with box.client(mode, answer="accept") as client:
        done = await client.call_tool(TOOL, {"skill_id": DEMO_SKILL_ID, "emails": NEW[:3]})
    assert done.structured_content is not None and done.structured_content["status"] == "executed", text(done)
    assert len(box.asked) == 1 and "3 new emails" in box.asked[0] and "1 call(s)" in box.asked[0]
    assert box.emails(DEMO_SKILL_ID)[-3:] == NEW[:3]


async def test_a_failed_second_call_reports_exactly_who_was_added_and_a_rerun_adds_the_rest(mode: str) -> None:
    box = make_alexa(faults=NthAddFails(2, "503"))
    _, failed = await invite(box, mode, NEW)
    message = text(failed)
    assert failed.is_error
    assert "add call 2 of 3 failed" in message and "HTTP 503 (SERVICE_UNAVAILABLE)" in message
    assert f"Added 500 of 1100 new emails: {', '.join(NEW[:500])}." in message
    assert f"Not added (600): {', '.join(NEW[500:])}." in message
    assert "adds only the missing ones" in message and "outcome is unknown" not in message
    assert box.emails(LARGE_SKILL_ID)[-500:] == NEW[:500]
    assert [len(b) for b in box.added_batches()] == [500, 500]  # the failed call was not retried

    box.transport.sent.clear()
    preview, again = await invite(box, mode, NEW)
    assert "600 new emails" in preview and "500 already testers" in preview
    assert again.structured_content is not None and again.structured_content["status"] == "executed", text(again)
    assert again.structured_content["result"]["added"] == NEW[500:]
    assert [len(b) for b in box.added_batches()] == [500, 100]
    assert box.emails(LARGE_SKILL_ID)[-1100:] == NEW


async def test_a_call_that_went_through_before_failing_is_counted_as_added(mode: str) -> None:
    box = make_alexa(faults=NthAddFails(2, "503_after_execute"))
    _, failed = await invite(box, mode, NEW)
    message = text(failed)
    assert f"Added 1000 of 1100 new emails: {', '.join(NEW[:1000])}." in message
    assert f"Not added (100): {', '.join(NEW[1000:])}." in message
    assert box.emails(LARGE_SKILL_ID)[-1000:] == NEW[:1000]


async def test_a_refused_first_call_changed_nothing(mode: str) -> None:
    box = make_alexa()
    too_many = [f"x{n}@example.org" for n in range(459)]  # the demo skill has 458 invites left
    preview, failed = await invite(box, mode, too_many, DEMO_SKILL_ID)
    assert "only 458 invites remain" in preview
    message = text(failed)
    assert failed.is_error and "HTTP 400 (TESTER_LIMIT_EXCEEDED)" in message
    assert "Added 0 of 459 new emails: none." in message and "Nothing was changed." in message
    assert len(box.emails(DEMO_SKILL_ID)) == 42


async def test_nothing_new_needs_no_add_call(mode: str) -> None:
    box = make_alexa()
    preview, done = await invite(box, mode, ["draft.tester1@example.com"], DRAFT_SKILL_ID)
    assert "Nothing to add" in preview
    assert done.structured_content is not None and done.structured_content["result"]["add_calls"] == 0
    assert not box.added_batches() and not box.state.write_log
