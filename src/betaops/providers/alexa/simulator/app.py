"""The SMAPI beta test simulator as a Starlette app, with Login with Amazon's token endpoint.

Pipeline for every request, as Amazon's gateway would apply it: log, fault (before), bearer token,
rate limit, skill ownership, lazy STARTING/STOPPING transition, the operation, answer variant,
fault (after). Errors use SMAPI's documented body `{"message", "code"}`, except the 400s whose
detail is per item (invalid emails, the invitation limit, a bad or expired nextToken): those are
`{"message": "Request is not valid.", "violations": [{"code", "message"}]}`. LWA errors use
OAuth2's `{"error", "error_description"}`; with `SimConfig.rotate_refresh_tokens` every refresh
issues a new refresh token and retires the one used. `GET /v1/vendors` and `GET /v1/skills?vendorId=`
find a skill. Executed writes land in `state.write_log`, emails Amazon would send in `state.outbox`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from betaops.providers.alexa.simulator.config import TOKEN_PATH, SimConfig
from betaops.providers.alexa.simulator.seed import DAY, build_state, invitation_url, stamp
from betaops.providers.alexa.simulator.state import (
    BETA_DAYS,
    AlexaState,
    BetaTestRecord,
    IssuedToken,
    SentEmail,
    SkillRecord,
    TesterRecord,
)
from betaops.sim.app import sim_app
from betaops.sim.body import json_object
from betaops.sim.faults import Fault, FaultKind
from betaops.sim.gateway import Inner, gateway, logger
from betaops.sim.limiter import LimitDecision, SlidingWindowLimiter
from betaops.sim.request_log import WriteRecord

BETA = "/v1/skills/{skill_id}/betaTest"
MAX_TESTERS = 500
MAX_SKILL_ID = 255
MAX_EMAIL = 254
OUT_OF_RANGE = "The property is outside the allowed range."
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_STATUS_FAULTS = {FaultKind.SERVER_ERROR, FaultKind.BAD_GATEWAY, FaultKind.UNAVAILABLE, FaultKind.RATE_LIMITED}


class SmapiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}

    def response(self, extra: dict[str, str] | None = None) -> JSONResponse:
        # Key order as in the documented example: message first, then code.
        return JSONResponse(
            {"message": self.message, "code": self.code}, self.status, {**(extra or {}), **self.headers}
        )


def bad_request(code: str, message: str) -> SmapiError:
    return SmapiError(400, code, message)


class ViolationsError(SmapiError):
    """A 400 whose detail is per item: `{"message": "Request is not valid.", "violations": [...]}`."""

    def __init__(self, violations: list[tuple[str, str]]) -> None:
        super().__init__(400, violations[0][0], "Request is not valid.")
        self.violations = violations

    def response(self, extra: dict[str, str] | None = None) -> JSONResponse:
        body = {"message": self.message, "violations": [{"code": c, "message": m} for c, m in self.violations]}
        return JSONResponse(body, self.status, {**(extra or {}), **self.headers})


NEXT_TOKEN_TTL_S = 24 * 3600.0


@dataclass
class SimRuntime:
    state: AlexaState
    config: SimConfig
    reads: SlidingWindowLimiter
    writes: SlidingWindowLimiter


@dataclass
class Call:
    """One authenticated request for one skill."""

    rt: SimRuntime
    skill: SkillRecord
    request: Request
    now: float

    def beta_test(self) -> BetaTestRecord:
        bt = self.skill.beta_test
        if bt is None:
            raise SmapiError(404, "NOT_FOUND", f"No beta test exists for skill {self.skill.skill_id}.")
        return bt

    def require(self, bt: BetaTestRecord, allowed: tuple[str, ...], action: str) -> None:
        if bt.status not in allowed:
            raise SmapiError(
                409, "CONFLICT", f"Cannot {action} a beta test in status {bt.status} (needs {' or '.join(allowed)})."
            )

    def send(self, kind: str, emails: list[str]) -> None:
        self.rt.state.outbox += [SentEmail(kind, self.skill.skill_id, e, self.now) for e in emails]


Reply = tuple[int, dict[str, Any] | None, dict[str, str]]
Handler = Callable[[Call], Awaitable[Reply]]


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


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("POST", BETA, create_beta_test),
    ("GET", BETA, get_beta_test),
    ("PUT", BETA, update_beta_test),
    ("POST", BETA + "/start", start_beta_test),
    ("POST", BETA + "/end", end_beta_test),
    ("POST", BETA + "/testers/add", add_testers),
    ("GET", BETA + "/testers", list_testers),
    ("POST", BETA + "/testers/remove", remove_testers),
    ("POST", BETA + "/testers/sendReminder", send_reminder),
    ("POST", BETA + "/testers/requestFeedback", request_feedback),
)


# ------------------------------------------------------------------------ finding a skill

MAX_SKILLS = 50


@dataclass
class VendorCall:
    """One authenticated request that names no skill."""

    rt: SimRuntime
    vendor_id: str
    request: Request
    now: float


VendorHandler = Callable[[VendorCall], Awaitable[Reply]]


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


VENDOR_ROUTES: tuple[tuple[str, str, VendorHandler], ...] = (
    ("GET", "/v1/vendors", list_vendors),
    ("GET", "/v1/skills", list_skills),
)


# ------------------------------------------------------------------------ gateway


def _advance(bt: BetaTestRecord | None, now: float, transition_s: float) -> None:
    """STARTING and STOPPING finish on the first request at least `transition_s` after they began."""
    if bt is not None and now >= bt.changed_at + transition_s:
        bt.status = {"STARTING": "RUNNING", "STOPPING": "ENDED"}.get(bt.status, bt.status)


def _authenticate(rt: SimRuntime, header: str | None, now: float) -> IssuedToken:
    scheme, _, token = (header or "").partition(" ")
    issued = rt.state.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
    if issued is None:
        raise SmapiError(401, "UNAUTHORIZED", "Request is not authorized: the access token is missing or invalid.")
    if now >= issued.expires_at:
        raise SmapiError(401, "UNAUTHORIZED", "The access token has expired.")
    return issued


async def _admit(rt: SimRuntime, request: Request, now: float) -> IssuedToken | Response:
    """The caller's token, or the 401/429 answer that refuses the request."""
    limiter = rt.writes if request.method != "GET" else rt.reads
    try:
        who = _authenticate(rt, request.headers.get("authorization"), now)
    except SmapiError as exc:
        return exc.response({"WWW-Authenticate": 'Bearer realm="smapi"'})
    decision: LimitDecision = limiter.acquire(who.client_id + who.vendor_id)
    if not decision.allowed:
        return SmapiError(
            429, "TOO_MANY_REQUESTS", "Rate exceeded.", {"Retry-After": str(decision.retry_after_s)}
        ).response()
    return who


