"""Client-side rate limiting: pace writes under the provider's quota and remember its headroom.

The provider rejects writes over its quota with 429; a bulk job that paces itself never sees one.
Time is injected so tests and benchmarks can compress a minute into milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import anyio


class Slot:
    """One acquisition: the time its window counts from."""

    __slots__ = ("at",)

    def __init__(self, at: float) -> None:
        self.at = at


class WriteWindow(Protocol):
    """What the client paces writes with: this module's limiter, or one in the state store (core/pacing.py)."""

    limit: int
    window_s: float

    async def acquire(self) -> Slot: ...

    def settle(self, slot: Slot) -> None: ...

    async def release(self, slot: Slot) -> None: ...

    def headroom(self) -> int: ...


class SlidingWindowLimiter:
    """At most `limit` acquisitions in any `window_s` seconds.

    A slot counts from its acquisition and, once `settle`d, from when the request was answered: the
    provider counted the request when it arrived, somewhere in between, so reusing the slot a full
    window after the answer never lands inside the provider's window (network and queueing delays
    differ from one request to the next).
    """

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
        self._slots: list[Slot] = []
        self._lock = anyio.Lock()

    def _prune(self, now: float) -> None:
        self._slots = [s for s in self._slots if now - s.at < self.window_s]

    async def acquire(self) -> Slot:
        async with self._lock:
            while True:
                now = self._clock()
                self._prune(now)
                if len(self._slots) < self.limit:
                    slot = Slot(now)
                    self._slots.append(slot)
                    return slot
                await self._sleep(min(s.at for s in self._slots) + self.window_s - now)

    def settle(self, slot: Slot) -> None:
        """The request that used `slot` was answered (or failed): its window counts from now."""
        slot.at = max(slot.at, self._clock())

    async def release(self, slot: Slot) -> None:
        """`settle`, awaitable: a limiter kept in a shared store records it there (`core/pacing.py`)."""
        self.settle(slot)

    def headroom(self) -> int:
        self._prune(self._clock())
        return self.limit - len(self._slots)


@dataclass
class RateLimitStatus:
    """The provider's own view of our quota, from the last response's headers."""

    limit: int | None = None
    remaining: int | None = None
    observed_at: float | None = None

    def update(self, limit: int | None, remaining: int | None, *, now: float) -> None:
        if limit is None and remaining is None:
            return
        self.limit, self.remaining, self.observed_at = limit, remaining, now


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().lstrip("-").isdigit() else None


def ratelimit_headers(headers: Mapping[str, str]) -> tuple[int | None, int | None]:
    """`X-RateLimit-Limit` / `X-RateLimit-Remaining` (the common convention)."""
    return _int(headers.get("x-ratelimit-limit")), _int(headers.get("x-ratelimit-remaining"))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds form; dates are not used by our providers)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(seconds, 0.0)
