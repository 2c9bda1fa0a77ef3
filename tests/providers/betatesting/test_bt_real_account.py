"""BetaTesting as a real account answers: answer shape -> what the user sees (issue 11).

Many BetaTesting bodies are reconstructions (NOTES.md): a real account answered `accept_testers`
with `{"data": {"updated": 2}}`. The rows run through the client layer against the simulator
answering each variant; the last tests go through a real MCP client.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import pytest

from betaops.core.errors import ProviderError
from betaops.core.shapes import UNEXPECTED, fit
from betaops.providers.betatesting import models as m
from betaops.providers.betatesting.operations import BY_NAME, OPERATIONS
from betaops.providers.betatesting.simulator.config import SANDBOX_API_KEY
from betaops.sim.variants import EMPTY
from tests.providers.betatesting.test_simulator import SAMPLES, Ids
from tests.support import Box, make_box, text

pytestmark = pytest.mark.anyio


async def call(fleet: Box, name: str, **args: Any) -> str:
    """What the user would read from the client layer: the error, or the data and its note."""
    op = BY_NAME[name]
    client = fleet.runtime.connections["betatesting"].client
    page = client.config.pagination.first(20) if op.paginated else None
    try:
        reply = await client.call(op, op.params.model_validate(args), page_state=page, idempotency_key="k-" + name)
    except ProviderError as exc:
        return f"ERROR {exc}"
    if op.result is not None and reply.data is not None:
        data, note = fit(op.result, reply.data, many=op.returns.value in ("list", "items"))
        return f"OK {data!r} note={reply.note or note!r}"
    shown = reply.data if reply.raw is None else reply.raw
    return f"OK {shown!r} note={reply.note!r}"


def sim(fleet: Box) -> Any:
    return fleet["betatesting"].config


# ------------------------------------------------------------------------ rows


async def accept_answers_a_count(fleet: Box) -> str:
    ids = Ids.of(fleet["betatesting"].state)
    sim(fleet).variants.queue({"data": {"updated": 1}}, path="/testers/accept")
    shown = await call(fleet, "accept_testers", test_id=ids.test, tester_ids=[ids.pending_tester])
    status = fleet["betatesting"].state.testers[ids.pending_tester].status
    return f"{shown} tester_now={status}"


async def update_answers_null(fleet: Box) -> str:
    sim(fleet).variants.queue(None, path="/tests/")
    return await call(fleet, "update_test", test_id=Ids.of(fleet["betatesting"].state).test, description="x")


async def update_answers_nothing(fleet: Box) -> str:
    sim(fleet).variants.queue(EMPTY, path="/tests/")
    return await call(fleet, "update_test", test_id=Ids.of(fleet["betatesting"].state).test, description="y")


async def update_answers_html(fleet: Box) -> str:
    sim(fleet).variants.queue(b"<html>Saved</html>", path="/tests/")
    return await call(fleet, "update_test", test_id=Ids.of(fleet["betatesting"].state).test, description="z")


async def camel_case_testers_with_extras(fleet: Box) -> str:
    row = {"id": 7, "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "badge": "gold"}
    sim(fleet).variants.queue({"data": [row], "meta": {"current_page": 1, "last_page": 1}}, path="/testers")
    return await call(fleet, "list_testers", test_id=Ids.of(fleet["betatesting"].state).test)


async def a_test_missing_its_name(fleet: Box) -> str:
    sim(fleet).variants.queue({"data": {"id": 5, "state": "live"}}, path="/tests/")
    return await call(fleet, "get_test", test_id=Ids.of(fleet["betatesting"].state).test)


async def error_echoes_the_key(fleet: Box) -> str:
    sim(fleet).variants.echo_credentials = True
    return await call(fleet, "get_test", test_id=999_999)


async def a_429_with_retry_after(fleet: Box) -> str:
    sim(fleet).variants.queue(
        {"error": "Too Many Requests", "message": "Slow down."}, status=429, headers={"Retry-After": "90"}, errors=True
    )
    return await call(fleet, "update_test", test_id=Ids.of(fleet["betatesting"].state).test, description="w")


@dataclass(frozen=True)
class Row:
    run: Callable[[Box], Awaitable[str]]
    shows: tuple[str, ...]
    hides: tuple[str, ...] = ()


ROWS: dict[str, Row] = {
    "accept answers {data: {updated: 2}}: done, answer attached": Row(
        accept_answers_a_count, ("OK {'updated': 1}", UNEXPECTED, "tester_now=incomplete"), ("ERROR",)
    ),
    "a write answered null is done": Row(update_answers_null, ("OK None note=None",)),
    "a write answered with no body is done": Row(update_answers_nothing, ("OK None note=None",)),
    "a write answered with HTML is done, the page attached": Row(
        update_answers_html, ("OK '<html>Saved</html>'", "answered HTTP 200 (success)", "attached as received")
    ),
    "camelCase fields read as ours, unknown ones kept": Row(
        camel_case_testers_with_extras,
        ("'first_name': 'Ada'", "'last_name': 'Lovelace'", "'badge': 'gold'"),
        ("note='",),
    ),
    "a read missing required fields returns what it has": Row(
        a_test_missing_its_name, ("OK {'id': 5, 'state': 'live'}", UNEXPECTED)
    ),
    "an error echoing the API key": Row(error_echoes_the_key, ("HTTP 404", "received: [redacted]"), (SANDBOX_API_KEY,)),
    "a 429 keeps its Retry-After": Row(a_429_with_retry_after, ("HTTP 429", "Retry after 90 s", "Slow down")),
}


@pytest.mark.parametrize("name", list(ROWS))
async def test_answer_shape_to_what_the_user_sees(name: str) -> None:
    row = ROWS[name]
    fleet = make_box("betatesting", max_retries=0)
    shown = await row.run(fleet)
    for words in row.shows:
        assert words in shown, f"{name}: {words!r} not in {shown!r}"
    for words in row.hides:
        assert words not in shown, f"{name}: {words!r} shown in {shown!r}"


# ------------------------------------------------------------------------ one casing on the wire


def _wire_keys(value: Any, free: bool = False) -> list[str]:
    """Every field name in a request body or query, outside free-form maps (customFields)."""
    if isinstance(value, dict):
        keys = [] if free else list(value)
        return keys + [k for key, v in value.items() for k in _wire_keys(v, free or key == "customFields")]
    if isinstance(value, list):
        return [k for v in value for k in _wire_keys(v, free)]
    return []


@pytest.mark.parametrize("op", [o for o in OPERATIONS if o.params.model_fields], ids=lambda o: o.name)
def test_every_request_field_is_camel_case(op: Any) -> None:
    fleet = make_box("betatesting")
    client = fleet.runtime.connections["betatesting"].client
    ids = Ids.of(fleet["betatesting"].state)
    request = client.build(op, op.params.model_validate(SAMPLES[op.name](ids)))
    query = [
        k
        for k, _ in parse_qsl(
            request.url.query.decode() if isinstance(request.url.query, bytes) else str(request.url.query)
        )
    ]
    body = json.loads(request.content) if request.content else {}
    snake = [k for k in [*query, *_wire_keys(body)] if "_" in k]
    assert snake == [], f"{op.tool_name} sends {snake}"


def test_the_fields_that_were_snake_case_now_leave_in_camel_case() -> None:
    fleet = make_box("betatesting")
    client = fleet.runtime.connections["betatesting"].client
    sent = {
        name: json.loads(client.build(BY_NAME[name], BY_NAME[name].params.model_validate(args)).content)
        for name, args in {
            "create_test": {"name": "X", "max_testers": 5},
            "update_invite_settings": {
                "test_id": 1,
                "auto_accept": True,
                "max_invites": 9,
                "invite_message": "Hi",
                "require_screener": False,
            },
            "update_shipment": {"test_id": 1, "shipment_id": 2, "tracking_number": "1Z999AA1"},
            "update_community_tester": {
                "tester_id": 3,
                "first_name": "A",
                "last_name": "B",
                "custom_fields": {"shirt_size": "M"},
            },
            "create_community_testers": {"testers": [{"email": "a@example.com", "first_name": "A", "last_name": "B"}]},
            "accept_testers": {"test_id": 1, "tester_ids": [4]},
        }.items()
    }
    assert sent["create_test"] == {"name": "X", "maxTesters": 5}
    assert sent["update_invite_settings"] == {
        "autoAccept": True,
        "maxInvites": 9,
        "inviteMessage": "Hi",
        "requireScreener": False,
    }
    assert sent["update_shipment"] == {"trackingNumber": "1Z999AA1"}
    assert sent["update_community_tester"] == {"firstName": "A", "lastName": "B", "customFields": {"shirt_size": "M"}}
    assert sent["create_community_testers"] == {
        "testers": [{"email": "a@example.com", "firstName": "A", "lastName": "B"}]
    }
    assert sent["accept_testers"] == {"testerIds": [4]}


def test_the_reasons_for_the_casing_and_the_sources_are_written_down() -> None:
    from pathlib import Path

    import betaops.providers.betatesting as package

    notes = (Path(package.__file__).parent / "NOTES.md").read_text()
    assert "camelCase" in notes and "filterStatuses" in notes and "reconstructed" in notes and "documented" in notes
    assert m.CAMEL.serialization_alias is not None


# ------------------------------------------------------------------------ through a real MCP client


async def test_through_mcp_update_and_bulk_create_send_the_same_names_and_the_provider_takes_them(mode: str) -> None:
    fleet = make_box("betatesting")
    state = fleet["betatesting"].state
    member = Ids.of(state).member
    async with fleet.client(mode, answer="accept") as client:
        updated = await client.call_tool(
            "betatesting_update_community_tester", {"tester_id": member, "first_name": "Grace", "last_name": "Hopper"}
        )
        created = await client.call_tool(
            "betatesting_create_community_testers",
            {"testers": [{"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace"}]},
        )
        settings = await client.call_tool(
            "betatesting_update_invite_settings",
            {"test_id": Ids.of(state).test, "auto_accept": True, "max_invites": 42},
        )
    for result in (updated, created, settings):
        assert result.structured_content is not None and result.structured_content["status"] == "executed", text(result)
    assert (state.community[member].first_name, state.community[member].last_name) == ("Grace", "Hopper")
    assert any(c.email == "ada@example.com" and c.first_name == "Ada" for c in state.community.values())
    invite = state.invite_settings[Ids.of(state).test]
    assert (invite.auto_accept, invite.max_invites) == (True, 42)


async def test_through_mcp_an_echoed_key_never_reaches_the_user(mode: str) -> None:
    fleet = make_box("betatesting")
    sim(fleet).variants.echo_credentials = True
    async with fleet.client(mode) as client:
        result = await client.call_tool("betatesting_get_test", {"test_id": 999_999})
    assert result.is_error and "[redacted]" in text(result) and SANDBOX_API_KEY not in text(result)
