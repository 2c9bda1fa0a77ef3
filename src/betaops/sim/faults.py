"""Fault injection: the failures real networks and providers produce, on demand or at random.

A fault fires either BEFORE the request executes (nothing changed at the provider) or AFTER it
executed (the write happened but the client never learns so: the case idempotency keys exist
for). Tests queue exact faults (`faults.queue("reset_after_execute")`); soak runs set rates and a
seed so a failing run can be replayed.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from enum import StrEnum

import anyio
from starlette.responses import Response

FAULT_HEADER = "x-sim-fault"
"""Set on a response that `sim_transport` must turn into a network error instead of delivering."""

AFTER_SUFFIX = "_after_execute"


class FaultKind(StrEnum):
    SERVER_ERROR = "500"
    BAD_GATEWAY = "502"
    UNAVAILABLE = "503"
    RATE_LIMITED = "429"
    RESET = "reset"  # connection reset: the client sees httpx2.ReadError
    TIMEOUT = "timeout"  # no answer in time: the client sees httpx2.ReadTimeout
    SLOW = "slow"  # answers, late
    TRUNCATED = "truncated"  # body cut short mid-JSON
    NON_JSON = "non_json"  # an HTML error page from a proxy


_BEFORE_ONLY = frozenset({FaultKind.RATE_LIMITED, FaultKind.SLOW})


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    after_execute: bool = False

    @classmethod
    def parse(cls, spec: str | FaultKind) -> Fault:
        """`"500"`, `"reset"`, `"reset_after_execute"`, ... -> Fault."""
        text = str(spec)
        after = text.endswith(AFTER_SUFFIX)
        kind = FaultKind(text.removesuffix(AFTER_SUFFIX))
        if after and kind in _BEFORE_ONLY:
            raise ValueError(f"a {kind} fault cannot happen after executing")
        return cls(kind, after)


@dataclass
class FaultRates:
    """Per-request probabilities for random faults (0 = never)."""

    server_error: float = 0.0
    rate_limit_storm: float = 0.0  # starts a run of `storm_length` 429s
    reset: float = 0.0
    timeout: float = 0.0
    slow: float = 0.0
    truncated: float = 0.0
    non_json: float = 0.0


@dataclass
class _Queued:
    fault: Fault
    remaining: int
    method: str | None
    path: str | None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method.upper()) and (self.path is None or self.path in path)


@dataclass(frozen=True)
class InjectedFault:
    method: str
    path: str
    fault: Fault


@dataclass
class Faults:
    """Which requests fail and how. Queued faults win over random ones."""

    rates: FaultRates = field(default_factory=FaultRates)
    seed: int = 0
    storm_length: int = 5
    slow_s: float = 1.5
    after_execute_share: float = 0.5  # of random faults on writes, the share that hit after executing
    retry_after_s: int = 1
    injected: list[InjectedFault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._queue: list[_Queued] = []
        self._storm = 0

    def queue(
        self, spec: str | FaultKind, count: int = 1, *, method: str | None = None, path: str | None = None
    ) -> None:
        """Make the next `count` matching requests fail with `spec` (e.g. "500", "reset_after_execute").

        `method` and `path` (a substring of the URL path) narrow which requests it hits, so a
        fault meant for a write is not spent on the preview read before it.
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        self._queue.append(_Queued(Fault.parse(spec), count, method and method.upper(), path))

    def clear(self) -> None:
        self._queue.clear()
        self._storm = 0

    @property
    def pending(self) -> int:
        """Queued faults not yet fired."""
        return sum(q.remaining for q in self._queue)

    def draw(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any (consumes a queued one)."""
        fault = self._from_queue(method, path) or self._random(method)
        if fault is not None:
            self.injected.append(InjectedFault(method, path, fault))
        return fault

    def _from_queue(self, method: str, path: str) -> Fault | None:
        for queued in self._queue:
            if queued.matches(method, path):
                queued.remaining -= 1
                if queued.remaining == 0:
                    self._queue.remove(queued)
                return queued.fault
        return None

    def _random(self, method: str) -> Fault | None:
        if self._storm:
            self._storm -= 1
            return Fault(FaultKind.RATE_LIMITED)
        r = self.rates
        if r.rate_limit_storm and self._rng.random() < r.rate_limit_storm:
            self._storm = self.storm_length - 1
            return Fault(FaultKind.RATE_LIMITED)
        for kind, p in (
            (FaultKind.SERVER_ERROR, r.server_error),
            (FaultKind.RESET, r.reset),
            (FaultKind.TIMEOUT, r.timeout),
            (FaultKind.SLOW, r.slow),
            (FaultKind.TRUNCATED, r.truncated),
            (FaultKind.NON_JSON, r.non_json),
        ):
            if p and self._rng.random() < p:
                after = (
                    method.upper() != "GET"
                    and kind not in _BEFORE_ONLY
                    and self._rng.random() < self.after_execute_share
                )
                return Fault(kind, after)
        return None

    # ---------------------------------------------------------------- rendering

    async def before(self, fault: Fault) -> Response | None:
        """The response that replaces executing the request, or None to go on (after a delay if slow)."""
        if fault.after_execute:
            return None
        if fault.kind is FaultKind.SLOW:
            await anyio.sleep(self.slow_s)
            return None
        if fault.kind is FaultKind.RATE_LIMITED:
            return _json(
                429,
                {"error": "Too Many Requests", "message": "Rate limit exceeded; retry later."},
                {"Retry-After": str(self.retry_after_s), "X-RateLimit-Remaining": "0"},
            )
        return render(fault, None)


def render(fault: Fault, executed: Response | None) -> Response:
    """A failed response for `fault`; `executed` is the real response it replaces, if it ran."""
    kind = fault.kind
    if kind in (FaultKind.RESET, FaultKind.TIMEOUT):
        return Response(f"simulated {kind}", 502, {FAULT_HEADER: kind.value}, media_type="text/plain")
    if kind is FaultKind.NON_JSON:
        page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
        return Response(page, 502, media_type="text/html")
    if kind is FaultKind.TRUNCATED:
        full = executed.body if executed is not None else b'{"data": {"id": 1, "name": "truncated"}}'
        status = executed.status_code if executed is not None else 200
        return Response(bytes(full)[: max(1, len(full) // 2)], status, media_type="application/json")
    status = int(kind.value) if kind.value.isdigit() else 500
    return _json(status, {"error": "Server Error", "message": f"Simulated {status} from the provider."}, {})


def _json(status: int, body: dict[str, str], headers: dict[str, str]) -> Response:
    return Response(json.dumps(body), status, headers, media_type="application/json")
