"""Write pacing and rate-limit headroom kept in the state store, so replicas share them.

`SharedWindow` stands in for `SlidingWindowLimiter` (same acquire/settle/headroom): its slots
live in the store, so three replicas pacing one provider take slots from one window and together
stay under the provider's limit, instead of each sending the whole limit. `SharedRate` stands in
for `RateLimitStatus`: what the provider last said about our quota is published to the store, so
every replica (and /health, the status resource, betaops_context) sees the latest word.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable

import anyio

from betaops.core.ratelimit import RateLimitStatus, Slot
from betaops.core.state import Headroom, StateStore


class SharedSlot(Slot):
    __slots__ = ("name",)

    def __init__(self, at: float, name: str) -> None:
        super().__init__(at)
        self.name = name


class SharedWindow:
    """At most `limit` writes in any `window_s` seconds, counted across every user of the store."""

    def __init__(
        self,
        store: StateStore,
        name: str,
        limit: int,
        window_s: float,
        *,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        rate: SharedRate | None = None,
    ) -> None:
        self.store = store
        self.name = name
        self.limit = limit
        self.window_s = window_s
        self._sleep = sleep
        self._rate = rate
        self._free = limit

    async def acquire(self) -> Slot:
        if self._rate is not None:
            await self._rate.publish()
        slot = SharedSlot(time.time(), uuid.uuid4().hex)
        while True:
            wait = await self.store.take_slot(self.name, self.limit, self.window_s, slot.name)
            if wait == 0:
                slot.at = time.time()
                return slot
            await self._sleep(min(wait, self.window_s))

    def settle(self, slot: Slot) -> None:
        slot.at = max(slot.at, time.time())

    async def release(self, slot: Slot) -> None:
        """The request was answered: its slot counts from now, for every replica."""
        self.settle(slot)
        if isinstance(slot, SharedSlot):
            with anyio.CancelScope(shield=True):
                await self.store.settle_slot(self.name, slot.name)
        if self._rate is not None:
            await self._rate.publish()

    def headroom(self) -> int:
        """The free slots when last refreshed (a sync view for status documents)."""
        return self._free

    async def refresh(self) -> int:
        self._free = await self.store.slots_free(self.name, self.limit, self.window_s)
        return self._free


class SharedRate(RateLimitStatus):
    """The provider's rate-limit headers, published to the store and read back from it."""

    def __init__(self, store: StateStore, provider: str) -> None:
        super().__init__()
        self.store = store
        self.provider = provider
        self._dirty = False

    def update(self, limit: int | None, remaining: int | None, *, now: float) -> None:
        if limit is None and remaining is None:
            return
        super().update(limit, remaining, now=time.time())  # wall time: comparable across replicas
        self._dirty = True

    async def publish(self) -> None:
        if self._dirty:
            self._dirty = False
            with anyio.CancelScope(shield=True):
                await self.store.put_headroom(self.provider, Headroom(self.limit, self.remaining, self.observed_at))

    async def refresh(self) -> None:
        """Adopt the newest observation any replica published."""
        await self.publish()
        shared = await self.store.get_headroom(self.provider)
        if shared is not None and (self.observed_at is None or (shared.observed_at or 0) > self.observed_at):
            self.limit, self.remaining, self.observed_at = shared.limit, shared.remaining, shared.observed_at
