"""What every simulator config holds: its clock, latency, faults and answer variants.

A provider's `SimConfig` extends `BaseSimConfig` with only what is its own (credentials, limits,
caps); the gateway reads only these fields. Fields are keyword-only, so a subclass adds its own in
any order. Sandbox credentials are public constants derived here, so they open only a simulator.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from betaops.sim.clock import Clock, SimulatedClock, parse_iso
from betaops.sim.faults import Faults
from betaops.sim.limiter import SlidingWindowLimiter
from betaops.sim.variants import Variants

SIM_NOW = parse_iso("2026-11-20T09:00:00Z")
"""Where a simulated clock starts by default: seed data spans the ~90 days before it."""


def sandbox_secret(*labels: str) -> str:
    """A public, reproducible sandbox credential: hex SHA-256 of `betaops-sandbox:<labels>`."""
    return hashlib.sha256(":".join(("betaops-sandbox", *labels)).encode()).hexdigest()


@dataclass(kw_only=True)
class BaseSimConfig:
    """Knobs every simulator has; the defaults behave like a healthy provider."""

    latency_s: float = 0.0
    faults: Faults = field(default_factory=Faults)
    variants: Variants = field(default_factory=Variants)  # answer shapes the documents do not show
    clock: Clock = field(default_factory=lambda: SimulatedClock(SIM_NOW))


@dataclass(kw_only=True)
class ReadWriteLimits(BaseSimConfig):
    """A simulator that limits reads and writes per client in separate sliding windows."""

    read_limit: int = 600
    read_window_s: float = 60.0
    write_limit: int = 30
    write_window_s: float = 60.0

    def limiters(self) -> tuple[SlidingWindowLimiter, SlidingWindowLimiter]:
        """Fresh (reads, writes) limiters on this config's clock."""
        return (
            SlidingWindowLimiter(self.read_limit, self.read_window_s, self.clock),
            SlidingWindowLimiter(self.write_limit, self.write_window_s, self.clock),
        )
