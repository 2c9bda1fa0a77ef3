"""The 43 operations, grouped by resource; `ROUTES` lists them all."""

from betaops.providers.betatesting.simulator.context import Handler
from betaops.providers.betatesting.simulator.routes import (
    activities,
    community,
    engagement,
    issues,
    testers,
    tests,
)
from betaops.sim.routing import Route

ROUTES: tuple[Route[Handler], ...] = (
    *tests.ROUTES,
    *testers.ROUTES,
    *issues.ROUTES,
    *activities.ROUTES,
    *engagement.ROUTES,
    *community.ROUTES,
)
