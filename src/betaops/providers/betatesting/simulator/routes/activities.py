"""Activities (surveys and tasks) and their items (questions and tasks)."""

from __future__ import annotations

from betaops.providers.betatesting.models import ActivityItemType, ActivityType
from betaops.providers.betatesting.simulator.context import Call, Reply
from betaops.providers.betatesting.simulator.inputs import assign, need, paginate
from betaops.providers.betatesting.simulator.state import ActivityRecord, ItemRecord


def list_activities(call: Call) -> Reply:
    test = call.test()
    rows = (a.wire(with_responses=False) for a in call.state.activities.values() if a.test_id == test.id)
    return Reply(200, paginate(rows, call.query))


def get_activity(call: Call) -> Reply:
    return Reply.item(call.activity().wire(with_responses=True))


def create_activity(call: Call) -> Reply:
    test, body = call.test(), call.body
    title = need(body.string("title", required=True))
    kind = need(body.enum("type", ActivityType, required=True))
    description = body.string("description", max_len=5000)
    activity = ActivityRecord(call.state.next_id("activities"), test.id, title, kind, description, "draft", call.now)
    call.state.activities[activity.id] = activity
    return Reply.item(activity.wire(with_responses=False), 201)


def update_activity(call: Call) -> Reply:
    activity, body = call.activity(), call.body
    title = body.string("title")
    description = body.string("description", max_len=5000)
    assign(activity, title=title, description=description)
    return Reply.item(activity.wire(with_responses=False))


def delete_activity(call: Call) -> Reply:
    del call.state.activities[call.activity().id]
    return Reply.no_content()


def _options(call: Call) -> list[str] | None:
    return call.body.string_list("options", max_items=50)


def add_item(call: Call) -> Reply:
    activity, body = call.activity(), call.body
    kind = need(body.enum("type", ActivityItemType, required=True))
    title = need(body.string("title", required=True, max_len=5000))
    required = body.boolean("required")
    item = ItemRecord(call.state.next_id("items"), kind, title, bool(required), _options(call), len(activity.items) + 1)
    activity.items.append(item)
    return Reply.item(item.wire(), 201)


def update_item(call: Call) -> Reply:
    _, item = call.item()
    title = call.body.string("title", max_len=5000)
    required = call.body.boolean("required")
    options = _options(call)
    assign(item, title=title, required=required, options=options)
    return Reply.item(item.wire())


def delete_item(call: Call) -> Reply:
    activity, item = call.item()
    activity.items.remove(item)
    activity.responses = [r for r in activity.responses if r.get("item_id") != item.id]
    for position, remaining in enumerate(activity.items, start=1):
        remaining.position = position
    return Reply.no_content()
