"""The Starlette app every simulator is: its routes, its runtime at `app.state.sim`, its error shape.

A request no route serves (404, 405) must still be answered in the provider's own error body, as
the real API does, so a provider supplies `RouteError`: how it words a status for a request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

# The provider's error response for `status` (404, 405, or 500 for anything else) to `request`.
RouteError = Callable[[Request, int], Response]


def sim_app(routes: Sequence[BaseRoute], runtime: object, route_error: RouteError) -> Starlette:
    """A simulator app over `routes`; its runtime (state, config, limiters) is at `app.state.sim`."""

    async def http_error(request: Request, exc: Exception) -> Response:
        return route_error(request, exc.status_code if isinstance(exc, HTTPException) else 500)

    app = Starlette(routes=list(routes), exception_handlers={HTTPException: http_error})
    app.state.sim = runtime
    return app
