"""An in-process transport that fails the way a network does.

`httpx2.ASGITransport` delivers every response; a real connection can reset or stall. The
simulator marks such responses with `FAULT_HEADER` and this wrapper raises the matching httpx2
exception instead, so client retry logic is exercised exactly as in production.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx2

from betaops.sim.faults import FAULT_HEADER, FaultKind

_Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [_Message, Callable[[], Awaitable[_Message]], Callable[[_Message], Awaitable[None]]], Awaitable[None]
]


class SimTransport(httpx2.AsyncBaseTransport):
    """ASGI transport plus simulated connection resets and read timeouts.

    `app` is called once, on the first request: a sandbox builds its simulator only when used.
    """

    def __init__(self, app: Callable[[], ASGIApp]) -> None:
        self._app = app
        self._inner: httpx2.ASGITransport | None = None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self._inner is None:
            self._inner = httpx2.ASGITransport(app=self._app())
        response = await self._inner.handle_async_request(request)
        fault = response.headers.get(FAULT_HEADER)
        if fault == FaultKind.RESET:
            await response.aclose()
            raise httpx2.ReadError("Connection reset by peer (simulated)", request=request)
        if fault == FaultKind.TIMEOUT:
            await response.aclose()
            raise httpx2.ReadTimeout("Read timed out (simulated)", request=request)
        return response

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()


def sim_transport(app: ASGIApp) -> httpx2.AsyncBaseTransport:
    """`httpx2.AsyncClient(transport=sim_transport(app), base_url=...)` talks to a simulator in-process."""
    return SimTransport(lambda: app)
