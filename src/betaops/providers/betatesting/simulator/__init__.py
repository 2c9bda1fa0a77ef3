"""A stateful BetaTesting.com API v2 simulator (Starlette), deterministic from a seed.

`create_app()` serves the 43 operations under `/api/external/v2` with the provider's auth,
rate limits, idempotency and error shapes; pair it with `betaops.sim.sim_transport` to test a
client in-process, or serve it with uvicorn as a sandbox.
"""

from betaops.providers.betatesting.simulator.app import SimRuntime, create_app
from betaops.providers.betatesting.simulator.config import (
    BASE_PATH,
    COMPANY_ID,
    OTHER_COMPANY_API_KEY,
    OTHER_COMPANY_CLIENT_ID,
    OTHER_COMPANY_CLIENT_SECRET,
    OTHER_COMPANY_ID,
    READONLY_CLIENT_ID,
    READONLY_CLIENT_SECRET,
    SANDBOX_API_KEY,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SIM_NOW,
    ApiKey,
    OAuthClient,
    SimConfig,
)
from betaops.providers.betatesting.simulator.seed import build_state
from betaops.providers.betatesting.simulator.state import BetaTestingState

__all__ = [
    "BASE_PATH",
    "COMPANY_ID",
    "OTHER_COMPANY_API_KEY",
    "OTHER_COMPANY_CLIENT_ID",
    "OTHER_COMPANY_CLIENT_SECRET",
    "OTHER_COMPANY_ID",
    "READONLY_CLIENT_ID",
    "READONLY_CLIENT_SECRET",
    "SANDBOX_API_KEY",
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "SIM_NOW",
    "ApiKey",
    "BetaTestingState",
    "OAuthClient",
    "SimConfig",
    "SimRuntime",
    "build_state",
    "create_app",
]
