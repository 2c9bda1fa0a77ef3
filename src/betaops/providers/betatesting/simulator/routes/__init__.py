"""The 43 operations, grouped by resource; `ENDPOINTS` lists them all."""

from betaops.providers.betatesting.simulator.context import Endpoint
from betaops.providers.betatesting.simulator.routes import (
    activities,
    community,
    engagement,
    issues,
    testers,
    tests,
)

ENDPOINTS: tuple[Endpoint, ...] = (
    *tests.ENDPOINTS,
    *testers.ENDPOINTS,
    *issues.ENDPOINTS,
    *activities.ENDPOINTS,
    *engagement.ENDPOINTS,
    *community.ENDPOINTS,
)
