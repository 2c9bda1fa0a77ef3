"""Tests (campaigns): list, read, create, update, copy, change stage, ID verification."""

from __future__ import annotations

from dataclasses import replace

from betaops.providers.betatesting.models import Platform, TestStage, TestStatus
from betaops.providers.betatesting.simulator.context import Call, Reply
from betaops.providers.betatesting.simulator.inputs import assign, invalid, need, paginate
from betaops.providers.betatesting.simulator.state import ActivityRecord, InviteSettingsRecord, TestRecord

# stage -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "launch": (frozenset({"draft", "ready"}), "in_progress"),
    "pause": (frozenset({"in_progress"}), "paused"),
    "resume": (frozenset({"paused"}), "in_progress"),
    "complete": (frozenset({"in_progress", "paused"}), "complete"),
    "close": (frozenset(s.value for s in TestStatus) - {"closed"}, "closed"),
}


def list_tests(call: Call) -> Reply:
    status = call.query.enum("status", TestStatus)
    tests = [call.state.test_wire(t) for t in call.state.company_tests(call.company_id)]
    return Reply(200, paginate((t for t in tests if status is None or t["status"] == status), call.query))


def get_test(call: Call) -> Reply:
    return Reply.item(call.state.test_wire(call.test()))


def _details(call: Call, test: TestRecord, *, creating: bool) -> None:
    body = call.body
    name = body.string("name", required=creating)
    description = body.string("description", max_len=5000)
    platform = body.enum("platform", Platform)
    max_testers = body.integer("maxTesters", lo=1, hi=10000)
    assign(test, name=name, description=description, platform=platform, max_testers=max_testers)


def create_test(call: Call) -> Reply:
    state = call.state
    test = TestRecord(
        id=0,
        company_id=call.company_id,
        name="",
        status="draft",
        description=None,
        platform=None,
        max_testers=None,
        id_verification_required=False,
        start_date=None,
        end_date=None,
        created_at=call.now,
        updated_at=call.now,
    )
    _details(call, test, creating=True)
    test.id = state.next_id("tests")
    state.tests[test.id] = test
    _default_invite_settings(call, test.id)
    return Reply.item(state.test_wire(test), 201)


def _default_invite_settings(call: Call, test_id: int) -> None:
    call.state.invite_settings[test_id] = InviteSettingsRecord(
        test_id,
        auto_accept=False,
        max_invites=500,
        invite_message="You're invited to our beta test!",
        require_screener=True,
    )


def update_test(call: Call) -> Reply:
    test = call.test()
    _details(call, test, creating=False)
    test.updated_at = call.now
    return Reply.item(call.state.test_wire(test))


def copy_test(call: Call) -> Reply:
    state, source = call.state, call.test()
    name = call.body.string("name") or f"Copy of {source.name}"[:255]
    copy = replace(
        source,
        id=state.next_id("tests"),
        name=name,
        status="draft",
        start_date=None,
        end_date=None,
        created_at=call.now,
        updated_at=call.now,
    )
    state.tests[copy.id] = copy
    settings = state.invite_settings.get(source.id)
    if settings is not None:
        state.invite_settings[copy.id] = replace(settings, test_id=copy.id)
    else:
        _default_invite_settings(call, copy.id)
    for activity in [a for a in state.activities.values() if a.test_id == source.id]:
        items = [replace(i, id=state.next_id("items"), options=list(i.options or []) or None) for i in activity.items]
        new = ActivityRecord(
            state.next_id("activities"),
            copy.id,
            activity.title,
            activity.type,
            activity.description,
            "draft",
            call.now,
            items,
        )
        state.activities[new.id] = new
    return Reply.item(state.test_wire(copy), 201)


def change_stage(call: Call) -> Reply:
    test = call.test()
    stage = need(call.body.enum("stage", TestStage, required=True))
    sources, target = TRANSITIONS[stage]
    if test.status not in sources:
        allowed = ", ".join(sorted(sources))
        raise invalid(f"Cannot {stage} test {test.id}: it is {test.status}; {stage} is allowed only from: {allowed}.")
    test.status = target
    if stage == "launch" and test.start_date is None:
        test.start_date = call.now
    if stage in ("complete", "close") and test.end_date is None:
        test.end_date = call.now
    test.updated_at = call.now
    return Reply.item(call.state.test_wire(test))


def require_id_verification(call: Call) -> Reply:
    test = call.test()
    test.id_verification_required = True
    test.updated_at = call.now
    return Reply.item({"id_verification_required": True, "test_id": test.id})


def remove_id_verification(call: Call) -> Reply:
    test = call.test()
    test.id_verification_required = False
    test.updated_at = call.now
    return Reply.no_content()
