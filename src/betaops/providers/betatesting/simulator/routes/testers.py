"""Testers in a test: list, read, accept, mark complete, message, remove."""

from __future__ import annotations

from betaops.providers.betatesting.models import TesterStatus
from betaops.providers.betatesting.simulator.context import Call, Reply
from betaops.providers.betatesting.simulator.inputs import invalid, need, paginate
from betaops.providers.betatesting.simulator.state import MessageRecord, TesterRecord


def _testers_of(call: Call) -> list[TesterRecord]:
    test = call.test()
    return [t for t in call.state.testers.values() if t.test_id == test.id]


def _matches(tester: TesterRecord, needle: str) -> bool:
    haystack = f"{tester.first_name} {tester.last_name} {tester.email}".casefold()
    return needle.casefold() in haystack


def list_testers(call: Call) -> Reply:
    search = call.query.string("search", max_len=100)
    status = call.query.enum("status", TesterStatus)
    rows = [
        t.wire()
        for t in _testers_of(call)
        if (status is None or t.status == status) and (search is None or _matches(t, search))
    ]
    return Reply(200, paginate(rows, call.query))


def get_tester(call: Call) -> Reply:
    return Reply.item(call.tester().wire())


def list_complete_testers(call: Call) -> Reply:
    return Reply(200, paginate((t.wire() for t in _testers_of(call) if t.status == "complete"), call.query))


def _selected(call: Call) -> list[TesterRecord]:
    """The testers named in `testerIds`; every id must belong to this test."""
    ids = need(call.body.id_list("testerIds", required=True))
    by_id = {t.id: t for t in _testers_of(call)}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        listed = ", ".join(map(str, unknown))
        raise invalid(
            f"The testerIds field contains ids that are not testers of test {call.path['test_id']}: {listed}."
        )
    return [by_id[i] for i in ids]


def accept_testers(call: Call) -> Reply:
    testers = _selected(call)
    refused = [t for t in testers if t.status in ("removed", "opt_out")]
    if refused:
        listed = ", ".join(f"{t.id} ({t.status})" for t in refused)
        raise invalid(f"These testers cannot be accepted: {listed}.")
    for tester in testers:
        if tester.status == "pending_review":
            tester.status = "incomplete"
            tester.joined_at = call.now
    return Reply.items([t.wire() for t in testers])


def mark_testers_complete(call: Call) -> Reply:
    testers = _selected(call)
    refused = [t for t in testers if t.status in ("removed", "opt_out", "pending_review")]
    if refused:
        listed = ", ".join(f"{t.id} ({t.status})" for t in refused)
        raise invalid(f"These testers cannot be marked complete: {listed}.")
    for tester in testers:
        if tester.status != "complete":
            tester.status = "complete"
            tester.completed_at = call.now
    return Reply.items([t.wire() for t in testers])


def send_message(call: Call) -> Reply:
    testers = _selected(call)
    subject = call.body.string("subject")
    text = need(call.body.string("message", required=True, max_len=5000))
    state, test_id = call.state, call.path["test_id"]
    sent = []
    for tester in testers:
        message = MessageRecord(state.next_id("messages"), test_id, tester.id, "to_tester", subject, text, call.now)
        state.messages[message.id] = message
        sent.append(message.wire())
    return Reply.items(sent, 201)


def remove_tester(call: Call) -> Reply:
    call.tester().status = "removed"
    return Reply.no_content()
