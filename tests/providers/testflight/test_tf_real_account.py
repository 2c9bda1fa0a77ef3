"""App Store Connect as a real account answers: answer shape -> what the user sees (issue 11).

A 409's advice comes from the JSON:API error's own `code` and `source`, not from the request path
alone: on `POST /v1/betaTesters`, a conflict about a relationship is not a duplicate email. Rows run
through the client layer against the simulator; the last test goes through a real MCP client.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from betaops.core.errors import ProviderError
from betaops.providers.testflight.errors import (
    BAD_ATTRIBUTE,
    BETA_FULL,
    RELATIONSHIP,
    RELATIONSHIP_REQUIRED,
    TESTER_EXISTS,
)
from betaops.providers.testflight.operations import OPERATIONS
from tests.support import Box, make_box, text

pytestmark = pytest.mark.anyio
BY_NAME = {op.name: op for op in OPERATIONS}
EXISTS = TESTER_EXISTS[:40]


async def call(fleet: Box, tool: str, /, *, construct: bool = False, **args: Any) -> str:
    op = BY_NAME[tool]
    params = op.params.model_construct(**args) if construct else op.params.model_validate(args)
    try:
        reply = await fleet.runtime.connections["testflight"].client.call(op, params)
    except ProviderError as exc:
        return f"ERROR {exc}"
    shown = reply.data if reply.raw is None else reply.raw
    return f"OK {shown!r} note={reply.note!r}"


def ids(fleet: Box) -> dict[str, str]:
    found: dict[str, str] = fleet["testflight"].state.ids
    return found


async def unknown_group(fleet: Box) -> str:
    return await call(fleet, "create_beta_tester", email="new.person@example.com", beta_group_ids=["no-such-group"])


async def duplicate_email(fleet: Box) -> str:
    core = ids(fleet)["trailhead.core"]
    return await call(fleet, "create_beta_tester", email="maya@northpeak.example.com", beta_group_ids=[core])


async def invalid_email(fleet: Box) -> str:
    crew = ids(fleet)["trailhead.crew"]
    return await call(fleet, "create_beta_tester", construct=True, email="not-an-email", beta_group_ids=[crew])


async def no_group(fleet: Box) -> str:
    return await call(fleet, "create_beta_tester", construct=True, email="lonely@example.com")


async def beta_full(fleet: Box) -> str:
    fleet["testflight"].config.external_tester_cap = 1
    crew = ids(fleet)["trailhead.crew"]
    return await call(fleet, "create_beta_tester", email="one.more@example.com", beta_group_ids=[crew])


async def missing_linkage(fleet: Box) -> str:
    crew = ids(fleet)["trailhead.crew"]
    return await call(fleet, "add_testers_to_beta_group", beta_group_id=crew, beta_tester_ids=["no-such-tester"])


async def jwt_echoed(fleet: Box) -> str:
    fleet["testflight"].config.variants.echo_credentials = True
    return await call(fleet, "get_app", app_id="000000000")


async def write_answered_oddly(fleet: Box) -> str:
    fleet["testflight"].config.variants.queue({"ok": True, "message": "renamed"}, method="PATCH")
    return await call(fleet, "update_beta_group", beta_group_id=ids(fleet)["trailhead.pilots"], name="Pilots 2")


@dataclass(frozen=True)
class Row:
    run: Callable[[Box], Awaitable[str]]
    shows: tuple[str, ...]
    hides: tuple[str, ...] = ()


ROWS: dict[str, Row] = {
    "409 relationship (unknown group) is not a duplicate email": Row(
        unknown_group,
        (
            "HTTP 409 (ENTITY_ERROR.RELATIONSHIP.INVALID)",
            RELATIONSHIP.format(where="/data/relationships/betaGroups/data/0/id"),
        ),
        (EXISTS,),
    ),
    "409 duplicate email on create: the tester exists": Row(
        duplicate_email, ("HTTP 409", "already exists", TESTER_EXISTS)
    ),
    "409 invalid email: fix the value": Row(
        invalid_email,
        ("HTTP 409 (ENTITY_ERROR.ATTRIBUTE.INVALID)", BAD_ATTRIBUTE.format(where="/data/attributes/email")),
        (EXISTS,),
    ),
    "409 no group or build: name one": Row(
        no_group,
        ("ENTITY_ERROR.RELATIONSHIP.REQUIRED", RELATIONSHIP_REQUIRED.format(where="/data/relationships")),
        (EXISTS,),
    ),
    "409 the beta is full": Row(beta_full, ("This beta is full", BETA_FULL), (EXISTS,)),
    "409 a linkage to nothing": Row(missing_linkage, ("HTTP 409", RELATIONSHIP.format(where="/data/0/id")), (EXISTS,)),
    "an error echoing the JWT": Row(jwt_echoed, ("HTTP 404", "received: [redacted]"), ("eyJ",)),
    "a write answered outside JSON:API is done, the answer attached": Row(
        write_answered_oddly, ("OK {'ok': True, 'message': 'renamed'}", "attached as received"), ("ERROR",)
    ),
}


@pytest.mark.parametrize("name", list(ROWS))
async def test_answer_shape_to_what_the_user_sees(name: str) -> None:
    row = ROWS[name]
    fleet = make_box("testflight")
    shown = await row.run(fleet)
    for words in row.shows:
        assert words in shown, f"{name}: {words!r} not in {shown!r}"
    for words in row.hides:
        assert words not in shown, f"{name}: {words!r} shown in {shown!r}"


async def test_through_mcp_a_relationship_conflict_is_not_called_a_duplicate_email(mode: str) -> None:
    fleet = make_box("testflight")
    async with fleet.client(mode, answer="accept") as client:
        result = await client.call_tool(
            "testflight_create_beta_tester", {"email": "new.person@example.com", "beta_group_ids": ["no-such-group"]}
        )
    shown = text(result)
    assert result.is_error and "HTTP 409" in shown and "related resource" in shown
    assert "may already exist" not in shown and fleet.writes == 0
