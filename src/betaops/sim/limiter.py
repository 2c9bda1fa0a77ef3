"""Sliding-window rate limiting, as providers apply it to reads and (more tightly) writes."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass

from betaops.sim.clock import Clock


@dataclass(frozen=True)
class LimitDecision:
    """The outcome of one request against a window: what the rate-limit headers report."""

    allowed: bool
    limit: int
    remaining: int
    retry_after_s: int  # whole seconds until a slot frees; 0 when allowed

    def headers(self) -> dict[str, str]:
        out = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining)}
        if not self.allowed:
            out["Retry-After"] = str(self.retry_after_s)
        return out


class SlidingWindowLimiter:
    """At most `limit` requests per `window_s` seconds per key; a refused request uses no slot."""

    def __init__(self, limit: int, window_s: float, clock: Clock) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._hits: dict[Hashable, deque[float]] = {}

    def _window(self, key: Hashable) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        horizon = self._clock() - self.window_s
        while hits and hits[0] <= horizon:
            hits.popleft()
        return hits

    def acquire(self, key: Hashable) -> LimitDecision:
        """Take a slot if one is free."""
        hits = self._window(key)
        now = self._clock()
        if len(hits) >= self.limit:
            wait = max(1, math.ceil(hits[0] + self.window_s - now))
            return LimitDecision(False, self.limit, 0, wait)
        hits.append(now)
        return LimitDecision(True, self.limit, self.limit - len(hits), 0)

    def peek(self, key: Hashable) -> LimitDecision:
        """The current status without taking a slot (for responses that cost nothing)."""
        remaining = max(0, self.limit - len(self._window(key)))
        return LimitDecision(True, self.limit, remaining, 0)


WriteLimiter = SlidingWindowLimiter
"""The name simulators use for the write limiter (30 writes a minute at BetaTesting)."""
