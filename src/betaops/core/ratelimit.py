"""Client-side rate limiting: pace writes under the provider's quota and remember its headroom.

The provider rejects writes over its quota with 429; a bulk job that paces itself never sees one.
Time is injected so tests and benchmarks can compress a minute into milliseconds.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio


class SlidingWindowLimiter:
    """At most `limit` acquisitions in any `window_s` seconds, measured at acquisition."""

    def __init__(
        self,
        limit: int,
        window_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("limit must be >= 1 and window_s > 0")
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = anyio.Lock()

    def _prune(self, now: float) -> None:
        while self._stamps and now - self._stamps[0] >= self.window_s:
            self._stamps.popleft()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                self._prune(now)
                if len(self._stamps) < self.limit:
                    self._stamps.append(now)
                    return
                await self._sleep(self._stamps[0] + self.window_s - now)

    def headroom(self) -> int:
        self._prune(self._clock())
        return self.limit - len(self._stamps)


@dataclass
class RateLimitStatus:
    """The provider's own view of our quota, from the last response's headers."""

    limit: int | None = None
    remaining: int | None = None
    observed_at: float | None = None

    def update(self, headers: dict[str, str] | None, now: float) -> None:
        if not headers:
            return
        limit, remaining = headers.get("x-ratelimit-limit"), headers.get("x-ratelimit-remaining")
        if limit is not None and limit.isdigit():
            self.limit = int(limit)
        if remaining is not None and remaining.lstrip("-").isdigit():
            self.remaining = int(remaining)
        self.observed_at = now


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds form; dates are not used by our providers)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(seconds, 0.0)
