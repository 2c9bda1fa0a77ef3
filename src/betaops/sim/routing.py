"""Simulator routes, declared one way for every provider: method + path pattern -> handler.

A provider lists its routes in one place, with the paths its operations declare (`{name}` for a
path field), and binds them to its own pipeline (auth, limits, then the handler); `sim_app` serves
the bound routes behind the gateway. What a handler is and returns is the provider's own affair.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from betaops.sim.gateway import Inner

H = TypeVar("H", covariant=True)  # a table of specific handlers is a table of their general type
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route(Generic[H]):
    """One simulated operation. `writes` says whether it changes state; by default any method but GET
    does (a form-POST API such as Betasend says so for each route)."""

    method: str
    path: str
    handler: H
    writes: bool | None = None

    @property
    def is_write(self) -> bool:
        return self.method != "GET" if self.writes is None else self.writes


# The provider's pipeline for one request to `route`: auth, limits, the handler, its answer.
Run = Callable[[Route[H], Request], Awaitable[Response]]


def bind(routes: Iterable[Route[H]], run: Run[H], *, prefix: str = "", ids: str | None = None) -> list[Route[Inner]]:
    """`routes` served by `run`, under `prefix`. `ids` is the Starlette convertor every `{name}` takes
    (e.g. "int": a path with another kind of id is not routed, as at a provider with numeric ids)."""

    def served(route: Route[H]) -> Route[Inner]:
        async def endpoint(request: Request) -> Response:
            return await run(route, request)

        path = _FIELD.sub(rf"{{\1:{ids}}}", route.path) if ids else route.path
        return Route(route.method, prefix + path, endpoint, route.writes)

    return [served(route) for route in routes]
