"""`betasend_add_subscribers_to_lists` through the MCP client: one preview, one confirmation, every outcome."""

from __future__ import annotations

from typing import Any

import pytest

from betaops.providers.betasend.simulator import BETA_LIST_ID
from betaops.providers.betasend.tasks import ADD_SUBSCRIBERS_TO_LISTS, CHUNK
from betaops.server.guard import task_context
from betaops.server.runtime import ConfirmMode
from tests.providers.betasend.raw_http import make_sim
from tests.support import Box, confirming, make_box, text

pytestmark = pytest.mark.anyio
TOOL = "betasend_add_subscribers_to_lists"


def people(*emails: str) -> list[dict[str, Any]]:
    return [{"email": e} for e in emails]


def outcomes(result: Any) -> dict[tuple[str, int | None], str]:
    body = result.structured_content
    assert body is not None, text(result)
    assert body["status"] == "executed", body
    return {(o["email"], o["list_id"]): o["outcome"] for o in body["result"]["outcomes"]}


def adds(box: Box) -> list[dict[str, str]]:
    return [r.form for r in box.state.requests if r.path.endswith(("/list-subscribers-add", "/subscribers-add"))]


async def test_preview_classifies_and_one_confirmation_reports_each_email(mode: str) -> None:
    box = make_box("betasend")
    batch = [
        {"email": "webformtest010@gmail.com"},  # subscribed to list 1, not to list 6
        {"email": "webformtest01@gmail.com"},  # unsubscribed from list 1: re-subscribed
        {"email": "Fresh@Acme.example", "first_name": "Fresh", "last_name": "Face"},
        {"email": "fresh@acme.example"},  # the same address again
        {"email": "not an email"},
    ]
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool(TOOL, {"subscribers": batch, "list_ids": [1, BETA_LIST_ID]})
    assert len(box.asked) == 1
    asked = box.asked[0]
    head, *details = asked.splitlines()
    assert head == "Add subscribers to lists: 5 new subscription(s) on 2 list(s)."
    assert details[0] == (
        '- list #1 "First List" (7 emails: 4 subscribed, 3 unsubscribed): '
        '2 new: "webformtest01@gmail.com", "fresh@acme.example"; '
        'already subscribed, left as they are: 1 email: "webformtest010@gmail.com".'
    )
    assert details[1] == '  Had unsubscribed and will be re-subscribed: 1 email: "webformtest01@gmail.com".'
    assert details[2].startswith('- list #6 "Beta Testers"') and "3 new" in details[2]
    assert 'Invalid, not sent: 1 email: "not an email" (' in asked
    assert 'Duplicates ignored: 1 email: "fresh@acme.example".' in asked
    got = outcomes(result)
    assert got == {  # the repeated address is one person (the shared people rule), so it has one outcome per list
        ("not an email", None): "invalid",
        ("webformtest010@gmail.com", 1): "already_there",
        ("fresh@acme.example", 1): "invited",
        ("fresh@acme.example", BETA_LIST_ID): "invited",
        ("webformtest01@gmail.com", 1): "invited",
        ("webformtest010@gmail.com", BETA_LIST_ID): "invited",
        ("webformtest01@gmail.com", BETA_LIST_ID): "invited",
    }
    body = result.structured_content["result"]
    assert body["counts"] == {"invited": 5, "already_there": 1, "invalid": 1}
    why = {(o["email"], o["list_id"]): o["detail"] for o in body["outcomes"]}
    assert why[("webformtest01@gmail.com", 1)] == "had unsubscribed; subscribed again"
    assert why[("not an email", None)]  # why it is not an email
    # The named person went alone (to keep the name), the rest in one call per list.
    assert adds(box) == [
        {"email": "fresh@acme.example", "list_id": f"1,{BETA_LIST_ID}", "first_name": "Fresh", "last_name": "Face"},
        {"email": "webformtest01@gmail.com", "list_id": "1"},
        {"email": "webformtest010@gmail.com,webformtest01@gmail.com", "list_id": str(BETA_LIST_ID)},
    ]
    fresh = box.state.by_email("fresh@acme.example")
    assert fresh is not None and fresh.first_name == "Fresh"


async def test_large_batches_are_sent_in_chunks() -> None:
    box = make_box("betasend", confirm=ConfirmMode.NEVER)
    emails = [f"bulk{i:03d}@acme.example" for i in range(250)]
    async with box.client() as client:
        result = await client.call_tool(TOOL, {"subscribers": people(*emails), "list_ids": [5]})
    got = outcomes(result)
    assert all(got[(e, 5)] == "invited" for e in emails)
    sizes = [len(form["email"].split(",")) for form in adds(box)]
    assert sizes == [CHUNK, CHUNK, 50]
    details = [r for r in box.state.requests if r.path.endswith("/subscribers-details")]
    assert len(details) in (3, 6)  # the read side is chunked too (the plan reads, and the run may read again)


