"""The gateway every simulator request passes, in the order a real API gateway applies it.

Log, latency, fault (before), the provider's own handling, answer variants, fault (after). Only
two things differ between providers: what a request log entry holds, and how a throttling or
server fault looks in the provider's own error shape; both are hooks, so the order stays one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio
from starlette.requests import Request
from starlette.responses import Response

from betaops.sim.clock import Clock
from betaops.sim.config import BaseSimConfig
from betaops.sim.faults import Fault, render
from betaops.sim.request_log import RequestRecord, record_request

Inner = Callable[[Request], Awaitable[Response]]
# The provider's rendering of `fault` (given the executed response, if it ran), or None: the generic one.
FaultShape = Callable[[Fault, Response | None], Response | None]
Log = Callable[[Request], Awaitable[None]]


def logger(requests: list[RequestRecord], clock: Clock) -> Log:
    """The default log hook: a redacted `RequestRecord` of each request appended to `requests`."""

    async def log(request: Request) -> None:
        requests.append(record_request(request, clock()))

    return log


def gateway(inner: Inner, config: BaseSimConfig, log: Log, shape: FaultShape | None = None) -> Inner:
    """`inner` behind logging, latency, fault injection and answer variants."""

    def shaped(fault: Fault, executed: Response | None) -> Response | None:
        return shape(fault, executed) if shape is not None else None

    async def endpoint(request: Request) -> Response:
        await log(request)
        if config.latency_s > 0:
            await anyio.sleep(config.latency_s)
        faults = config.faults
        fault = faults.draw(request.method, request.url.path)
        if fault is not None and not fault.after_execute:
            early = shaped(fault, None) or await faults.before(fault)
            if early is not None:
                return early
        response = await config.variants.apply(request, await inner(request))
        if fault is not None and fault.after_execute:
            return shaped(fault, response) or render(fault, response)
        return response

    return endpoint
