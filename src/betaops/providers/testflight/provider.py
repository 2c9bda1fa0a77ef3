"""App Store Connect (TestFlight) wired into the shared client layer: JWT, paging, limits, errors, sandbox.

Apple honours no idempotency key, so `idempotency_header` is None: the engine then never retries
a write unless the request provably was not sent. Reads back off and retry on 429 and 5xx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx2

from betaops.core.http import ProviderConfig, require_tls
from betaops.core.provider import ProviderResource, ProviderSpec
from betaops.core.sandbox import Simulator
from betaops.providers.testflight.auth import ApiKey, AppStoreConnectJWT, load_private_key
from betaops.providers.testflight.errors import error_hint, parse_error
from betaops.providers.testflight.jsonapi import JsonApiPagination, unwrap
from betaops.providers.testflight.names import DEFAULT_TOOLSETS, TOOLSETS
from betaops.providers.testflight.settings import SETUP, TestFlightSettings
from betaops.settings import Settings

if TYPE_CHECKING:
    from betaops.providers.testflight.simulator.config import SimConfig

NAME = "testflight"
CREDENTIAL_HINT = (
    "App Store Connect refused the token: check TESTFLIGHT_KEY_ID, TESTFLIGHT_ISSUER_ID (unset for an "
    "individual key) and TESTFLIGHT_PRIVATE_KEY_PATH or TESTFLIGHT_PRIVATE_KEY, and that the key is not "
    "revoked and this machine's clock is right."
)
SANDBOX_BASE_URL = "http://testflight.sandbox"
WRITES_PER_MINUTE = 60  # Apple's budget is ~3600 requests an hour per key


def rate_limit(headers: httpx2.Headers) -> tuple[int | None, int | None]:
    """`X-Rate-Limit: user-hour-lim:3600;user-hour-rem:500;user-minute-lim:..;` -> the tightest (limit, remaining)."""
    raw = headers.get("x-rate-limit")
    if not raw:
        return None, None
    pairs: dict[str, int] = {}
    for part in raw.split(";"):
        key, _, value = part.partition(":")
        if value.strip().isdigit():
            pairs[key.strip().lower()] = int(value.strip())
    windows = {k.removesuffix("-lim") for k in pairs if k.endswith("-lim")}
    windows |= {k.removesuffix("-rem") for k in pairs if k.endswith("-rem")}
    best: tuple[int | None, int | None] = (None, None)
    for window in windows:
        limit, remaining = pairs.get(f"{window}-lim"), pairs.get(f"{window}-rem")
        if (remaining is not None and (best[1] is None or remaining < best[1])) or best == (None, None):
            best = (limit, remaining)
    return best


def config(settings: Settings, base_url: str, auth: httpx2.Auth) -> ProviderConfig:
    return ProviderConfig(
        name=NAME,
        base_url=base_url,
        auth=auth,
        credential_hint=CREDENTIAL_HINT,
        pagination=JsonApiPagination(max_size=200),
        unwrap=unwrap,
        parse_error=parse_error,
        error_hint=error_hint,
        rate_limit=rate_limit,
        idempotency_header=None,
        write_limit=settings.of(TestFlightSettings).write_limit_per_minute,
        write_window_s=60.0,
        timeout_s=settings.timeout_s,
    )


def live(settings: Settings) -> ProviderConfig:
    tf = settings.of(TestFlightSettings)
    require_tls(NAME, "TESTFLIGHT_BASE_URL", tf.base_url)
    auth = AppStoreConnectJWT(tf.api_key(), lifetime_s=tf.token_lifetime_s)
    return config(settings, tf.base_url, auth)


def sandbox_auth(sim_config: SimConfig, *, individual: bool = False) -> AppStoreConnectJWT:
    """A JWT signer with the simulator's public sandbox key, on the simulator's clock."""
    from betaops.providers.testflight.simulator import config as sim

    if individual:
        pem, key_id, issuer = sim.SANDBOX_INDIVIDUAL_PRIVATE_KEY_PEM, sim.SANDBOX_INDIVIDUAL_KEY_ID, None
    else:
        pem, key_id, issuer = sim.SANDBOX_PRIVATE_KEY_PEM, sim.SANDBOX_KEY_ID, sim.SANDBOX_ISSUER_ID
    key = ApiKey(key_id, load_private_key(pem, "the sandbox key"), issuer)
    return AppStoreConnectJWT(key, clock=sim_config.clock)


SIMULATOR = Simulator(
    base_url=SANDBOX_BASE_URL,
    app="betaops.providers.testflight.simulator.app:create_app",
    state="betaops.providers.testflight.simulator.seed:build_state",
    config="betaops.providers.testflight.simulator.config:SimConfig",
    auth=sandbox_auth,
)


TESTFLIGHT = ProviderSpec(
    name=NAME,
    title="App Store Connect TestFlight",
    parts="betaops.providers.testflight.parts:PARTS",
    toolsets=TOOLSETS,
    default_toolsets=DEFAULT_TOOLSETS,
    configured=lambda s: s.of(TestFlightSettings).configured,
    config=config,
    live=live,
    simulator=SIMULATOR,
    settings=TestFlightSettings,
    setup_hint=SETUP,
    # The conversations people have: distribution, a build's state and its feedback, who accepted.
    core_tools=("get_build_beta_status", "distribute_build", "list_group_testers"),
    defaults=lambda s: {
        "app_id": s.of(TestFlightSettings).app_id,
        "beta_group_id": s.of(TestFlightSettings).beta_group_id,
    },
    resources=(
        ProviderResource(
            uri="testflight://apps/{app}/latest-build",
            name="testflight-latest-build",
            title="TestFlight app: newest build's beta status",
            description="Processing and beta state, groups, review and newest feedback of an app's newest build "
            "(app: name, bundle id or id)",
            task="get_build_beta_status",
            read="betaops.providers.testflight.resources:latest_build",
        ),
    ),
)
