"""How the TestFlight simulator behaves: keys, rate limits, latency, faults, caps and its clock.

The sandbox keys are public constants: they were generated once for this simulator and open
nothing else. Tests, the sandbox CLI and the client sign JWTs with them exactly as they would
with a real `.p8` key from App Store Connect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from betaops.sim.config import SIM_NOW as SIM_NOW  # re-exported: seed data and tests start from it here
from betaops.sim.config import BaseSimConfig

BASE_URL = "http://testflight.sandbox"
"""Where the client's sandbox mode points; the simulator serves `/v1/...` under any host."""

AUDIENCE = "appstoreconnect-v1"

SANDBOX_KEY_ID = "TF7SIM2X9R"
SANDBOX_ISSUER_ID = "57246542-96fe-1a63-e053-0824d011072a"
SANDBOX_PRIVATE_KEY_PEM = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQglB2dYZFse/560YP+
OAweZ9+GcIYT0KaONVGstvSw1q6hRANCAARL9+8IPEUL5jQjwDWHkiI0SPTR5sLh
QF7wAQbAfdVeYpgOAA74FIR0DQ2PhzpDrC9KESluB26ED0rF/AF93fUO
-----END PRIVATE KEY-----
"""
SANDBOX_PUBLIC_KEY_PEM = """-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAES/fvCDxFC+Y0I8A1h5IiNEj00ebC
4UBe8AEGwH3VXmKYDgAO+BSEdA0Nj4c6Q6wvShEpbgduhA9KxfwBfd31Dg==
-----END PUBLIC KEY-----
"""

SANDBOX_INDIVIDUAL_KEY_ID = "TFIND4K8Q2"
SANDBOX_INDIVIDUAL_PRIVATE_KEY_PEM = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjFOGBv/4n2Ac9hXh
ATabsyiTrjDESdr3qzYQ8UfW5AuhRANCAASEsLDoA38bPRMzaF1yWA5vWLzKt9zI
C606saZFye7K8UGjgS6ONrBrHuISdS58RfCpKI3LrrF2K8mWrKj8A5WL
-----END PRIVATE KEY-----
"""
SANDBOX_INDIVIDUAL_PUBLIC_KEY_PEM = """-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhLCw6AN/Gz0TM2hdclgOb1i8yrfc
yAutOrGmRcnuyvFBo4Eujjawax7iEnUufEXwqSiNy66xdivJlqyo/AOViw==
-----END PUBLIC KEY-----
"""

UNKNOWN_PRIVATE_KEY_PEM = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1wmj0PC9BWUfGwZf
dC1LbmdVu+gyfWikLAhB87LmOBihRANCAAQc0/AGSLM7JO2cM3JEM5GPgYHORHfw
SNxZQqOX1WJyFcAnHyzUx5ONmt/hLdEyOc7FTRMLY6ZcYoCGk2W5ujbU
-----END PRIVATE KEY-----
"""
"""A valid P-256 key the simulator does not know: tokens signed with it must be refused."""
UNKNOWN_PUBLIC_KEY_PEM = """-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHNPwBkizOyTtnDNyRDORj4GBzkR3
8EjcWUKjl9VichXAJx8s1MeTjZrf4S3RMjnOxU0TC2OmXGKAhpNlubo21A==
-----END PUBLIC KEY-----
"""


def _default_team_keys() -> dict[str, tuple[str, str]]:
    return {SANDBOX_KEY_ID: (SANDBOX_ISSUER_ID, SANDBOX_PUBLIC_KEY_PEM)}


def _default_individual_keys() -> dict[str, str]:
    return {SANDBOX_INDIVIDUAL_KEY_ID: SANDBOX_INDIVIDUAL_PUBLIC_KEY_PEM}


@dataclass(kw_only=True)
class SimConfig(BaseSimConfig):
    """App Store Connect's own knobs: its keys, hourly (and minute) limits, caps, token rules."""

    team_keys: dict[str, tuple[str, str]] = field(default_factory=_default_team_keys)
    """key id -> (issuer id, public key PEM)"""
    individual_keys: dict[str, str] = field(default_factory=_default_individual_keys)
    """key id -> public key PEM"""
    hour_limit: int = 3600
    minute_limit: int | None = None
    external_tester_cap: int = 10_000
    max_token_lifetime_s: int = 1200
    clock_skew_s: int = 60
    """Leeway for `iat` in the future and `exp` just past, as Apple's gateway tolerates."""