def _send(status: int, body: dict[str, Any] | None, headers: dict[str, str]) -> Response:
    if body is None:
        return Response(status_code=status, headers=headers)
    return JSONResponse(body, status, headers)


async def _execute(rt: SimRuntime, handler: Handler, request: Request) -> Response:
    now = rt.config.clock()
    is_write = request.method != "GET"
    who = await _admit(rt, request, now)
    if isinstance(who, Response):
        return who
    skill_id = request.path_params["skill_id"]
    try:
        if not 1 <= len(skill_id) <= MAX_SKILL_ID:
            raise bad_request("INVALID_STRING_LENGTH", OUT_OF_RANGE)
        skill = rt.state.skills.get(skill_id)
        if skill is None:
            raise SmapiError(404, "NOT_FOUND", f"Skill {skill_id} was not found.")
        if skill.vendor_id != who.vendor_id:
            raise SmapiError(403, "FORBIDDEN", "You are not authorized to access this skill.")
        _advance(skill.beta_test, now, rt.config.transition_s)
        status, body, headers = await handler(Call(rt, skill, request, now))
    except SmapiError as exc:
        return exc.response()
    if is_write:
        rt.state.write_log.append(WriteRecord(request.method, request.url.path, None, who.vendor_id, status, now))
    return _send(status, body, headers)


async def _execute_vendor(rt: SimRuntime, handler: VendorHandler, request: Request) -> Response:
    now = rt.config.clock()
    who = await _admit(rt, request, now)
    if isinstance(who, Response):
        return who
    try:
        status, body, headers = await handler(VendorCall(rt, who.vendor_id, request, now))
    except SmapiError as exc:
        return exc.response()
    return _send(status, body, headers)


