"""The Starlette app every simulator is: its declared routes behind one gateway, its error shape.

Every request passes the gateway (log, latency, faults, answer variants), routed or not: a request
no route serves (404, 405) is answered in the provider's own error body, as the real API does, so
a provider supplies `RouteError`: how it words a status for a request. Its runtime (state, config,
limiters) is at `app.state.sim`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute

from betaops.sim.config import BaseSimConfig
from betaops.sim.gateway import FaultShape, Inner, Log, gateway
from betaops.sim.routing import Route

# The provider's error response for `status` (404, 405, or 500 for anything else) to `request`.
RouteError = Callable[[Request, int], Response]


def sim_app(
    routes: Sequence[Route[Inner]],
    runtime: object,
    config: BaseSimConfig,
    *,
    log: Log,
    route_error: RouteError,
    fault_shape: FaultShape | None = None,
) -> Starlette:
    """A simulator serving `routes` (see `routing.bind`); `fault_shape` words throttling and server
    faults in the provider's error body (None: the toolkit's generic ones)."""

    def gated(inner: Inner) -> Inner:
        return gateway(inner, config, log, fault_shape)

    async def unrouted(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500

        async def answer(request: Request) -> Response:
            return route_error(request, status)

        return await gated(answer)(request)

    served = [StarletteRoute(r.path, gated(r.handler), methods=[r.method]) for r in routes]
    app = Starlette(routes=served, exception_handlers={HTTPException: unrouted})
    app.state.sim = runtime
    return app
