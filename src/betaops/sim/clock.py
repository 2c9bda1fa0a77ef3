"""Clocks for simulators: time is injected so windows, expiries and timestamps are testable.

A `Clock` returns Unix seconds. Simulators start in a fixed "now" so seeded data ("last 90 days")
and live writes ("updated just now") agree, whatever the real date is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], float]


def parse_iso(value: str) -> float:
    """`2026-11-02T14:05:00Z` -> Unix seconds."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def iso(ts: float) -> str:
    """Unix seconds -> `2026-11-02T14:05:00Z` (UTC, whole seconds), the providers' wire format."""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SimulatedClock:
    """Starts at `start` (Unix seconds) and then runs at real speed."""

    def __init__(self, start: float) -> None:
        self._offset = start - time.monotonic()

    def __call__(self) -> float:
        return self._offset + time.monotonic()


class FakeClock:
    """A clock that moves only when told to: tests advance it instead of sleeping."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
