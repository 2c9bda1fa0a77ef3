"""`alexa_invite_testers`: one approval, 500-sized add calls, exact per-email outcome on failure."""

from __future__ import annotations

from typing import Any

import pytest

from betaops.providers.alexa.simulator import DEMO_SKILL_ID, DRAFT_SKILL_ID, LARGE_SKILL_ID
from betaops.providers.alexa.tasks import INVITE_TESTERS
from betaops.server.guard import task_context
from betaops.sim.faults import Fault, Faults
from tests.providers.alexa.helpers import added_batches, emails
from tests.support import Box, confirming, make_box, text

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


def by_outcome(result: Any) -> dict[str, list[str]]:
    """The executed invite's emails grouped by outcome, in the order the result gives them."""
    body = result.structured_content
    assert body is not None and body["status"] == "executed", text(result)
    grouped: dict[str, list[str]] = {}
    for o in body["result"]["outcomes"]:
        grouped.setdefault(o["outcome"], []).append(o["email"])
    return grouped


async def invite(box: Box, mode: str, emails: list[str], skill_id: str = LARGE_SKILL_ID) -> tuple[str, Any]:
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
    box = make_box("alexa")
    messy = [*NEW, "listener0001@example.com", "not-an-email", "WAVE0000@example.org", " wave0001@example.org "]
    preview, done = await invite(box, mode, messy)
    head, *details = preview.splitlines()
    assert head.startswith("Invite 1100 new tester(s) to the beta test") and LARGE_SKILL_ID in head
    assert details[0].startswith(
        "Added in 3 call(s) of at most 500; Amazon emails each an invitation now: 1100 emails:"
    )
    assert all(f'"{e}"' in details[0] for e in NEW)  # every address, not the first few
    assert 'Already testers (skipped): 1 email: "listener0001@example.com".' in details
    assert 'Invalid (skipped): 1 entry: "not-an-email".' in details
    assert "2 repeated entries counted once." in details
    assert by_outcome(done) == {
        "invited": NEW,
        "already_there": ["listener0001@example.com"],
        "invalid": ["not-an-email"],
    }
    assert done.structured_content is not None and done.structured_content["result"]["add_calls"] == 3
    assert [len(b) for b in added_batches(box)] == [500, 500, 100]
    assert [e for batch in added_batches(box) for e in batch] == NEW
    assert emails(box, LARGE_SKILL_ID)[-1100:] == NEW


async def test_elicitation_approves_the_whole_invitation_once(mode: str) -> None:
    box = make_box("alexa")
    async with box.client(mode, answer="accept") as client:
        done = await client.call_tool(TOOL, {"skill_id": DEMO_SKILL_ID, "emails": NEW[:3]})
    assert done.structured_content is not None and done.structured_content["status"] == "executed", text(done)
    assert len(box.asked) == 1 and "Invite 3 new tester(s)" in box.asked[0] and "1 call(s)" in box.asked[0]
    assert emails(box, DEMO_SKILL_ID)[-3:] == NEW[:3]


async def test_a_failed_second_call_reports_exactly_who_was_added_and_a_rerun_adds_the_rest(mode: str) -> None:
    box = make_box("alexa", sim_fields={"alexa": {"faults": NthAddFails(2, "503")}})
    _, failed = await invite(box, mode, NEW)
    assert by_outcome(failed) == {"invited": NEW[:500], "failed": NEW[500:1000], "not_attempted": NEW[1000:]}
    result = failed.structured_content["result"]
    assert result["counts"] == {"invited": 500, "failed": 500, "not_attempted": 100}
    # Amazon's reason, said once for the 500 it failed rather than 500 times
    assert all(o["detail"] is None for o in result["outcomes"] if o["outcome"] == "failed")
    assert "For 500 people:" in result["note"] and "503" in result["note"]
    assert result["note"].startswith("Stopped: add call 2 of 3 failed")
    assert "adds only the missing ones" in result["note"]
    assert emails(box, LARGE_SKILL_ID)[-500:] == NEW[:500]
    assert [len(b) for b in added_batches(box)] == [500, 500]  # the failed call was not retried

    box.transport.sent.clear()
    preview, again = await invite(box, mode, NEW)
    assert "Invite 600 new tester(s)" in preview and "Already testers (skipped): 500 emails:" in preview
    assert by_outcome(again) == {"already_there": NEW[:500], "invited": NEW[500:]}
    assert [len(b) for b in added_batches(box)] == [500, 100]
    assert emails(box, LARGE_SKILL_ID)[-1100:] == NEW


async def test_a_call_that_went_through_before_failing_is_counted_as_invited(mode: str) -> None:
    box = make_box("alexa", sim_fields={"alexa": {"faults": NthAddFails(2, "503_after_execute")}})
    _, failed = await invite(box, mode, NEW)
    assert by_outcome(failed) == {"invited": NEW[:1000], "not_attempted": NEW[1000:]}  # the testers were listed again
    assert emails(box, LARGE_SKILL_ID)[-1000:] == NEW[:1000]


async def test_a_refused_first_call_changed_nothing(mode: str) -> None:
    box = make_box("alexa")
    too_many = [f"x{n}@example.org" for n in range(459)]  # the demo skill has 458 invites left
    preview, failed = await invite(box, mode, too_many, DEMO_SKILL_ID)
    assert "only 458 invites remain" in preview
    # Nothing was added: the call is an error with Amazon's reason, not an "executed" list of 459 failures.
    shown = text(failed)
    assert failed.is_error and "HTTP 400 (INVITATION_LIMIT_EXCEEDED)" in shown and "Nothing was changed." in shown
    assert len(emails(box, DEMO_SKILL_ID)) == 42


async def test_nothing_new_is_a_noop_that_makes_no_add_call() -> None:
    box = make_box("alexa")
    task = INVITE_TESTERS
    assert task.plan is not None
    params = task.params.model_validate({"skill_id": DRAFT_SKILL_ID, "emails": ["draft.tester1@example.com"]})
    plan = await task.plan(task_context(box.runtime, task), params)
    assert plan.noop and plan.preview.startswith("Nothing will change: every valid email is a tester")
    done = await task.run(task_context(box.runtime, task), params, None, plan)
    assert done.model_dump()["add_calls"] == 0
    assert not added_batches(box) and not box.state.write_log
