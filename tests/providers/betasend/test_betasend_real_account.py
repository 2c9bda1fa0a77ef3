"""Betasend as a real account answers: answer shape -> what the user sees (issue 11).

Only the first part of Betasend's documentation is public and its success answers vary: a body
without `error` is a success whatever else it holds, and a read about nothing may answer `[]` or
`null`. Rows run through the client layer against the simulator answering each variant; the last
tests go through a real MCP client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from betaops.core.errors import ProviderError
from betaops.core.shapes import EMPTY as EMPTY_NOTE
from betaops.core.shapes import fit
from betaops.providers.betasend.operations import OPERATIONS
from betaops.providers.betasend.simulator.config import SANDBOX_API_KEY, SANDBOX_HASH
from betaops.sim.variants import EMPTY
from tests.support import Box, make_box, text

OPS = {op.name: op for op in OPERATIONS}

pytestmark = pytest.mark.anyio


async def call(fleet: Box, name: str, **args: Any) -> str:
    """What the user would read from the client layer (result fitted to the model, as the server does)."""
    op = OPS[name]
    client = fleet.runtime.connections["betasend"].client
    page = client.config.pagination.first(10) if op.paginated else None
    try:
        reply = await client.call(op, op.params.model_validate(args), page_state=page)
    except ProviderError as exc:
        return f"ERROR {exc}"
    assert op.result is not None
    if reply.data is None and op.is_write:
        return f"OK None note={reply.note!r}"
    data, note = fit(op.result, reply.data, many=op.returns.value in ("list", "items"))
    return f"OK {data!r} note={reply.note or note!r}"


def variants(fleet: Box) -> Any:
    return fleet["betasend"].config.variants


def answer(body: Any, path: str) -> Callable[[Box], None]:
    return lambda fleet: variants(fleet).queue(body, path=path)


@dataclass(frozen=True)
class Row:
    setup: Callable[[Box], None]
    tool: str
    args: dict[str, Any]
    shows: tuple[str, ...]
    hides: tuple[str, ...] = ()


def _echo(fleet: Box) -> None:
    variants(fleet).queue(
        {"error": {"406": "Not Acceptable", "messages": f"Invalid list for api={SANDBOX_API_KEY}&hash={SANDBOX_HASH}"}},
        path="/list-statistics",
    )


def _echo_refusal(fleet: Box) -> None:
    variants(fleet).echo_credentials = True
    fleet["betasend"].config.api_disabled = True


ROWS: dict[str, Row] = {
    "create_list answers {message, list_id}: done": Row(
        answer({"message": "List added successfully", "list_id": 77}, "/list-create"),
        "create_list",
        {"list_name": "Beta wave 3"},
        ("'message': 'List added successfully'", "'list_id': 77", "note=None"),
        ("ERROR",),
    ),
    "a write answered with a bare string: done": Row(
        answer("Lists updated", "/list-update"),
        "update_list",
        {"list_id": 5, "list_name": "X"},
        ("'message': 'Lists updated'",),
    ),
    "a write answered with no body: done": Row(
        answer(EMPTY, "/list-update"), "update_list", {"list_id": 5, "list_name": "Y"}, ("OK None",)
    ),
    "list_lists answered null: an empty list": Row(answer(None, "/lists"), "list_lists", {}, ("OK [] note=None",)),
    "list_lists answered []: an empty list": Row(answer([], "/lists"), "list_lists", {}, ("OK [] note=None",)),
    "get_account answered null: an empty list": Row(
        answer(None, "/account-details"), "get_account", {}, ("OK [] note=None",)
    ),
    "get_list_statistics answered []: nothing, said so": Row(
        answer([], "/list-statistics"), "get_list_statistics", {"list_id": 5}, ("OK None", EMPTY_NOTE)
    ),
    "get_subscribers answered []: no details": Row(
        answer([], "/subscribers-details"),
        "get_subscribers",
        {"email": ["a@example.com"]},
        ("OK {'subscribers': []}", EMPTY_NOTE),
    ),
    "an in-body error echoing api and hash": Row(
        _echo,
        "get_list_statistics",
        {"list_id": 5},
        ("ERROR", "406", "api=[redacted]&hash=[redacted]"),
        (SANDBOX_API_KEY, SANDBOX_HASH),
    ),
    "a 401 echoing the form credentials": Row(
        _echo_refusal,
        "get_account",
        {},
        ("HTTP 401", "disabled", "received: [redacted]"),
        (SANDBOX_API_KEY, SANDBOX_HASH),
    ),
}


@pytest.mark.parametrize("name", list(ROWS))
async def test_answer_shape_to_what_the_user_sees(name: str) -> None:
    row = ROWS[name]
    fleet = make_box("betasend")
    row.setup(fleet)
    shown = await call(fleet, row.tool, **row.args)
    for words in row.shows:
        assert words in shown, f"{name}: {words!r} not in {shown!r}"
    for words in row.hides:
        assert words not in shown, f"{name}: {words!r} shown in {shown!r}"


# ------------------------------------------------------------------------ through a real MCP client


async def test_through_mcp_create_list_answering_message_and_list_id_is_executed(mode: str) -> None:
    fleet = make_box("betasend")
    variants(fleet).queue({"message": "List added successfully", "list_id": 77}, path="/list-create")
    async with fleet.client(mode, answer="accept") as client:
        result = await client.call_tool("betasend_create_list", {"list_name": "Beta wave 3"})
    body = result.structured_content
    assert not result.is_error and body is not None, text(result)
    assert body["status"] == "executed" and body["result"]["list_id"] == 77
    assert any(lst.list_name == "Beta wave 3" for lst in fleet["betasend"].state.lists.values())
    assert len(fleet["betasend"].write_log) == 1


async def test_through_mcp_reads_answered_null_or_empty_are_empty_results(mode: str) -> None:
    fleet = make_box("betasend")
    variants(fleet).queue(None, path="/lists")
    variants(fleet).queue([], path="/account-details")
    async with fleet.client(mode) as client:
        lists = await client.call_tool("betasend_list_lists", {})
        account = await client.call_tool("betasend_get_account", {})
    for result in (lists, account):
        assert not result.is_error and result.structured_content is not None, text(result)
        assert result.structured_content["items"] == [] and result.structured_content["count"] == 0
