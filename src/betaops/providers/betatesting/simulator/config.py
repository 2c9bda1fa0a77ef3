"""How a simulator instance behaves: credentials, limits, latency, faults and its clock.

The default credentials are public sandbox constants (they only open this simulator), exported so
tests, benchmarks and the `sandbox` CLI agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from betaops.sim.config import SIM_NOW as SIM_NOW  # re-exported: seed data and tests start from it here
from betaops.sim.config import ReadWriteLimits, sandbox_secret

BASE_PATH = "/api/external/v2"

READ, WRITE = "api:read", "api:write"
READ_WRITE = frozenset({READ, WRITE})
READ_ONLY = frozenset({READ})

COMPANY_ID = 1
OTHER_COMPANY_ID = 2


SANDBOX_API_KEY = "btst_" + sandbox_secret("company-1")
OTHER_COMPANY_API_KEY = "btst_" + sandbox_secret("company-2")
SANDBOX_CLIENT_ID = "sandbox-readwrite"
SANDBOX_CLIENT_SECRET = sandbox_secret("client-readwrite")
READONLY_CLIENT_ID = "sandbox-readonly"
READONLY_CLIENT_SECRET = sandbox_secret("client-readonly")
OTHER_COMPANY_CLIENT_ID = "otherco-readwrite"
OTHER_COMPANY_CLIENT_SECRET = sandbox_secret("client-otherco")


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


@dataclass(kw_only=True)
class SimConfig(ReadWriteLimits):
    """BetaTesting's own knobs: its keys and OAuth clients, token lifetime, idempotency window."""

    api_keys: dict[str, ApiKey] = field(default_factory=_default_keys)
    oauth_clients: dict[str, OAuthClient] = field(default_factory=_default_clients)
    token_lifetime_s: int = 3600
    idempotency_ttl_s: float = 24 * 3600.0
