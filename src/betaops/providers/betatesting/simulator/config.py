"""How a simulator instance behaves: credentials, limits, latency, faults and its clock.

The default credentials are public sandbox constants (they only open this simulator), exported so
tests, benchmarks and the `sandbox` CLI agree on them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from betaops.sim.clock import Clock, SimulatedClock, parse_iso
from betaops.sim.faults import Faults
from betaops.sim.variants import Variants

BASE_PATH = "/api/external/v2"
SIM_NOW = parse_iso("2026-11-20T09:00:00Z")
"""Where the simulated clock starts: seed data spans the ~90 days before it."""

READ, WRITE = "api:read", "api:write"
READ_WRITE = frozenset({READ, WRITE})
READ_ONLY = frozenset({READ})

COMPANY_ID = 1
OTHER_COMPANY_ID = 2


def _secret(label: str) -> str:
    return hashlib.sha256(f"betaops-sandbox:{label}".encode()).hexdigest()


SANDBOX_API_KEY = "btst_" + _secret("company-1")
OTHER_COMPANY_API_KEY = "btst_" + _secret("company-2")
SANDBOX_CLIENT_ID = "sandbox-readwrite"
SANDBOX_CLIENT_SECRET = _secret("client-readwrite")
READONLY_CLIENT_ID = "sandbox-readonly"
READONLY_CLIENT_SECRET = _secret("client-readonly")
OTHER_COMPANY_CLIENT_ID = "otherco-readwrite"
OTHER_COMPANY_CLIENT_SECRET = _secret("client-otherco")


@dataclass(frozen=True)
class ApiKey:
    """A static `btst_` key: always read+write at BetaTesting."""

    company_id: int
    scopes: frozenset[str] = READ_WRITE


@dataclass(frozen=True)
class OAuthClient:
    """An OAuth2 client-credentials client and the scopes it may be granted."""

    secret: str
    company_id: int
    scopes: frozenset[str] = READ_WRITE


def _default_keys() -> dict[str, ApiKey]:
    return {SANDBOX_API_KEY: ApiKey(COMPANY_ID), OTHER_COMPANY_API_KEY: ApiKey(OTHER_COMPANY_ID)}


def _default_clients() -> dict[str, OAuthClient]:
    return {
        SANDBOX_CLIENT_ID: OAuthClient(SANDBOX_CLIENT_SECRET, COMPANY_ID),
        READONLY_CLIENT_ID: OAuthClient(READONLY_CLIENT_SECRET, COMPANY_ID, READ_ONLY),
        OTHER_COMPANY_CLIENT_ID: OAuthClient(OTHER_COMPANY_CLIENT_SECRET, OTHER_COMPANY_ID),
    }


@dataclass
class SimConfig:
    """Knobs for one simulator instance; the defaults behave like a healthy provider."""

    api_keys: dict[str, ApiKey] = field(default_factory=_default_keys)
    oauth_clients: dict[str, OAuthClient] = field(default_factory=_default_clients)
    token_lifetime_s: int = 3600
    read_limit: int = 600
    read_window_s: float = 60.0
    write_limit: int = 30
    write_window_s: float = 60.0
    idempotency_ttl_s: float = 24 * 3600.0
    latency_s: float = 0.0
    faults: Faults = field(default_factory=Faults)
    variants: Variants = field(default_factory=Variants)  # answer shapes the documents do not show
    clock: Clock = field(default_factory=lambda: SimulatedClock(SIM_NOW))
