"""A small toolkit for provider simulators: faults, idempotency, rate limits, request logs, transport.

Each provider's simulator (e.g. `betaops.providers.betatesting.simulator`) composes these with its
own routes and seed data, so every simulator fails, throttles and replays the same way.
"""

from betaops.sim.clock import Clock, FakeClock, SimulatedClock, iso, parse_iso
from betaops.sim.faults import FAULT_HEADER, Fault, FaultKind, FaultRates, Faults, InjectedFault
from betaops.sim.idempotency import IdempotencyConflictError, IdempotencyStore, StoredResponse
from betaops.sim.limiter import LimitDecision, SlidingWindowLimiter, WriteLimiter
from betaops.sim.request_log import RequestRecord, WriteRecord, record_request
from betaops.sim.transport import SimTransport, sim_transport

__all__ = [
    "FAULT_HEADER",
    "Clock",
    "FakeClock",
    "Fault",
    "FaultKind",
    "FaultRates",
    "Faults",
    "IdempotencyConflictError",
    "IdempotencyStore",
    "InjectedFault",
    "LimitDecision",
    "RequestRecord",
    "SimTransport",
    "SimulatedClock",
    "SlidingWindowLimiter",
    "StoredResponse",
    "WriteLimiter",
    "WriteRecord",
    "iso",
    "parse_iso",
    "record_request",
    "sim_transport",
]
