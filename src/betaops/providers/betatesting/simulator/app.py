"""The BetaTesting simulator as a Starlette app: the 43 operations behind the provider's rules.

Every request passes the same pipeline, in the order a real gateway applies it: log, latency,
fault (before), auth and scope, idempotent replay, rate limit, execute, fault (after). Writes that
executed are appended to `state.write_log`, so tests can prove a refused write changed nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from betaops.providers.betatesting.simulator.auth import Principal, authenticate, issue_token
from betaops.providers.betatesting.simulator.config import BASE_PATH, READ, WRITE, SimConfig
from betaops.providers.betatesting.simulator.context import Call, Handler
from betaops.providers.betatesting.simulator.inputs import ApiError, Input, invalid
from betaops.providers.betatesting.simulator.routes import ROUTES
from betaops.providers.betatesting.simulator.seed import build_state
from betaops.providers.betatesting.simulator.state import BetaTestingState
from betaops.sim.app import sim_app
from betaops.sim.body import json_object
from betaops.sim.clock import iso
from betaops.sim.gateway import Inner, logger
from betaops.sim.idempotency import IdempotencyConflictError, IdempotencyStore
from betaops.sim.limiter import SlidingWindowLimiter
from betaops.sim.request_log import WriteRecord
from betaops.sim.routing import Route, bind

REPLAYED_HEADER = "X-Idempotency-Replayed"
MAX_KEY_LENGTH = 255


@dataclass
class SimRuntime:
    """One running simulator: its data, its knobs, and the gateway's own memory."""

    state: BetaTestingState
    config: SimConfig
    reads: SlidingWindowLimiter
    writes: SlidingWindowLimiter
    idempotency: IdempotencyStore


def _error(exc: ApiError, extra: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": exc.error, "message": exc.message}
    return JSONResponse(body, exc.status, headers={**(extra or {}), **exc.headers})


FREE_FORM = frozenset({"customFields"})  # objects keyed by the company's own field keys


def _snake_field(body: dict[str, Any], where: str = "") -> str | None:
    """The first request field spelt snake_case (request fields are camelCase, like the guide's own
    `filterStatuses`); rows of arrays are checked too, free-form maps such as customFields are not."""
    for key, value in body.items():
        if "_" in key:
            return where + key
        if key in FREE_FORM:
            continue
        rows = value if isinstance(value, list) else [value]
        for n, row in enumerate(rows):
            if isinstance(row, dict):
                found = _snake_field(row, f"{where}{key}.{n}." if isinstance(value, list) else f"{where}{key}.")
                if found:
                    return found
    return None


async def _json_body(request: Request) -> dict[str, Any]:
    body = json_object(
        await request.body(),
        invalid,
        not_json="The request body must be valid JSON.",
        not_object="The request body must be a JSON object.",
    )
    if (wrong := _snake_field(body)) is not None:
        head, _, last = wrong.rpartition(".")
        camel = last.split("_")[0] + "".join(p.title() for p in last.split("_")[1:])
        raise invalid(f"The {wrong} field is not recognised; did you mean {head + '.' if head else ''}{camel}?")
    return body


async def _execute(rt: SimRuntime, route: Route[Handler], request: Request) -> Response:
    """Auth, scope, idempotency, rate limit and the handler itself."""
    state, config, now = rt.state, rt.config, rt.config.clock()
    is_write = route.is_write
    limiter = rt.writes if is_write else rt.reads
    try:
        who: Principal = authenticate(request.headers.get("authorization"), config, state, now)
    except ApiError as exc:
        return _error(exc, limiter.peek("anonymous").headers())
    needed = WRITE if is_write else READ
    if needed not in who.scopes:
        forbidden = ApiError(403, "Forbidden", f"This token lacks the {needed} scope")
        return _error(forbidden, limiter.peek(who.client).headers())

    raw, path = await request.body(), request.url.path
    key = request.headers.get("idempotency-key") if is_write else None
    if key is not None:
        if not key or len(key) > MAX_KEY_LENGTH:
            return _error(invalid(f"The Idempotency-Key header must be 1-{MAX_KEY_LENGTH} characters."))
        try:
            stored = rt.idempotency.lookup(who.company_id, key, request.method, path, raw)
        except IdempotencyConflictError as conflict:
            return _error(invalid(str(conflict)), limiter.peek(who.client).headers())
        if stored is not None:
            headers = {REPLAYED_HEADER: "true", **limiter.peek(who.client).headers()}
            return Response(stored.content, stored.status, headers, media_type=stored.media_type)

    decision = limiter.acquire(who.client)
    if not decision.allowed:
        kind = "write" if is_write else "read"
        message = f"Too many {kind} requests: the limit is {decision.limit}; retry after {decision.retry_after_s}s."
        return _error(ApiError(429, "Too Many Requests", message), decision.headers())

    try:
        body = await _json_body(request) if is_write else {}
        call = Call(
            state=state,
            company_id=who.company_id,
            path=dict(request.path_params),
            query=Input(dict(request.query_params), from_query=True),
            body=Input(body, from_query=False),
            now=iso(now),
        )
        reply = route.handler(call)
    except ApiError as exc:
        return _error(exc, decision.headers())
    if reply.body is None:
        response: Response = Response(status_code=reply.status, headers=decision.headers())
    else:
        response = JSONResponse(reply.body, reply.status, headers=decision.headers())
    if is_write:
        state.write_log.append(WriteRecord(request.method, path, key, who.company_id, reply.status, now))
        if key is not None:
            rt.idempotency.save(
                who.company_id,
                key,
                method=request.method,
                path=path,
                body=raw,
                status=response.status_code,
                content=bytes(response.body),
                media_type=response.media_type,
            )
    return response


def _token_endpoint(rt: SimRuntime) -> Inner:
    async def token(request: Request) -> Response:
        fields = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        status, body = issue_token(fields, request.headers.get("authorization"), rt.config, rt.state, rt.config.clock())
        return JSONResponse(body, status, headers={"Cache-Control": "no-store"})

    return token


def _route_error(request: Request, status: int) -> Response:
    if status == 404:
        return JSONResponse({"error": "Not found", "message": f"No route for {request.url.path}"}, 404)
    if status == 405:
        message = f"{request.method} is not supported for {request.url.path}"
        return JSONResponse({"error": "Method not allowed", "message": message}, 405)
    return JSONResponse({"error": "Server Error", "message": "Unexpected error"}, status)


def create_app(state: BetaTestingState | None = None, config: SimConfig | None = None) -> Starlette:
    """A simulator over `state` (default: `build_state()`); the runtime is at `app.state.sim`."""
    state = state if state is not None else build_state()
    config = config if config is not None else SimConfig()
    reads, writes = config.limiters()
    rt = SimRuntime(state, config, reads, writes, IdempotencyStore(config.clock, config.idempotency_ttl_s))

    async def execute(route: Route[Handler], request: Request) -> Response:
        return await _execute(rt, route, request)

    routes = [
        Route("POST", f"{BASE_PATH}/oauth/token", _token_endpoint(rt)),
        *bind(ROUTES, execute, prefix=BASE_PATH, ids="int"),
    ]
    return sim_app(routes, rt, config, log=logger(state.requests, config.clock), route_error=_route_error)
