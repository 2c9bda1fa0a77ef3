"""How a Betasend simulator instance behaves: its credentials, faults, latency and clock.

The sandbox credentials are public constants (they only open this simulator), exported so tests
and `betaops serve --sandbox` agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from betaops.sim.clock import Clock, SimulatedClock, parse_iso
from betaops.sim.config import BaseSimConfig, sandbox_secret

BASE_PATH = "/api/v1"
SANDBOX_DOMAIN = "your_domain_name"  # the doc's example account
SIM_NOW = parse_iso("2017-03-01T12:00:00Z")
"""Where the simulated clock starts: the doc's example data is from January-February 2017."""


def _secret(label: str) -> str:
    return sandbox_secret("betasend", label)[:32]


SANDBOX_API_KEY = _secret("api")
SANDBOX_HASH = _secret("hash")
MAX_LIMIT = 1000  # our simulator's cap on `limit`; the doc names none


@dataclass(kw_only=True)
class SimConfig(BaseSimConfig):
    """Betasend's own knobs: the account's credentials, whether its API is disabled, its clock."""

    api_key: str = SANDBOX_API_KEY
    hash: str = SANDBOX_HASH
    api_disabled: bool = False  # the doc's "the api has been disabled" 401
    clock: Clock = field(default_factory=lambda: SimulatedClock(SIM_NOW))
