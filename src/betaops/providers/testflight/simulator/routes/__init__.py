"""Route modules: importing them registers their handlers in `context.HANDLERS` by operationId."""

from betaops.providers.testflight.simulator.routes import builds, groups, metadata, reads

__all__ = ["builds", "groups", "metadata", "reads"]
