"""The Betasend simulator as a Starlette app: every documented endpoint behind the account's rules.

Each request passes one pipeline: log (credentials never kept), latency, fault (before), form
parsing, `api` + `hash` check, execute, fault (after). Betasend answers an unknown name or another
method than POST with its "Invalid api" 405 body. Writes that executed are
appended to `state.write_log`, so tests can prove a refused write changed nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from betaops.providers.betasend.simulator.config import BASE_PATH, SimConfig
from betaops.providers.betasend.simulator.context import ApiError, Call, Handler
from betaops.providers.betasend.simulator.routes import ROUTES
from betaops.providers.betasend.simulator.seed import build_state
from betaops.providers.betasend.simulator.state import BetasendState, FormRequest
from betaops.sim.app import sim_app
from betaops.sim.gateway import Log
from betaops.sim.request_log import WriteRecord
from betaops.sim.routing import Route, bind

CREDENTIAL_FIELDS = ("api", "hash")


@dataclass
class SimRuntime:
    state: BetasendState
    config: SimConfig


def _mysql_time(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%d %H:%M:%S")


def _unauthorized(message: str) -> JSONResponse:
    return JSONResponse(ApiError(message, status=401, code=401, meaning="Unauthorized").body, 401)


def _invalid_api(path: str) -> JSONResponse:
    body = ApiError(f"Invalid api : {path}", status=405, code=405, meaning="Method Not Allowed").body
    return JSONResponse(body, 405)


def _authenticate(form: dict[str, str], config: SimConfig) -> JSONResponse | None:
    api, hash_ = form.get("api", ""), form.get("hash", "")
    ok = secrets.compare_digest(api.encode(), config.api_key.encode()) and secrets.compare_digest(
        hash_.encode(), config.hash.encode()
    )
    if not ok:
        return _unauthorized("Invalid API key or hash")
    if config.api_disabled:
        return _unauthorized("The api has been disabled")
    return None


async def _execute(rt: SimRuntime, route: Route[Handler], request: Request) -> Response:
    form = await _form(request)
    if (refused := _authenticate(form, rt.config)) is not None:
        return refused
    at = rt.config.clock()
    fields = {k: v for k, v in form.items() if k not in CREDENTIAL_FIELDS}
    try:
        body = route.handler(Call(rt.state, fields, _mysql_time(at), at))
    except ApiError as exc:
        return JSONResponse(exc.body, exc.status)
    if route.is_write:
        rt.state.write_log.append(WriteRecord("POST", request.url.path, None, rt.state.account.domain, 200, at))
    return JSONResponse(body)


async def _form(request: Request) -> dict[str, str]:
    raw = (await request.body()).decode("utf-8", "replace")
    return dict(parse_qsl(raw, keep_blank_values=True))


def _logger(rt: SimRuntime) -> Log:
    async def log(request: Request) -> None:
        """A form request without its credentials: whether they were sent is all a test needs."""
        form = await _form(request)
        rt.state.requests.append(
            FormRequest(
                method=request.method,
                path=request.url.path,
                form={k: v for k, v in form.items() if k not in CREDENTIAL_FIELDS},
                had_credentials=all(k in form for k in CREDENTIAL_FIELDS),
                attempt=request.headers.get("x-request-attempt"),
                at=rt.config.clock(),
            )
        )

    return log


def _route_error(request: Request, status: int) -> Response:
    if status in (404, 405):
        return _invalid_api(request.url.path)
    return JSONResponse(
        ApiError("Internal Server Error", status=500, code=500, meaning="Internal Server Error").body, 500
    )


def create_app(state: BetasendState | None = None, config: SimConfig | None = None) -> Starlette:
    """A simulator over `state` (default: `build_state()`); the runtime is at `app.state.sim`."""
    rt = SimRuntime(state if state is not None else build_state(), config if config is not None else SimConfig())

    async def execute(route: Route[Handler], request: Request) -> Response:
        return await _execute(rt, route, request)

    routes = bind(ROUTES, execute, prefix=BASE_PATH)
    return sim_app(routes, rt, rt.config, log=_logger(rt), route_error=_route_error)
