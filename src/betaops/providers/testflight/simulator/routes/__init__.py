"""TestFlight's routes in one table: the writes by resource, the metrics, a generic reader per GET.

Paths are the spec's own (`/v1/builds/{id}`); every operation of the spec has exactly one route,
checked when this module loads, so a simulator never starts with an operation it cannot serve.
"""

from betaops.providers.testflight.simulator import spec
from betaops.providers.testflight.simulator.context import Handler
from betaops.providers.testflight.simulator.routes import builds, groups, metadata, reads
from betaops.sim.routing import Route

ROUTES: tuple[Route[Handler], ...] = (*builds.ROUTES, *groups.ROUTES, *metadata.ROUTES, *reads.ROUTES)


def _check() -> None:
    declared = [(route.method, route.path) for route in ROUTES]
    wanted = {(op.method, op.path) for op in spec.operations()}
    if len(declared) != len(set(declared)) or set(declared) != wanted:
        raise LookupError(f"routes and spec disagree: {sorted(wanted.symmetric_difference(declared))}")


_check()
