"""The App Store Connect (TestFlight subset) simulator as a Starlette app: all 142 operations.

Every request passes one pipeline, in the order a gateway applies it: log, latency, fault (before),
path and method resolution (404 `PATH_ERROR`, 405 `METHOD_NOT_ALLOWED`), JWT auth, rate limit
(rolling hour per key, optional minute window), query parameters, body schema, the handler, fault
(after). Every routed response carries `X-Rate-Limit`. Writes that executed go to `state.write_log`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from betaops.providers.testflight.simulator import spec
from betaops.providers.testflight.simulator.auth import authenticate
from betaops.providers.testflight.simulator.bodies import parse_body
from betaops.providers.testflight.simulator.config import SimConfig
from betaops.providers.testflight.simulator.context import Ctx, Handler, Reply
from betaops.providers.testflight.simulator.errors import ApiError, rate_limited
from betaops.providers.testflight.simulator.jsonapi import parse_query
from betaops.providers.testflight.simulator.routes import ROUTES
from betaops.providers.testflight.simulator.seed import SCREENSHOTS, build_state
from betaops.providers.testflight.simulator.state import TestFlightState
from betaops.sim.app import sim_app
from betaops.sim.faults import Fault, FaultKind
from betaops.sim.gateway import logger
from betaops.sim.images import screenshot_png
from betaops.sim.limiter import LimitDecision, SlidingWindowLimiter
from betaops.sim.request_log import WriteRecord
from betaops.sim.routing import Route, bind

RATE_HEADER = "X-Rate-Limit"
ANONYMOUS = "-"


@dataclass
class SimRuntime:
    """One running simulator: its data, its knobs, and the gateway's own memory."""

    state: TestFlightState
    config: SimConfig
    hour: SlidingWindowLimiter
    minute: SlidingWindowLimiter | None

    def rate_header(self, key: str, hour: LimitDecision | None = None, minute: LimitDecision | None = None) -> str:
        hour = hour or self.hour.peek(key)
        text = f"user-hour-lim:{hour.limit};user-hour-rem:{hour.remaining};"
        if self.minute is not None:
            minute = minute or self.minute.peek(key)
            text += f"user-minute-lim:{minute.limit};user-minute-rem:{minute.remaining};"
        return text


def _json(reply: Reply, rate: str) -> Response:
    headers = {**reply.headers, RATE_HEADER: rate}
    if reply.body is None:
        return Response(status_code=reply.status, headers=headers)
    return JSONResponse(reply.body, reply.status, headers=headers)


def _route_error(request: Request, status: int) -> Response:
    path, method = request.url.path, request.method
    if status == 404:
        message = f"The URL path '{path}' is not a valid App Store Connect API resource path."
        return ApiError(404, "PATH_ERROR", message).response()
    if status == 405:
        allowed = ", ".join(spec.methods_at(path))
        message = f"The request method {method} is not valid for the resource path {path}; allowed: {allowed}."
        return ApiError(405, "METHOD_NOT_ALLOWED", message).response()
    return ApiError(500, "UNEXPECTED_ERROR", "An unexpected error occurred.").response()


async def _execute(rt: SimRuntime, route: Route[Handler], request: Request) -> Response:
    config, state = rt.config, rt.state
    now = config.clock()
    path = request.url.path
    base = f"{request.url.scheme}://{request.url.netloc}"
    try:
        who = authenticate(request.headers.get("authorization"), config, now, request.method, str(request.url))
    except ApiError as exc:
        return exc.response({RATE_HEADER: rt.rate_header(ANONYMOUS)})
    hour = rt.hour.acquire(who.key_id)
    minute = None
    if hour.allowed and rt.minute is not None:
        minute = rt.minute.acquire(who.key_id)
    if not hour.allowed or (minute is not None and not minute.allowed):
        return rate_limited().response({RATE_HEADER: rt.rate_header(who.key_id, hour, minute)})
    rate = rt.rate_header(who.key_id, hour, minute)
    try:
        op = spec.operation(route.method, route.path)
        query = parse_query(op, list(request.query_params.multi_items()))
        raw = await request.body()
        body: dict[str, Any] = parse_body(raw, op.request_schema) if op.request_schema else {}
        ctx = Ctx(state, config, op, path, dict(request.path_params), query, body, base, now)
        reply = route.handler(ctx)
    except ApiError as exc:
        return exc.response({RATE_HEADER: rate})
    if route.is_write:
        state.write_log.append(WriteRecord(request.method, path, None, who.key_id, reply.status, now))
    return _json(reply, rate)


def _fault_response(fault: Fault, executed: Response | None) -> Response | None:
    """Throttling and server faults in Apple's shapes; None leaves network-level ones to the toolkit."""
    kind = fault.kind
    if kind is FaultKind.RATE_LIMITED:
        return rate_limited().response({RATE_HEADER: "user-hour-lim:3600;user-hour-rem:0;"})
    if kind in (FaultKind.SERVER_ERROR, FaultKind.BAD_GATEWAY, FaultKind.UNAVAILABLE):
        status = int(kind.value)
        code = "UNEXPECTED_ERROR" if status == 500 else "SERVICE_UNAVAILABLE"
        err = ApiError(
            status,
            code,
            f"Simulated {status} from App Store Connect; try again later.",
            title="An unexpected error occurred.",
        )
        return err.response()
    return None


async def screenshot(request: Request) -> Response:
    """A feedback screenshot's download link: signed and public like Apple's, so it takes no JWT."""
    return Response(screenshot_png(request.url.path), media_type="image/png")


def create_app(state: TestFlightState | None = None, config: SimConfig | None = None) -> Starlette:
    """A simulator over `state` (default: `build_state()`); the runtime is at `app.state.sim`."""
    state = state if state is not None else build_state()
    config = config if config is not None else SimConfig()
    rt = SimRuntime(
        state=state,
        config=config,
        hour=SlidingWindowLimiter(config.hour_limit, 3600.0, config.clock),
        minute=SlidingWindowLimiter(config.minute_limit, 60.0, config.clock) if config.minute_limit else None,
    )

    async def execute(route: Route[Handler], request: Request) -> Response:
        return await _execute(rt, route, request)

    log = logger(state.requests, config.clock)
    # Feedback screenshots are signed public links, not API operations: served beside the routes.
    routes = [Route("GET", f"{SCREENSHOTS}/{{path:path}}", screenshot), *bind(ROUTES, execute)]
    return sim_app(routes, rt, config, log=log, route_error=_route_error, fault_shape=_fault_response)
