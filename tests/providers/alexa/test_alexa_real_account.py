"""Alexa as a real account answers: answer shape -> what the user sees (issue 11).

A table of rows through the client layer (the simulator answering each variant: violations, Login
with Amazon's errors and rotated refresh tokens, echoed credentials, 202s, vendor and skill
lists), then the same answers through a real MCP client.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from betaops.core.errors import ConfigError, ProviderError
from betaops.core.http import Reply
from betaops.providers.alexa import models as m
from betaops.providers.alexa.operations import OPERATIONS
from betaops.providers.alexa.provider import ALEXA, BAD_EMAIL, INVITATION_LIMIT, STALE_CURSOR
from betaops.providers.alexa.simulator import (
    DEMO_SKILL_ID,
    DRAFT_SKILL_ID,
    FOREIGN_SKILL_ID,
    LARGE_SKILL_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_REFRESH_TOKEN,
    VENDOR_ID,
)
from tests.support import Box, make_box, text

OPS = {op.name: op for op in OPERATIONS}

pytestmark = pytest.mark.anyio
DAY = 86_400.0


async def call(box: Box, name: str, page: dict[str, Any] | None = None, **args: Any) -> Reply:
    op = OPS[name]
    client = box.runtime.connections["alexa"].client
    return await client.call(op, op.params.model_validate(args), page_state=page)


async def seen(box: Box, name: str, page: dict[str, Any] | None = None, **args: Any) -> str:
    """What the user would read: the error text, or the answer and its note."""
    try:
        reply = await call(box, name, page, **args)
    except ProviderError as exc:
        return f"ERROR {exc}"
    return f"OK {reply.data!r} note={reply.note!r}"


# ------------------------------------------------------------------------ the rows


async def bad_email(box: Box) -> str:
    op = OPS["add_beta_testers"]
    # Amazon refuses an address our own check lets through (no dot in the domain): its violation is shown.
    params = m.TestersParams.model_construct(
        skill_id=DEMO_SKILL_ID,
        testers=[
            m.TesterEmail.model_construct(emailId="ok@example.com"),
            m.TesterEmail.model_construct(emailId="ann@intranet"),
        ],
    )
    try:
        await box.runtime.connections["alexa"].client.call(op, params)
    except ProviderError as exc:
        return f"ERROR {exc}"
    return "OK"


async def invitation_limit(box: Box) -> str:
    return await seen(
        box, "add_beta_testers", skill_id=DEMO_SKILL_ID, testers=[{"emailId": f"x{n}@example.org"} for n in range(459)]
    )


async def expired_next_token(box: Box) -> str:
    first = await call(box, "list_beta_testers", {"size": 100}, skill_id=LARGE_SKILL_ID)
    assert first.page is not None and first.page.next_state is not None
    box.clock.advance(25 * 3600)  # a nextToken lasts 24 hours
    return await seen(box, "list_beta_testers", first.page.next_state, skill_id=LARGE_SKILL_ID)


async def rotated_refresh_token(box: Box) -> str:
    await call(box, "get_beta_test", skill_id=DEMO_SKILL_ID)
    box.state.tokens.clear()  # the access token is gone: the next call refreshes with the NEW refresh token
    return await seen(box, "get_beta_test", skill_id=DEMO_SKILL_ID)


async def refused_refresh_token(box: Box) -> str:
    return await seen(box, "get_beta_test", skill_id=DEMO_SKILL_ID)


async def lwa_429(box: Box) -> str:
    box.config.faults.queue("429", path="/auth/o2/token")
    return await seen(box, "get_beta_test", skill_id=DEMO_SKILL_ID)


async def lwa_echoes_the_refresh_token(box: Box) -> str:
    box.config.variants.queue(
        {"error": "invalid_grant", "error_description": f"refresh_token {SANDBOX_REFRESH_TOKEN} was revoked"},
        status=400,
        errors=True,
        path="/auth/o2/token",
    )
    return await seen(box, "get_beta_test", skill_id=DEMO_SKILL_ID)


async def smapi_echoes_the_bearer_token(box: Box) -> str:
    box.config.variants.echo_credentials = True
    return await seen(box, "get_beta_test", skill_id=FOREIGN_SKILL_ID)


async def start_is_asynchronous(box: Box) -> str:
    reply = await seen(box, "start_beta_test", skill_id=DRAFT_SKILL_ID)
    status = (await call(box, "get_beta_test", skill_id=DRAFT_SKILL_ID)).data["status"]
    return f"{reply} now={status}"


async def end_is_asynchronous(box: Box) -> str:
    return await seen(box, "end_beta_test", skill_id=DEMO_SKILL_ID)


async def vendors_v1_and_v0(box: Box) -> str:
    v1 = await seen(box, "list_vendors")
    box.config.variants.queue([{"id": VENDOR_ID, "name": "Old style", "roles": ["ROLE_DEVELOPER"]}], path="/v1/vendors")
    return f"{v1} | {await seen(box, 'list_vendors')}"


async def skills_paged_by_next_token(box: Box) -> str:
    ids: list[str] = []
    state: dict[str, Any] | None = {"size": 2}
    pages = 0
    while state is not None:
        reply = await call(box, "list_skills", state, vendor_id=VENDOR_ID)
        assert reply.page is not None
        ids += [s["skillId"] for s in reply.data]
        state, pages = reply.page.next_state, pages + 1
    return f"OK pages={pages} skills={sorted(ids)}"


async def another_vendors_skills(box: Box) -> str:
    return await seen(box, "list_skills", {"size": 10}, vendor_id="M3OTHERVENDOR999")


@dataclass(frozen=True)
class Row:
    run: Callable[[Box], Awaitable[str]]
    shows: tuple[str, ...]
    hides: tuple[str, ...] = ()
    sim: dict[str, Any] | None = None


ROWS: dict[str, Row] = {
    "400 violations: an invalid email is named": Row(
        bad_email, ("HTTP 400 (INVALID_EMAIL_FORMAT)", "'ann@intranet' is not a valid email address", BAD_EMAIL)
    ),
    "400 violations: the 500-invitation limit": Row(
        invitation_limit,
        ("HTTP 400 (INVITATION_LIMIT_EXCEEDED)", "exceeds the 458 invitations remaining", INVITATION_LIMIT),
        ("Request is not valid.",),
    ),
    "400 violations: an expired nextToken": Row(
        expired_next_token, ("HTTP 400 (INVALID_NEXT_TOKEN)", "nextToken has expired", STALE_CURSOR)
    ),
    "LWA rotates the refresh token: the new one is kept": Row(
        rotated_refresh_token, ("OK", "'status': 'RUNNING'"), ("refused",), {"rotate_refresh_tokens": True}
    ),
    "LWA invalid_grant says what it means and what to do": Row(
        refused_refresh_token,
        (
            "HTTP 400, invalid_grant",
            "does not accept the refresh token",
            "ask util generate-lwa-tokens",
            "ALEXA_REFRESH_TOKEN",
        ),
        ("ALEXA_CLIENT_SECRET into",),
        {"refresh_tokens": {}},
    ),
    "LWA invalid_client reads differently": Row(
        refused_refresh_token,
        ("HTTP 401, invalid_client", "ALEXA_CLIENT_ID or ALEXA_CLIENT_SECRET is wrong", "security profile"),
        ("refresh token is",),
        {"clients": {}},
    ),
    "LWA 429 keeps its Retry-After": Row(
        lwa_429,
        ("could not issue an access token right now", "HTTP 429", "Retry after 1 s"),
        ("refused our credentials",),
    ),
    "LWA echoing the refresh token": Row(
        lwa_echoes_the_refresh_token,
        ("invalid_grant", "refresh_token [redacted] was revoked"),
        (SANDBOX_REFRESH_TOKEN,),
    ),
    "SMAPI echoing the access token": Row(
        smapi_echoes_the_bearer_token, ("HTTP 403", "received: [redacted]"), ("Atza|",)
    ),
    "start answers 202: starting, and how to check": Row(
        start_is_asynchronous,
        ("OK None", "is starting", "STARTING, then RUNNING", "alexa_get_beta_test", "now=STARTING"),
        sim={"transition_s": 600.0},
    ),
    "end answers 202: stopping, and how to check": Row(
        end_is_asynchronous, ("is stopping", "STOPPING, then ENDED", "alexa_get_beta_test")
    ),
    "vendors, as v1 {vendors: [...]} and as a v0 bare list": Row(
        vendors_v1_and_v0, (f"'id': '{VENDOR_ID}'", "'name': 'Sandbox Skills Co'", "'name': 'Old style'")
    ),
    "skills of a vendor, paged by nextToken": Row(
        skills_paged_by_next_token, ("OK pages=3", DEMO_SKILL_ID, LARGE_SKILL_ID, DRAFT_SKILL_ID), (FOREIGN_SKILL_ID,)
    ),
    "another vendor's skills are refused": Row(another_vendors_skills, ("HTTP 403 (FORBIDDEN)",)),
}


@pytest.mark.parametrize("name", list(ROWS))
async def test_answer_shape_to_what_the_user_sees(name: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    row = ROWS[name]
    box = make_box("alexa", sim_fields={"alexa": row.sim or {}})
    shown = await row.run(box)
    for words in row.shows:
        assert words in shown, f"{name}: {words!r} not in {shown!r}"
    for words in (*row.hides, SANDBOX_CLIENT_SECRET, *box.auth.secret_values()):
        assert words not in shown, f"{name}: {words!r} shown in {shown!r}"
    assert not any(secret in caplog.text for secret in box.auth.secret_values())


async def test_a_rotated_refresh_token_is_used_scrubbed_and_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    box = make_box("alexa", sim_fields={"alexa": {"rotate_refresh_tokens": True}})
    for _ in range(3):
        await call(box, "get_beta_test", skill_id=DEMO_SKILL_ID)
        box.state.tokens.clear()
    issued = box.state.rotated_refresh_tokens
    assert len(issued) == 3 and box.auth.rotations == 3
    assert SANDBOX_REFRESH_TOKEN in box.auth.secret_values() and issued[-1] in box.auth.secret_values()
    assert "new refresh token" in caplog.text and not any(t in caplog.text for t in [*issued, SANDBOX_REFRESH_TOKEN])


def test_the_context_says_whether_a_skill_is_pinned_and_how_to_find_one() -> None:
    assert "alexa_list_vendors" in str(ALEXA.context_note({"skill_id": None}))
    assert "is pinned" in str(ALEXA.context_note({"skill_id": DEMO_SKILL_ID}))


# ------------------------------------------------------------------------ through a real MCP client


async def test_through_mcp_find_a_skill_then_its_beta_test(mode: str) -> None:
    box = make_box("alexa")
    async with box.client(mode) as client:
        vendors = await client.call_tool("alexa_list_vendors", {})
        assert vendors.structured_content is not None, text(vendors)
        vendor = vendors.structured_content["items"][0]["id"]
        skills = await client.call_tool("alexa_list_skills", {"vendor_id": vendor, "limit": 2000})
        assert skills.structured_content is not None, text(skills)
        names = {s["skillId"]: s["nameByLocale"]["en-US"] for s in skills.structured_content["items"]}
        beta = await client.call_tool(
            "alexa_get_beta_test", {"skill_id": next(k for k, v in names.items() if v == "Garden Helper")}
        )
    assert vendor == VENDOR_ID and FOREIGN_SKILL_ID not in names and len(names) == 6
    assert beta.structured_content is not None and beta.structured_content["status"] == "RUNNING"


async def test_through_mcp_an_expired_cursor_names_the_violation_and_the_fix(mode: str) -> None:
    box = make_box("alexa")
    async with box.client(mode) as client:
        first = await client.call_tool("alexa_list_beta_testers", {"skill_id": LARGE_SKILL_ID, "limit": 100})
        assert first.structured_content is not None and first.structured_content["next_cursor"]
        box.clock.advance(2 * DAY)
        later = await client.call_tool(
            "alexa_list_beta_testers",
            {"skill_id": LARGE_SKILL_ID, "limit": 100, "cursor": first.structured_content["next_cursor"]},
        )
    shown = text(later)
    assert later.is_error and "INVALID_NEXT_TOKEN" in shown and "nextToken has expired" in shown
    assert "list again from the start" in shown


async def test_through_mcp_a_partial_invite_failure_carries_the_violation(mode: str) -> None:
    box = make_box("alexa")
    emails = [f"x{n}@example.org" for n in range(459)]
    async with box.client(mode, answer="accept") as client:
        failed = await client.call_tool("alexa_invite_testers", {"skill_id": DEMO_SKILL_ID, "emails": emails})
    shown = text(failed)
    assert failed.is_error and "INVITATION_LIMIT_EXCEEDED" in shown and "458 invitations remaining" in shown


async def test_through_mcp_a_refused_refresh_token_says_what_to_do(mode: str) -> None:
    box = make_box("alexa", sim_fields={"alexa": {"refresh_tokens": {}}})
    async with box.client(mode) as client:
        result = await client.call_tool("alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})
    shown = text(result)
    assert result.is_error and "invalid_grant means" in shown and "ask util generate-lwa-tokens" in shown
    assert SANDBOX_REFRESH_TOKEN not in shown


def test_an_error_carrying_config_fix_is_a_config_error() -> None:
    assert issubclass(ConfigError, ProviderError)