async def test_a_lost_chunk_is_reported_unknown_and_the_rest_still_added() -> None:
    box = make_box("betasend", confirm=ConfirmMode.NEVER)
    emails = [f"bulk{i:03d}@acme.example" for i in range(150)]
    box.config.faults.queue("500_after_execute", path="/list-subscribers-add")
    async with box.client() as client:
        result = await client.call_tool(TOOL, {"subscribers": people(*emails), "list_ids": [5]})
    got = outcomes(result)
    assert {got[(e, 5)] for e in emails[:CHUNK]} == {"unknown"}
    assert {got[(e, 5)] for e in emails[CHUNK:]} == {"invited"}
    body = result.structured_content["result"]
    assert body["counts"] == {"unknown": CHUNK, "invited": 50}
    assert "may have happened" in body["note"] and f"For {CHUNK} people:" in body["note"] and "HTTP 500" in body["note"]
    assert len(adds(box)) == 2  # not retried


async def test_token_is_refused_when_the_lists_changed_since_the_preview(mode: str) -> None:
    box = make_box("betasend")
    args = {"subscribers": people("a@acme.example", "b@acme.example"), "list_ids": [5]}
    async with box.client(mode) as client:
        first = await client.call_tool(TOOL, args)
        assert first.structured_content is not None
        assert first.structured_content["status"] == "confirmation_required"
        assert '2 new: "a@acme.example", "b@acme.example"' in first.structured_content["preview"]
        token = confirming(first.structured_content)
        other = make_sim(state=box.state)  # someone else subscribes a@ to list 5 meanwhile
        async with other.http:
            assert (await other.post("subscribers-add", {"email": "a@acme.example", "list_id": 5})).status_code == 200
        later = await client.call_tool(TOOL, {**args, **token})
    assert later.is_error and "Nothing was changed" in text(later)
    assert len(adds(box)) == 1 and box.state.by_email("b@acme.example") is None


async def test_missing_list_stops_before_anything_is_sent(mode: str) -> None:
    box = make_box("betasend")
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool(TOOL, {"subscribers": people("a@acme.example"), "list_ids": [5, 3]})
    assert result.is_error and "Invalid list id : 3" in text(result) and "Nothing was changed" in text(result)
    assert box.writes == 0


async def test_default_list_comes_from_betasend_list_id(monkeypatch: pytest.MonkeyPatch) -> None:
    async with make_box("betasend", confirm=ConfirmMode.NEVER).client() as client:
        missing = await client.call_tool(TOOL, {"subscribers": people("a@acme.example")})
    monkeypatch.setenv("BETASEND_LIST_ID", "5")  # pinned: read once, when the server connects
    async with make_box("betasend", confirm=ConfirmMode.NEVER).client() as client:
        done = await client.call_tool(TOOL, {"subscribers": people("a@acme.example")})
    assert missing.is_error and "BETASEND_LIST_ID" in text(missing) and "Nothing was changed" in text(missing)
    assert outcomes(done) == {("a@acme.example", 5): "invited"}


async def test_nothing_new_is_a_noop_and_sends_nothing() -> None:
    box = make_box("betasend")
    task = ADD_SUBSCRIBERS_TO_LISTS
    assert task.plan is not None
    params = task.params.model_validate({"subscribers": people("webformtest010@gmail.com"), "list_ids": [1]})
    plan = await task.plan(task_context(box.runtime, task), params)
    assert plan.noop and plan.preview.startswith("Nothing will change: nothing new to add")
    result = (await task.run(task_context(box.runtime, task), params, None, plan)).model_dump()
    assert [(o["email"], o["outcome"]) for o in result["outcomes"]] == [("webformtest010@gmail.com", "already_there")]
    assert adds(box) == []


async def test_every_email_is_in_the_preview(mode: str) -> None:
    box = make_box("betasend")
    emails = [f"person{n:03d}@acme.example" for n in range(120)]
    async with box.client(mode) as client:
        first = await client.call_tool(TOOL, {"subscribers": people(*emails), "list_ids": [5]})
    assert first.structured_content is not None
    preview = first.structured_content["preview"]
    assert "120 new: " in preview and all(f'"{e}"' in preview for e in emails)
