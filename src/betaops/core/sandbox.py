"""Any provider's simulator run in-process, built only when it is first used.

A provider describes its simulator once (`Simulator`, on its `ProviderSpec`), by reference, and
`ProviderSpec.sandbox` turns that into a `Sandbox`. Nothing of the simulator is imported or built
when the sandbox is made: importing and building the four simulators costs about half a second,
which a server starting in `--sandbox` (or a live one) should not pay before a call needs them.
The app and its seed state are built when the first request reaches the transport (or a test
first reads `state`), and the sandbox credentials when the first request is signed.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from pkgutil import resolve_name
from typing import Any

import httpx2

from betaops.core.auth import AsyncOnlyAuth, secret_values
from betaops.core.http import ProviderConfig


@dataclass(frozen=True)
class Simulator:
    """Where a provider's simulator is and how to build it, named as "module:attribute" references.

    `app(state, sim_config)` is the ASGI app; `state()` the seed state; `config()` the default sim
    config (None: the app takes none); `auth(sim_config)` the sandbox's own credentials (a clock,
    say, comes from the sim config).
    """

    base_url: str
    app: str  # e.g. "betaops.providers.betasend.simulator.app:create_app"
    state: str  # e.g. "betaops.providers.betasend.simulator.seed:build_state"
    auth: Callable[[Any], httpx2.Auth]
    config: str | None = None  # e.g. "betaops.providers.betasend.simulator.config:SimConfig"


class Sandbox:
    """A provider's simulator as a connection: the client config that points at it, the transport
    that reaches it, and its state (the one a test passed, else the seed, built on first read)."""

    def __init__(
        self,
        simulator: Simulator,
        config: Callable[[httpx2.Auth], ProviderConfig],
        *,
        state: Any = None,
        sim_config: Any = None,
        auth: httpx2.Auth | None = None,
    ) -> None:
        from betaops.sim.transport import SimTransport  # the simulator plumbing, for sandboxes only

        self.simulator = simulator
        self._state = state
        self._sim_config = sim_config
        self.transport: httpx2.AsyncBaseTransport = SimTransport(self._app)
        self.config = config(auth if auth is not None else LazyAuth(lambda: simulator.auth(self.sim_config)))

    @property
    def state(self) -> Any:
        if self._state is None:
            self._state = resolve_name(self.simulator.state)()
        return self._state

    @property
    def sim_config(self) -> Any:
        if self._sim_config is None and self.simulator.config is not None:
            self._sim_config = resolve_name(self.simulator.config)()
        return self._sim_config

    def now(self) -> float:
        """The simulator's clock (Unix seconds): its seed data is dated around it, so "now" is its now."""
        clock = getattr(self.sim_config, "clock", None)
        return float(clock()) if callable(clock) else time.time()

    def _app(self) -> Any:
        return resolve_name(self.simulator.app)(self.state, self.sim_config)


class LazyAuth(AsyncOnlyAuth):
    """An auth flow made on its first request (a sandbox's credentials live in its simulator)."""

    def __init__(self, build: Callable[[], httpx2.Auth]) -> None:
        self._build = build
        self._auth: httpx2.Auth | None = None

    async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        if self._auth is None:
            self._auth = self._build()
        flow = self._auth.async_auth_flow(request)
        request = await flow.__anext__()
        while True:
            response = yield request
            try:
                request = await flow.asend(response)
            except StopAsyncIteration:
                return

    def secret_values(self) -> list[str]:
        return secret_values(self._auth)