def _lwa_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status, {"Cache-Control": "no-store"})


async def _token(rt: SimRuntime, request: Request) -> Response:
    """LWA refresh-token grant: client id and secret plus a refresh token issued to that client."""
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
    if form.get("grant_type") != "refresh_token":
        return _lwa_error(400, "unsupported_grant_type", "The authorization grant type is not supported.")
    client_id = form.get("client_id", "")
    secret = rt.config.clients.get(client_id)
    if secret is None or not secrets.compare_digest(secret, form.get("client_secret", "")):
        return _lwa_error(401, "invalid_client", "Client authentication failed.")
    used = form.get("refresh_token", "")
    grant = rt.config.refresh_tokens.get(used)
    if grant is None or grant.client_id != client_id:
        return _lwa_error(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
    token = "Atza|" + secrets.token_urlsafe(48)
    lifetime = rt.config.token_lifetime_s
    rt.state.tokens[token] = IssuedToken(client_id, grant.vendor_id, rt.config.clock() + lifetime)
    refresh = used
    if rt.config.rotate_refresh_tokens:  # a new refresh token each time; the one used stops working
        refresh = "Atzr|" + secrets.token_urlsafe(48)
        rt.config.refresh_tokens[refresh] = rt.config.refresh_tokens.pop(used)
        rt.state.rotated_refresh_tokens.append(refresh)
    body = {
        "access_token": token,
        "refresh_token": refresh,
        "token_type": "bearer",
        "expires_in": lifetime,
    }
    return JSONResponse(body, 200, {"Cache-Control": "no-store"})


def _status_fault(fault: Fault, retry_after_s: int) -> Response | None:
    """Throttling and server faults in SMAPI's own error shape; None leaves the rest to the toolkit."""
    if fault.kind not in _STATUS_FAULTS:
        return None
    if fault.kind is FaultKind.RATE_LIMITED:
        return SmapiError(429, "TOO_MANY_REQUESTS", "Rate exceeded.", {"Retry-After": str(retry_after_s)}).response()
    status = int(fault.kind.value)
    if status == 503:
        return SmapiError(503, "SERVICE_UNAVAILABLE", "Service is temporarily unavailable; try again later.").response()
    return SmapiError(status, "INTERNAL_SERVER_ERROR", "An internal error occurred; try again later.").response()


def _gateway(rt: SimRuntime, inner: Inner) -> Inner:
    def shape(fault: Fault, _executed: Response | None) -> Response | None:
        return _status_fault(fault, rt.config.faults.retry_after_s)

    return gateway(inner, rt.config, logger(rt.state.requests, rt.config.clock), shape)


def _route_error(request: Request, status: int) -> Response:
    if status == 404:
        return SmapiError(404, "NOT_FOUND", f"No resource at {request.url.path}.").response()
    if status == 405:
        return SmapiError(405, "METHOD_NOT_ALLOWED", f"{request.method} is not supported here.").response()
    return SmapiError(500, "INTERNAL_SERVER_ERROR", "Unexpected error.").response()


def create_app(state: AlexaState | None = None, config: SimConfig | None = None) -> Starlette:
    """A simulator over `state` (default: `build_state()`); its runtime is at `app.state.sim`."""
    state = state if state is not None else build_state()
    config = config if config is not None else SimConfig()
    rt = SimRuntime(
        state,
        config,
        SlidingWindowLimiter(config.read_limit, config.read_window_s, config.clock),
        SlidingWindowLimiter(config.write_limit, config.write_window_s, config.clock),
    )

    async def token(request: Request) -> Response:
        return await _token(rt, request)

    routes = [Route(TOKEN_PATH, _gateway(rt, token), methods=["POST"])]
    for method, path, vendor_handler in VENDOR_ROUTES:

        async def run_vendor(request: Request, handler: VendorHandler = vendor_handler) -> Response:
            return await _execute_vendor(rt, handler, request)

        routes.append(Route(path, _gateway(rt, run_vendor), methods=[method]))
    for method, path, handler in ROUTES:

        async def run(request: Request, handler: Handler = handler) -> Response:
            return await _execute(rt, handler, request)

        routes.append(Route(path, _gateway(rt, run), methods=[method]))
    return sim_app(routes, rt, _route_error)
