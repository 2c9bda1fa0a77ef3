"""A stateful SMAPI beta test simulator (Starlette) with Login with Amazon's token endpoint.

`create_app()` serves the ten beta test operations under `/v1/skills/...` and LWA's
`/auth/o2/token`; pair it with `betaops.sim.sim_transport` to test a client in-process.
"""

from betaops.providers.alexa.simulator.app import create_app
from betaops.providers.alexa.simulator.config import (
    OTHER_VENDOR_ID,
    OTHER_VENDOR_REFRESH_TOKEN,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_REFRESH_TOKEN,
    SIM_NOW,
    TOKEN_PATH,
    VENDOR_ID,
    RefreshGrant,
    SimConfig,
)
from betaops.providers.alexa.simulator.context import SimRuntime
from betaops.providers.alexa.simulator.seed import (
    DEMO_SKILL_ID,
    DRAFT_SKILL_ID,
    ENDED_SKILL_ID,
    EXAMPLE_TESTER,
    FOREIGN_SKILL_ID,
    LARGE_SKILL_ID,
    LEGACY_SKILL_ID,
    NEW_SKILL_ID,
    build_state,
)
from betaops.providers.alexa.simulator.state import AlexaState

__all__ = [
    "DEMO_SKILL_ID",
    "DRAFT_SKILL_ID",
    "ENDED_SKILL_ID",
    "EXAMPLE_TESTER",
    "FOREIGN_SKILL_ID",
    "LARGE_SKILL_ID",
    "LEGACY_SKILL_ID",
    "NEW_SKILL_ID",
    "OTHER_VENDOR_ID",
    "OTHER_VENDOR_REFRESH_TOKEN",
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "SANDBOX_REFRESH_TOKEN",
    "SIM_NOW",
    "TOKEN_PATH",
    "VENDOR_ID",
    "AlexaState",
    "RefreshGrant",
    "SimConfig",
    "SimRuntime",
    "build_state",
    "create_app",
]
