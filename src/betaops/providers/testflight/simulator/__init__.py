"""A stateful App Store Connect (TestFlight subset) simulator (Starlette), deterministic from a seed.

`create_app()` serves the 142 operations of Apple's OpenAPI subset under `/v1` with ES256 JWT auth,
`X-Rate-Limit`, JSON:API documents, cursor paging and TestFlight's preconditions; pair it with
`betaops.sim.sim_transport` to test a client in-process (base URL `http://testflight.sandbox`).
"""

from betaops.providers.testflight.simulator.app import SimRuntime, create_app
from betaops.providers.testflight.simulator.auth import sign_individual_token, sign_token
from betaops.providers.testflight.simulator.config import (
    AUDIENCE,
    BASE_URL,
    SANDBOX_INDIVIDUAL_KEY_ID,
    SANDBOX_INDIVIDUAL_PRIVATE_KEY_PEM,
    SANDBOX_INDIVIDUAL_PUBLIC_KEY_PEM,
    SANDBOX_ISSUER_ID,
    SANDBOX_KEY_ID,
    SANDBOX_PRIVATE_KEY_PEM,
    SANDBOX_PUBLIC_KEY_PEM,
    SIM_NOW,
    SimConfig,
)
from betaops.providers.testflight.simulator.seed import build_state
from betaops.providers.testflight.simulator.state import Resource, TestFlightState

__all__ = [
    "AUDIENCE",
    "BASE_URL",
    "SANDBOX_INDIVIDUAL_KEY_ID",
    "SANDBOX_INDIVIDUAL_PRIVATE_KEY_PEM",
    "SANDBOX_INDIVIDUAL_PUBLIC_KEY_PEM",
    "SANDBOX_ISSUER_ID",
    "SANDBOX_KEY_ID",
    "SANDBOX_PRIVATE_KEY_PEM",
    "SANDBOX_PUBLIC_KEY_PEM",
    "SIM_NOW",
    "Resource",
    "SimConfig",
    "SimRuntime",
    "TestFlightState",
    "build_state",
    "create_app",
    "sign_individual_token",
    "sign_token",
]
