"""The SMAPI beta test simulator as a Starlette app, with Login with Amazon's token endpoint.

Routes are in `routes.py`, the call and error types in `context.py`; this module is the gateway.

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

import secrets
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from betaops.providers.alexa.simulator.config import TOKEN_PATH, SimConfig
from betaops.providers.alexa.simulator.context import (
    Call,
    Handler,
    Reply,
    SimRuntime,
    SmapiError,
    VendorCall,
    VendorHandler,
    bad_request,
)
from betaops.providers.alexa.simulator.routes import MAX_SKILL_ID, OUT_OF_RANGE, ROUTES, VENDOR_ROUTES
from betaops.providers.alexa.simulator.seed import build_state
from betaops.providers.alexa.simulator.state import (
    AlexaState,
    BetaTestRecord,
    IssuedToken,
)
from betaops.sim.app import sim_app
from betaops.sim.faults import Fault, FaultKind
from betaops.sim.gateway import logger
from betaops.sim.limiter import LimitDecision
from betaops.sim.request_log import WriteRecord
from betaops.sim.routing import Route, bind

C = TypeVar("C")  # what a handler is given: a skill's `Call` or a `VendorCall`
_STATUS_FAULTS = {FaultKind.SERVER_ERROR, FaultKind.BAD_GATEWAY, FaultKind.UNAVAILABLE, FaultKind.RATE_LIMITED}

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


def _skill_call(rt: SimRuntime, who: IssuedToken, request: Request, now: float) -> Call:
    """A request for one skill: the skill must exist and be the caller's; its beta test is brought up to date."""
    skill_id = request.path_params["skill_id"]
    if not 1 <= len(skill_id) <= MAX_SKILL_ID:
        raise bad_request("INVALID_STRING_LENGTH", OUT_OF_RANGE)
    skill = rt.state.skills.get(skill_id)
    if skill is None:
        raise SmapiError(404, "NOT_FOUND", f"Skill {skill_id} was not found.")
    if skill.vendor_id != who.vendor_id:
        raise SmapiError(403, "FORBIDDEN", "You are not authorized to access this skill.")
    _advance(skill.beta_test, now, rt.config.transition_s)
    return Call(rt, skill, request, now)


def _vendor_call(rt: SimRuntime, who: IssuedToken, request: Request, now: float) -> VendorCall:
    return VendorCall(rt, who.vendor_id, request, now)


async def _execute(
    rt: SimRuntime,
    route: Route[Callable[[C], Awaitable[Reply]]],
    request: Request,
    scope: Callable[[SimRuntime, IssuedToken, Request, float], C],
) -> Response:
    """Token, rate limit, the call's scope (a skill, or the vendor), the handler; executed writes are logged."""
    now = rt.config.clock()
    who = await _admit(rt, request, now)
    if isinstance(who, Response):
        return who
    try:
        status, body, headers = await route.handler(scope(rt, who, request, now))
    except SmapiError as exc:
        return exc.response()
    if route.is_write:
        rt.state.write_log.append(WriteRecord(request.method, request.url.path, None, who.vendor_id, status, now))
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
    rt = SimRuntime(state, config, *config.limiters())

    async def token(request: Request) -> Response:
        return await _token(rt, request)

    async def execute(route: Route[Handler], request: Request) -> Response:
        return await _execute(rt, route, request, _skill_call)

    async def execute_vendor(route: Route[VendorHandler], request: Request) -> Response:
        return await _execute(rt, route, request, _vendor_call)

    def fault_shape(fault: Fault, _executed: Response | None) -> Response | None:
        return _status_fault(fault, config.faults.retry_after_s)

    routes = [Route("POST", TOKEN_PATH, token), *bind(VENDOR_ROUTES, execute_vendor), *bind(ROUTES, execute)]
    log = logger(state.requests, config.clock)
    return sim_app(routes, rt, config, log=log, route_error=_route_error, fault_shape=fault_shape)
