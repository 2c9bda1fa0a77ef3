"""Client-side write pacing stays inside the provider's window even when requests arrive late.

The provider counts a write when it arrives; the client can only know when it sent it and when
the answer came. A write that took long to arrive still occupies the provider's window after the
client's own window for it has passed, so the next write sent at that moment would be refused.
These run on fake clocks: the transport delays chosen requests by moving simulated time.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from betaops.server.runtime import ConfirmMode
from betaops.sim.clock import FakeClock
from tests.providers.betatesting.test_simulator import Ids
from tests.support import make_box, text

pytestmark = pytest.mark.anyio

LIMIT, WINDOW_S = 2, 10.0


class Late(httpx2.AsyncBaseTransport):
    """Delivers each request after a chosen delay, in simulated time (a slow network or a queue)."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, delays: Iterator[float]) -> None:
        self.inner, self.delays = inner, delays
        self.clock: FakeClock | None = None
        self.arrivals: list[float] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        assert self.clock is not None
        if request.method != "GET":
            self.clock.advance(next(self.delays))
            self.arrivals.append(self.clock())
        return await self.inner.handle_async_request(request)


async def test_a_late_write_does_not_make_the_next_one_arrive_inside_the_providers_window(mode: str) -> None:
    late: list[Late] = []

    def wrap(inner: httpx2.AsyncBaseTransport) -> Late:
        # The first write takes 3 s to arrive; the third, sent when the client's window for the first
        # ends, arrives at once: 7 s after the first one did.
        late.append(Late(inner, iter([3.0] + [0.0] * 20)))
        return late[0]

    limits = {"write_limit": LIMIT, "write_window_s": WINDOW_S}
    fleet = make_box(
        "betatesting",
        confirm=ConfirmMode.NEVER,
        wrap={"betatesting": wrap},
        sim_fields={"betatesting": limits},
        client_fields={"betatesting": limits},
    )
    sim = fleet["betatesting"]
    late[0].clock = sim.clock
    test_id = Ids.of(sim.state).test
    async with fleet.client(mode) as client:
        for n in range(6):
            result = await client.call_tool("betatesting_update_test", {"test_id": test_id, "description": f"v{n}"})
            assert not result.is_error, text(result)
    statuses = [s.status for s in sim.sent if s.method != "GET"]
    assert statuses == [200] * 6, statuses  # no 429, so no write was retried either
    arrivals = late[0].arrivals
    for i, at in enumerate(arrivals):  # the provider's view: never more than LIMIT in any window
        assert sum(1 for later in arrivals[i:] if later - at < WINDOW_S) <= LIMIT, arrivals
    assert len(sim.write_log) == 6
