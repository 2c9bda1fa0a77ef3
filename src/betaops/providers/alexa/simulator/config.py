"""How an Alexa simulator instance behaves: LWA credentials, skills' owners, limits, faults, clock.

The sandbox credentials are public constants that only open this simulator; tests, the sandbox
provider and the CLI share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from betaops.sim.config import SIM_NOW as SIM_NOW  # re-exported: seed data and tests start from it here
from betaops.sim.config import ReadWriteLimits, sandbox_secret

TOKEN_PATH = "/auth/o2/token"
"""LWA's token path; the simulator serves it next to SMAPI (the transport reaches one app)."""

VENDOR_ID = "M2SANDBOXVENDOR1"
OTHER_VENDOR_ID = "M3OTHERVENDOR999"


def _secret(label: str) -> str:
    return sandbox_secret("alexa", label)


SANDBOX_CLIENT_ID = "amzn1.application-oa2-client." + _secret("client")[:32]
SANDBOX_CLIENT_SECRET = "amzn1.oa2-cs.v1." + _secret("client-secret")
SANDBOX_REFRESH_TOKEN = "Atzr|" + _secret("refresh-token")
OTHER_VENDOR_REFRESH_TOKEN = "Atzr|" + _secret("refresh-token-other")


@dataclass(frozen=True)
class RefreshGrant:
    """A refresh token: which LWA client it was issued to and which vendor it acts for."""

    client_id: str
    vendor_id: str


def _default_clients() -> dict[str, str]:
    return {SANDBOX_CLIENT_ID: SANDBOX_CLIENT_SECRET}


def _default_grants() -> dict[str, RefreshGrant]:
    return {
        SANDBOX_REFRESH_TOKEN: RefreshGrant(SANDBOX_CLIENT_ID, VENDOR_ID),
        OTHER_VENDOR_REFRESH_TOKEN: RefreshGrant(SANDBOX_CLIENT_ID, OTHER_VENDOR_ID),
    }


@dataclass(kw_only=True)
class SimConfig(ReadWriteLimits):
    """Alexa's own knobs: LWA clients and refresh tokens, token lifetime, beta test transitions.

    `transition_s`: how long STARTING and STOPPING last. The state advances on the first request
    for the skill at least that long after start/end (0: on the very next request).
    """

    clients: dict[str, str] = field(default_factory=_default_clients)
    refresh_tokens: dict[str, RefreshGrant] = field(default_factory=_default_grants)
    token_lifetime_s: int = 3600
    rotate_refresh_tokens: bool = False  # LWA may answer a refresh with a NEW refresh token
    transition_s: float = 0.0
    write_limit: int = 60
