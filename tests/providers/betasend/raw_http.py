"""Betasend test helpers: the simulator over raw HTTP with the sandbox credentials."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2

from betaops.providers.betasend.provider import SANDBOX_BASE_URL
from betaops.providers.betasend.simulator import (
    SANDBOX_API_KEY,
    SANDBOX_HASH,
    SIM_NOW,
    BetasendState,
    SimConfig,
    build_state,
    create_app,
)
from betaops.sim import FakeClock, sim_transport

CREDS = {"api": SANDBOX_API_KEY, "hash": SANDBOX_HASH}
SECRETS = (SANDBOX_API_KEY, SANDBOX_HASH)


@dataclass
class Sim:
    """The simulator over raw HTTP, as the real client's requests reach it."""

    state: BetasendState
    config: SimConfig
    http: httpx2.AsyncClient

    async def post(self, name: str, form: Mapping[str, Any] | None = None, *, creds: bool = True) -> httpx2.Response:
        data = {**(CREDS if creds else {}), **{k: str(v) for k, v in (form or {}).items()}}
        return await self.http.post(f"/{name}", data=data)


def make_sim(config: SimConfig | None = None, state: BetasendState | None = None) -> Sim:
    state = state if state is not None else build_state()
    config = config or SimConfig(clock=FakeClock(SIM_NOW))
    http = httpx2.AsyncClient(transport=sim_transport(create_app(state, config)), base_url=SANDBOX_BASE_URL)
    return Sim(state, config, http)
