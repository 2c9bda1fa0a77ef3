"""The routes of the SMAPI simulator: the beta test operations and the two that find a skill.

One routing style, as in every simulator: `Route(method, path, handler)` tables. Handlers take a
`Call` (a skill-scoped request) or a `VendorCall` and return `(status, body, headers)`.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request

from betaops.providers.alexa.simulator.context import (
    Call,
    Handler,
    Reply,
    SmapiError,
    VendorCall,
    VendorHandler,
    ViolationsError,
    bad_request,
)
from betaops.providers.alexa.simulator.seed import DAY, invitation_url, stamp
from betaops.providers.alexa.simulator.state import (
    BETA_DAYS,
    BetaTestRecord,
    TesterRecord,
)
from betaops.sim.body import json_object
from betaops.sim.routing import Route

BETA = "/v1/skills/{skill_id}/betaTest"
MAX_TESTERS = 500
MAX_SKILL_ID = 255
MAX_EMAIL = 254
OUT_OF_RANGE = "The property is outside the allowed range."
NEXT_TOKEN_TTL_S = 24 * 3600.0
MAX_SKILLS = 50
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# ------------------------------------------------------------------------ request bodies


async def _body(request: Request) -> dict[str, Any]:
    return json_object(
        await request.body(),
        lambda message: bad_request("INVALID_REQUEST_BODY", message),
        not_json="The request body is not valid JSON.",
        not_object="The request body must be a JSON object.",
    )


def _email(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise bad_request("INVALID_DATA_TYPE", f"{name} must be a string.")
    if not 1 <= len(value) <= MAX_EMAIL:
        raise bad_request("INVALID_STRING_LENGTH", OUT_OF_RANGE)
    if not _EMAIL.match(value):
        raise bad_request("INVALID_EMAIL_FORMAT", f"{name} is not a valid email address.")
    return value


async def _tester_emails(request: Request) -> list[str]:
    """`{"testers": [{"emailId": ...}]}`: 1-500 entries, each a valid address (every bad one is named)."""
    testers = (await _body(request)).get("testers")
    if not isinstance(testers, list):
        raise bad_request("MISSING_PARAMETER", "testers is required and must be a list.")
    if not 1 <= len(testers) <= MAX_TESTERS:
        raise bad_request("INVALID_ARRAY_LENGTH", f"testers must hold 1 to {MAX_TESTERS} entries.")
    emails: list[str] = []
    wrong: list[tuple[str, str]] = []
    for n, entry in enumerate(testers):
        if not isinstance(entry, dict) or "emailId" not in entry:
            raise bad_request("MISSING_PARAMETER", "Every entry of testers needs an emailId.")
        value = entry["emailId"]
        if isinstance(value, str) and 1 <= len(value) <= MAX_EMAIL and not _EMAIL.match(value):
            wrong.append(("INVALID_EMAIL_FORMAT", f"testers[{n}].emailId {value!r} is not a valid email address."))
            continue
        emails.append(_email(value, "emailId"))
    if wrong:
        raise ViolationsError(wrong)
    return emails


# ------------------------------------------------------------------------ operations


async def create_beta_test(call: Call) -> Reply:
    bt = call.skill.beta_test
    if bt is not None and bt.status != "ENDED":
        raise SmapiError(409, "CONFLICT", f"Skill {call.skill.skill_id} already has a beta test ({bt.status}).")
    feedback = (await _body(call.request)).get("feedbackEmail")
    email = _email(feedback, "feedbackEmail") if feedback is not None else None
    skill_id = call.skill.skill_id
    call.skill.beta_test = BetaTestRecord("IN_DRAFT", email, invitation_url(skill_id), None, MAX_TESTERS, call.now)
    return 201, None, {"Location": BETA.format(skill_id=skill_id)}


async def get_beta_test(call: Call) -> Reply:
    return 200, call.beta_test().wire(), {}


async def update_beta_test(call: Call) -> Reply:
    bt = call.beta_test()
    call.require(bt, ("IN_DRAFT", "STARTING", "RUNNING"), "update")
    body = await _body(call.request)
    if "feedbackEmail" not in body:
        raise bad_request("MISSING_PARAMETER", "feedbackEmail is required.")
    bt.feedbackEmail = _email(body["feedbackEmail"], "feedbackEmail")
    return 204, None, {}


async def start_beta_test(call: Call) -> Reply:
    bt = call.beta_test()
    call.require(bt, ("IN_DRAFT",), "start")
    bt.status, bt.changed_at = "STARTING", call.now
    bt.expiryDate = stamp(call.now + BETA_DAYS * DAY)
    call.send("invitation", [t.emailId for t in bt.testers.values()])
    return 202, None, {}


async def end_beta_test(call: Call) -> Reply:
    bt = call.beta_test()
    call.require(bt, ("RUNNING",), "end")
    bt.status, bt.changed_at = "STOPPING", call.now
    return 202, None, {}


async def add_testers(call: Call) -> Reply:
    bt = call.beta_test()
    emails = await _tester_emails(call.request)
    call.require(bt, ("IN_DRAFT", "STARTING", "RUNNING"), "add testers to")
    new = list({e.lower(): e for e in emails if e.lower() not in bt.testers}.values())
    remaining = bt.tester_limit - len(bt.testers)
    if len(new) > remaining:
        message = (
            f"A beta test may invite at most {bt.tester_limit} testers: adding {len(new)} exceeds the "
            f"{remaining} invitations remaining."
        )
        raise ViolationsError([("INVITATION_LIMIT_EXCEEDED", message)])
    for email in new:
        bt.testers[email.lower()] = TesterRecord(email, stamp(call.now), True, "NOT_ACCEPTED")
    if bt.status != "IN_DRAFT":  # a draft's testers are invited when it starts
        call.send("invitation", new)
    return 204, None, {}


async def remove_testers(call: Call) -> Reply:
    bt = call.beta_test()
    for email in await _tester_emails(call.request):
        bt.testers.pop(email.lower(), None)
    return 204, None, {}


async def send_reminder(call: Call) -> Reply:
    bt = call.beta_test()
    emails = await _tester_emails(call.request)
    call.require(bt, ("RUNNING",), "send reminders for")
    reminded = []
    for email in emails:
        tester = bt.testers.get(email.lower())
        if tester is not None and tester.isReminderAllowed:
            tester.isReminderAllowed = False
            reminded.append(tester.emailId)
    call.send("reminder", reminded)
    return 204, None, {}


async def request_feedback(call: Call) -> Reply:
    bt = call.beta_test()
    emails = await _tester_emails(call.request)
    call.require(bt, ("RUNNING",), "request feedback for")
    call.send("feedback_request", [bt.testers[e.lower()].emailId for e in emails if e.lower() in bt.testers])
    return 204, None, {}


def _page_token(scope: str, offset: int, issued: float) -> str:
    """Opaque enough: a scope tag, the offset, and when it was issued (it expires after 24 hours)."""
    return f"{scope}.{offset}.{int(issued)}"


def _page_size(query: Any, top: int, default: int) -> int:
    try:
        size = int(query.get("maxResults", str(default)))
    except ValueError:
        raise bad_request("INVALID_DATA_TYPE", "maxResults must be an integer.") from None
    if not 1 <= size <= top:
        raise bad_request("INVALID_INTEGER_VALUE", OUT_OF_RANGE)
    return size


def _offset(token: str | None, scope: str, now: float) -> int:
    """Where a nextToken continues; a violation when it is not ours or has expired."""
    if not token:
        return 0
    tag, _, rest = token.partition(".")
    number, _, issued = rest.partition(".")
    if tag != scope or not number.isdigit() or not issued.isdigit():
        raise ViolationsError([("INVALID_NEXT_TOKEN", "nextToken is not valid for this request.")])
    if now - int(issued) > NEXT_TOKEN_TTL_S:
        raise ViolationsError([("INVALID_NEXT_TOKEN", "nextToken has expired: a token is valid for 24 hours.")])
    return int(number)


def _page(rows: list[Any], key: str, scope: str, query: Any, now: float, top: int, default: int) -> Reply:
    size = _page_size(query, top, default)
    offset = _offset(query.get("nextToken"), scope, now)
    page = rows[offset : offset + size]
    body: dict[str, Any] = {key: [r.wire() for r in page], "isTruncated": offset + size < len(rows)}
    if body["isTruncated"]:
        body["nextToken"] = _page_token(scope, offset + size, now)
    return 200, body, {}


async def list_testers(call: Call) -> Reply:
    bt = call.beta_test()
    scope = call.skill.skill_id.rsplit(".", 1)[-1][:8]
    return _page(list(bt.testers.values()), "testers", scope, call.request.query_params, call.now, MAX_TESTERS, 100)


ROUTES: tuple[Route[Handler], ...] = (
    Route("POST", BETA, create_beta_test),
    Route("GET", BETA, get_beta_test),
    Route("PUT", BETA, update_beta_test),
    Route("POST", BETA + "/start", start_beta_test),
    Route("POST", BETA + "/end", end_beta_test),
    Route("POST", BETA + "/testers/add", add_testers),
    Route("GET", BETA + "/testers", list_testers),
    Route("POST", BETA + "/testers/remove", remove_testers),
    Route("POST", BETA + "/testers/sendReminder", send_reminder),
    Route("POST", BETA + "/testers/requestFeedback", request_feedback),
)


async def list_vendors(call: VendorCall) -> Reply:
    vendor = call.rt.state.vendors[call.vendor_id]
    return 200, {"vendors": [{"id": call.vendor_id, "name": vendor, "roles": ["ROLE_ADMINISTRATOR"]}]}, {}


async def list_skills(call: VendorCall) -> Reply:
    query = call.request.query_params
    vendor = query.get("vendorId")
    if not vendor:
        raise ViolationsError([("MISSING_PARAMETER", "vendorId is required.")])
    if vendor not in call.rt.state.vendors:
        raise SmapiError(404, "NOT_FOUND", f"Vendor {vendor} was not found.")
    if vendor != call.vendor_id:
        raise SmapiError(403, "FORBIDDEN", "You are not authorized to access this vendor.")
    skills = [s for s in call.rt.state.skills.values() if s.vendor_id == vendor]
    return _page(skills, "skills", "s" + vendor[:8], query, call.now, MAX_SKILLS, MAX_SKILLS)


VENDOR_ROUTES: tuple[Route[VendorHandler], ...] = (
    Route("GET", "/v1/vendors", list_vendors),
    Route("GET", "/v1/skills", list_skills),
)
