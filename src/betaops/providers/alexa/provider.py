"""Alexa SMAPI wired into the shared client layer: LWA auth, `{code, message}` errors, sandbox.

SMAPI honours no idempotency key, so no write is retried once it may have been sent (the core
enforces this); reads back off on 429 and 5xx, including 503.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx2
from pydantic import SecretStr

from betaops.core.auth import OAuth2RefreshToken
from betaops.core.http import ProviderConfig
from betaops.core.pagination import NextTokenPagination
from betaops.core.provider import ProviderSpec, Sandbox
from betaops.providers.alexa.operations import DEFAULT_TOOLSETS, OPERATIONS, TOOLSETS
from betaops.providers.alexa.settings import NAME, AlexaSettings
from betaops.providers.alexa.tasks import TASKS
from betaops.settings import Settings

if TYPE_CHECKING:
    from betaops.providers.alexa.simulator.config import SimConfig
    from betaops.providers.alexa.simulator.state import AlexaState

CREDENTIAL_HINT = (
    "Check ALEXA_CLIENT_ID, ALEXA_CLIENT_SECRET and ALEXA_REFRESH_TOKEN (a Login with Amazon refresh "
    "token with SMAPI scopes, e.g. from `ask util generate-lwa-tokens`)."
)
SANDBOX_BASE_URL = "http://api.amazonalexa.sandbox"
SANDBOX_TOKEN_URL = "http://api.amazon.sandbox/auth/o2/token"


def parse_error(response: httpx2.Response) -> tuple[str | None, str]:
    """SMAPI errors: `{"message": "The property is outside the allowed range.", "code": "INVALID_STRING_LENGTH"}`."""
    try:
        body = response.json()
    except ValueError:
        return None, response.reason_phrase or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        code, message = body.get("code"), body.get("message")
        return (str(code) if code else None), str(message or code or response.reason_phrase)
    return None, str(body)


def _config(settings: Settings, base_url: str, auth: httpx2.Auth) -> ProviderConfig:
    return ProviderConfig(
        name=NAME,
        base_url=base_url,
        auth=auth,
        credential_hint=CREDENTIAL_HINT,
        pagination=NextTokenPagination(items_key="testers", max_size=500),
        parse_error=parse_error,
        write_limit=AlexaSettings().write_limit_per_minute,
        write_window_s=60.0,
        timeout_s=settings.timeout_s,
    )


def lwa_auth(client_id: str, client_secret: SecretStr, refresh_token: SecretStr, token_url: str) -> OAuth2RefreshToken:
    return OAuth2RefreshToken(
        provider=NAME,
        token_url=token_url,
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=refresh_token,
        credential_hint=CREDENTIAL_HINT,
    )


def live(settings: Settings) -> ProviderConfig:
    alexa = AlexaSettings()
    alexa.check()
    assert alexa.client_id is not None and alexa.client_secret is not None and alexa.refresh_token is not None
    auth = lwa_auth(alexa.client_id, alexa.client_secret, alexa.refresh_token, alexa.token_url)
    return _config(settings, alexa.base_url, auth)


def sandbox(
    settings: Settings,
    *,
    state: AlexaState | None = None,
    sim_config: SimConfig | None = None,
    auth: httpx2.Auth | None = None,
) -> Sandbox:
    """The simulator as a provider; tests pass their own state, faults, clock or credentials."""
    # Imported here so a live server never loads the simulator.
    from betaops.providers.alexa.simulator.app import create_app
    from betaops.providers.alexa.simulator.config import (
        SANDBOX_CLIENT_ID,
        SANDBOX_CLIENT_SECRET,
        SANDBOX_REFRESH_TOKEN,
    )
    from betaops.providers.alexa.simulator.seed import build_state
    from betaops.sim.transport import sim_transport

    state = state if state is not None else build_state()
    app = create_app(state, sim_config)
    auth = auth or lwa_auth(
        SANDBOX_CLIENT_ID, SecretStr(SANDBOX_CLIENT_SECRET), SecretStr(SANDBOX_REFRESH_TOKEN), SANDBOX_TOKEN_URL
    )
    return Sandbox(config=_config(settings, SANDBOX_BASE_URL, auth), transport=sim_transport(app), state=state)


ALEXA = ProviderSpec(
    name=NAME,
    title="Alexa skill beta tests (SMAPI)",
    operations=OPERATIONS,
    toolsets=TOOLSETS,
    default_toolsets=DEFAULT_TOOLSETS,
    configured=lambda _: AlexaSettings().configured,
    live=live,
    sandbox=sandbox,
    setup_hint="set ALEXA_CLIENT_ID, ALEXA_CLIENT_SECRET and ALEXA_REFRESH_TOKEN (Login with Amazon)",
    tasks=TASKS,
    core_tools=("get_beta_test", "start_beta_test", "end_beta_test"),
)
