"""Every Betasend tool through a real MCP client, in both protocol eras.

Reads run free; each write runs once with elicitation and once through the confirm_token path,
and the simulator's state shows it happened exactly once. Then the Betasend-specific rules:
in-body errors (HTTP 200) are tool errors that say nothing changed, lists page by 1-based offsets,
comma-separated parameters are typed lists, and the credentials appear nowhere.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mcp.types import Tool
from pydantic import SecretStr

from betaops.core.operation import Effect, Operation
from betaops.core.task import Task
from betaops.providers.betasend.operations import OPERATIONS
from betaops.providers.betasend.provider import BETASEND, credentials
from betaops.providers.betasend.simulator import BETA_LIST_ID, DOC_CODE, BetasendState
from betaops.providers.betasend.tasks import TASKS
from betaops.server.runtime import ConfirmMode
from tests.providers.betasend.raw_http import SECRETS
from tests.snapshots import check_snapshots
from tests.support import Box, confirming, make_box, text

pytestmark = pytest.mark.anyio
SNAPSHOTS = Path(__file__).parent / "__toolsnaps__"
EVERY: list[Operation | Task] = [*OPERATIONS, *TASKS]
ACTIONS = {a.tool_name: a for a in EVERY}


def _member(state: BetasendState, email: str, list_id: int) -> Any:
    sub = state.by_email(email)
    return state.memberships.get((sub.subscribe_id, list_id)) if sub is not None else None


def _subscribed(state: BetasendState, email: str, list_id: int) -> bool:
    member = _member(state, email, list_id)
    return member is not None and member.subscribed == "Yes" and member.status == "Active"


def _created(state: BetasendState) -> bool:
    new = state.lists.get(9)
    return new is not None and new.list_name == "Spring beta" and new.default_from_email == "beta@acme.example"


SAMPLES: dict[str, dict[str, Any]] = {
    "get_account": {},
    "update_account": {"first_name": "Sean", "city": "Dhaka"},
    "add_subscriber": {"email": "new.person@acme.example", "list_id": [1, 5], "first_name": "New"},
    "get_subscribers": {"email": ["subscriber01@gmail.com", "noexsit@gmail.com"]},
    "unsubscribe_subscriber": {"email": "webformtest010@gmail.com", "list_id": 1},
    "delete_subscriber": {"email": "webformtest010@gmail.com", "list_id": [1]},
    "send_reply_email_verification": {"email": "from@acme.example"},
    "verify_reply_email_code": {"verification_code": DOC_CODE},
    "create_list": {"list_name": "Spring beta", "from_name": "Acme", "reply_email": "beta@acme.example"},
    "update_list": {"list_id": 5, "list_name": "Renamed"},
    "delete_list": {"list_id": 5},
    "list_lists": {},
    "get_list_statistics": {"list_id": 1},
    "add_list_subscribers": {"email": ["a@acme.example", "b@acme.example"], "list_id": 5},
    "list_subscribers": {"list_id": 1},
    "add_subscribers_to_lists": {"subscribers": [{"email": "a@acme.example"}], "list_ids": [5]},
}

DONE: dict[str, Callable[[BetasendState], bool]] = {
    "update_account": lambda s: s.account.first_name == "Sean" and s.account.city == "Dhaka",
    "add_subscriber": lambda s: all(_subscribed(s, "new.person@acme.example", n) for n in (1, 5)),
    "unsubscribe_subscriber": lambda s: not _subscribed(s, "webformtest010@gmail.com", 1),
    "delete_subscriber": lambda s: s.by_email("webformtest010@gmail.com") is None,
    "send_reply_email_verification": lambda s: [m.to for m in s.outbox] == ["from@acme.example"],
    "verify_reply_email_code": lambda s: "myfromemail01@gmail.com" in s.verified_emails,
    "create_list": _created,
    "update_list": lambda s: s.lists[5].list_name == "Renamed",
    "delete_list": lambda s: s.active_list(5) is None,
    "add_list_subscribers": lambda s: all(_subscribed(s, e, 5) for e in ("a@acme.example", "b@acme.example")),
    "add_subscribers_to_lists": lambda s: _subscribed(s, "a@acme.example", 5),
}


def test_every_action_has_a_sample() -> None:
    assert {a.name for a in ACTIONS.values()} == set(SAMPLES)
    assert {a.name for a in ACTIONS.values() if a.is_write} == set(DONE)


async def listed(box: Box, mode: str = "auto") -> dict[str, Tool]:
    """The Betasend tools listed (server-level betaops_* discovery tools are tested elsewhere)."""
    async with box.client(mode) as client:
        return {t.name: t for t in (await client.list_tools()).tools if t.name.startswith("betasend_")}


@pytest.mark.parametrize("name", sorted(ACTIONS), ids=lambda n: n.removeprefix("betasend_"))
async def test_tool_runs_with_elicitation(name: str, mode: str) -> None:
    action = ACTIONS[name]
    box = make_box("betasend")
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool(name, SAMPLES[action.name])
    assert not result.is_error, text(result)
    body = result.structured_content  # the client validated it against the published outputSchema
    assert body is not None
    if action.is_write:
        assert body["status"] == "executed", body
        assert len(box.asked) == 1 and action.title in box.asked[0]
        assert DONE[action.name](box.state)
        assert box.writes >= 1
    else:
        assert box.writes == 0 and box.asked == []
        assert body


@pytest.mark.parametrize("name", sorted(n for n, a in ACTIONS.items() if a.is_write), ids=lambda n: n[9:])
async def test_write_runs_through_the_token_path_once(name: str, mode: str) -> None:
    action = ACTIONS[name]
    box = make_box("betasend")
    args = SAMPLES[action.name]
    async with box.client(mode) as client:
        first = await client.call_tool(name, args)
        assert first.structured_content is not None, text(first)
        assert first.structured_content["status"] == "confirmation_required"
        assert box.writes == 0 and not DONE[action.name](box.state)
        token = confirming(first.structured_content)
        done = await client.call_tool(name, {**args, **token})
        assert done.structured_content is not None, text(done)
        assert done.structured_content["status"] == "executed"
        again = await client.call_tool(name, {**args, **token})
    # The same token again is the same approval: its first outcome, nothing sent twice.
    assert again.structured_content is not None and again.structured_content["replayed"] is True, text(again)
    assert DONE[action.name](box.state)


async def test_declined_write_changes_nothing(mode: str) -> None:
    box = make_box("betasend")
    async with box.client(mode, answer="decline") as client:
        result = await client.call_tool("betasend_delete_list", {"list_id": 1})
    assert result.structured_content is not None
    assert result.structured_content["status"] == "not_executed"
    assert box.state.active_list(1) is not None and box.writes == 0
    assert '"First List" (7 emails: 4 subscribed, 3 unsubscribed)' in box.asked[0]
    assert "cannot be undone" in box.asked[0]


async def test_previews_show_the_current_state() -> None:
    box = make_box("betasend")
    async with box.client() as client:
        result = await client.call_tool("betasend_unsubscribe_subscriber", SAMPLES["unsubscribe_subscriber"])
    assert result.structured_content is not None
    preview = result.structured_content["preview"]
    assert 'webformtest010@gmail.com: #1 "First List" (subscribed)' in preview


# ---------------------------------------------------------------------------- errors in the body


async def test_http_200_error_body_is_a_tool_error_that_changed_nothing(mode: str) -> None:
    box = make_box("betasend", confirm=ConfirmMode.NEVER)
    async with box.client(mode) as client:
        result = await client.call_tool("betasend_add_subscriber", {"email": "a@acme.example", "list_id": [1, 10]})
    assert result.is_error
    message = text(result)
    assert "HTTP 200 (406)" in message and "Invalid list id : 10" in message
    assert "Nothing was changed." in message
    assert box.writes == 0 and box.state.by_email("a@acme.example") is None


async def test_read_error_body_is_a_tool_error(mode: str) -> None:
    box = make_box("betasend")
    async with box.client(mode) as client:
        result = await client.call_tool("betasend_get_list_statistics", {"list_id": 3})
    assert result.is_error and "Invalid list id : 3" in text(result)


async def test_preview_of_a_missing_target_fails_without_changing_anything(mode: str) -> None:
    box = make_box("betasend")
    async with box.client(mode, answer="accept") as client:
        result = await client.call_tool("betasend_delete_list", {"list_id": 10})
    assert result.is_error and "Invalid list id : 10" in text(result) and "Nothing was changed" in text(result)
    assert box.asked == [] and box.writes == 0


async def test_bad_credentials_say_what_to_check_and_never_show_secrets(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    box = make_box(
        "betasend", auth={"betasend": credentials(SecretStr("wrong-api-key-123"), SecretStr("wrong-hash-456"))}
    )
    async with box.client() as client:
        result = await client.call_tool("betasend_list_lists", {})
    assert result.is_error
    message = text(result)
    assert "HTTP 401" in message and "BETASEND_API_KEY" in message and "BETASEND_HASH" in message
    for secret in ("wrong-api-key-123", "wrong-hash-456"):
        assert secret not in message and secret not in caplog.text


async def test_writes_are_not_retried_but_reads_are_with_credentials_each_time() -> None:
    box = make_box("betasend", confirm=ConfirmMode.NEVER)
    box.config.faults.queue("503", path="/lists")
    box.config.faults.queue("500_after_execute", path="/list-create")
    async with box.client() as client:
        read = await client.call_tool("betasend_list_lists", {})
        write = await client.call_tool("betasend_create_list", {"list_name": "Once"})
    assert not read.is_error, text(read)
    lists_calls = [r for r in box.state.requests if r.path.endswith("/lists")]
    assert [r.attempt for r in lists_calls] == ["1", "2"] and all(r.had_credentials for r in lists_calls)
    assert write.is_error and "outcome is unknown" in text(write)
    assert [r.attempt for r in box.state.requests if r.path.endswith("/list-create")] == ["1"]
    assert [lst.list_name for lst in box.state.lists.values()].count("Once") == 1


# ---------------------------------------------------------------------------- pagination


async def test_cursor_walk_and_a_large_limit_return_the_same_subscribers(mode: str) -> None:
    box = make_box("betasend")
    expected = {m.subscribe_id for m in box.state.members(BETA_LIST_ID)}
    assert len(expected) > 300
    seen: list[int] = []
    seen_progress: list[float] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen_progress.append(progress)

    async with box.client(mode) as client:
        cursor = None
        while True:
            args: dict[str, Any] = {"list_id": BETA_LIST_ID, "limit": 40}
            if cursor:
                args["cursor"] = cursor
            page = await client.call_tool("betasend_list_subscribers", args)
            assert page.structured_content is not None, text(page)
            seen += [i["subscribe_id"] for i in page.structured_content["items"]]
            cursor = page.structured_content["next_cursor"]
            if cursor is None:
                break
        everything = await client.call_tool(
            "betasend_list_subscribers",
            {"list_id": BETA_LIST_ID, "limit": 2000},
            progress_callback=on_progress,
        )
        other = await client.call_tool("betasend_list_subscribers", {"list_id": 1, "cursor": cursor or "x"})
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    body = everything.structured_content
    assert body is not None and body["next_cursor"] is None
    assert sorted(i["subscribe_id"] for i in body["items"]) == sorted(expected)
    assert seen_progress and seen_progress[-1] == len(expected)
    assert other.is_error and "cursor is not valid" in text(other)
    starts = [r.form["start"] for r in box.state.requests if r.path.endswith("/list-subscribers")]
    assert starts[:3] == ["1", "41", "81"]  # 1-based offsets


async def test_list_items_are_normalised_and_trimmed() -> None:
    box = make_box("betasend")
    async with box.client() as client:
        page = await client.call_tool("betasend_list_lists", {"limit": 2, "fields": ["deleted_date"]})
        full = await client.call_tool("betasend_list_subscribers", {"list_id": 1, "limit": 2, "fields": ["all"]})
    assert page.structured_content is not None and full.structured_content is not None
    first = page.structured_content["items"][0]
    assert first["date_added"] == "2017-01-11T21:59:16" and "deleted_date" not in first  # sentinel -> null, dropped
    assert "list_key" not in first
    row = full.structured_content["items"][0]
    assert row["subscribed_date"] == "2017-01-16T21:39:31" and "unsubscribed_date" not in row
    assert page.structured_content["next_cursor"] is not None


async def test_subscriber_details_are_normalised() -> None:
    box = make_box("betasend")
    async with box.client() as client:
        result = await client.call_tool(
            "betasend_get_subscribers", {"email": ["subscriber01@gmail.com", "noexsit@gmail.com"]}
        )
    assert result.structured_content is not None
    one, missing = result.structured_content["subscribers"]
    assert one["email"] == "subscriber01@gmail.com" and one["found"] is True
    assert one["general"] == {"subscribed": "No", "subscribed_date": None, "unsubscribed_date": None}
    assert one["lists"][0] == {
        "list_id": 3,
        "list_name": "Empty List",
        "subscribed": "No",
        "subscribed_date": "2017-02-15T03:54:01",
        "unsubscribed_date": None,
    }
    assert missing == {
        "email": "noexsit@gmail.com",
        "found": False,
        "general": None,
        "lists": [],
        "error": "Email not subscribed",
    }


# ---------------------------------------------------------------------------- the tool surface


async def test_annotations_are_truthful(mode: str) -> None:
    tools = await listed(make_box("betasend"), mode)
    assert set(tools) == set(ACTIONS)
    for name, tool in tools.items():
        effect = ACTIONS[name].effect
        hints = tool.annotations
        assert hints is not None
        assert hints.read_only_hint is (effect is Effect.READ), name
        assert hints.destructive_hint is (effect is Effect.DESTRUCTIVE), name
        assert hints.idempotent_hint is ACTIONS[name].idempotent and hints.open_world_hint is True
        assert tool.description and len(tool.description) < 500
    destructive = {n for n, t in tools.items() if t.annotations and t.annotations.destructive_hint}
    assert destructive == {"betasend_delete_subscriber", "betasend_delete_list"}
    assert tools["betasend_list_lists"].annotations.read_only_hint is True  # type: ignore[union-attr]  # POST on the wire


async def test_comma_separated_parameters_are_typed_lists() -> None:
    tools = await listed(make_box("betasend"))
    add = tools["betasend_add_subscriber"].input_schema["properties"]
    # A list is named by id or by name (server/names.py); ids are checked (1..2^31-1) once resolved.
    assert add["list_id"]["type"] == "array" and add["list_id"]["items"] == {"type": ["integer", "string"]}
    assert add["email"]["format"] == "email"
    details = tools["betasend_get_subscribers"].input_schema["properties"]["email"]
    assert details["type"] == "array" and details["items"]["format"] == "email"
    assert tools["betasend_add_list_subscribers"].input_schema["properties"]["list_id"]["type"] == ["integer", "string"]
    box = make_box("betasend", confirm=ConfirmMode.NEVER)
    async with box.client() as client:
        bad = await client.call_tool(
            "betasend_add_list_subscribers", {"email": ["ok@acme.example", "nope"], "list_id": 5}
        )
        zero = await client.call_tool("betasend_delete_subscriber", {"email": "a@acme.example", "list_id": [0]})
        done = await client.call_tool(
            "betasend_add_list_subscribers", {"email": ["x@acme.example", "y@acme.example"], "list_id": 5}
        )
    assert bad.is_error and zero.is_error and "nothing was changed" in text(bad)
    assert not done.is_error
    sent = [r.form for r in box.state.requests if r.path.endswith("/list-subscribers-add")]
    assert sent == [{"email": "x@acme.example,y@acme.example", "list_id": "5"}]


async def test_credentials_are_in_no_schema_preview_result_or_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    box = make_box("betasend")
    async with box.client() as client:
        tools = (await client.list_tools()).tools
        outputs = [json.dumps([t.model_dump(mode="json") for t in tools])]
        for name, action in ACTIONS.items():
            result = await client.call_tool(name, SAMPLES[action.name])
            outputs.append(text(result))
        outputs.append(
            text(await client.call_tool("betasend_add_subscriber", {"email": "a@b.example", "list_id": [99]}))
        )
    for tool in tools:
        assert not {"api", "hash"} & set(tool.input_schema.get("properties", {})), tool.name
    blob = "\n".join(outputs) + caplog.text
    for secret in SECRETS:
        assert secret not in blob
    assert all(r.had_credentials for r in box.state.requests)


async def test_read_only_mode_lists_only_reads() -> None:
    tools = await listed(make_box("betasend", read_only=True))
    assert set(tools) == {n for n, a in ACTIONS.items() if not a.is_write}


async def test_default_surface_is_the_core_tools() -> None:
    tools = await listed(make_box("betasend", toolsets=None))
    assert set(tools) == {f"betasend_{n}" for n in BETASEND.core_tools}
    # Subscribing people from the default surface goes through betaops_invite_testers (all providers at once).
    assert "betasend_get_list_statistics" in tools and "betasend_delete_list" not in tools
    account = await listed(make_box("betasend", toolsets=("betasend.account",)))
    assert set(account) == {n for n, a in ACTIONS.items() if a.toolset == "account"}


async def test_tool_schemas_match_the_committed_snapshots() -> None:
    """A change to the Betasend tool surface shows up as a reviewed diff in __toolsnaps__/."""
    tools = await listed(make_box("betasend"))
    check_snapshots(tools, SNAPSHOTS)
