"""A stateful Betasend API v1 simulator (Starlette), deterministic from a seed.

`create_app()` serves the 15 documented operations under `/api/v1`, form-encoded POSTs with the
`api` and `hash` credentials, answering with the doc's bodies and error shapes; pair it with
`betaops.sim.sim_transport` to test a client in-process, or use it as the `--sandbox` provider.
"""

from betaops.providers.betasend.simulator.app import SimRuntime, create_app
from betaops.providers.betasend.simulator.config import (
    BASE_PATH,
    SANDBOX_API_KEY,
    SANDBOX_DOMAIN,
    SANDBOX_HASH,
    SIM_NOW,
    SimConfig,
)
from betaops.providers.betasend.simulator.seed import BETA_LIST_ID, BETA_LIST_SIZE, DOC_CODE, build_state
from betaops.providers.betasend.simulator.state import BetasendState

__all__ = [
    "BASE_PATH",
    "BETA_LIST_ID",
    "BETA_LIST_SIZE",
    "DOC_CODE",
    "SANDBOX_API_KEY",
    "SANDBOX_DOMAIN",
    "SANDBOX_HASH",
    "SIM_NOW",
    "BetasendState",
    "SimConfig",
    "SimRuntime",
    "build_state",
    "create_app",
]
