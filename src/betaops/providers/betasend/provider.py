"""Betasend wired into the shared client layer: form bodies, form credentials, in-body errors, offsets."""

from __future__ import annotations

from typing import Any

import httpx2
from pydantic import SecretStr

from betaops.core.auth import FormCredentials
from betaops.core.error_shape import ErrorShape
from betaops.core.http import ProviderConfig, require_tls
from betaops.core.pagination import OffsetPagination, Page
from betaops.core.provider import ProviderSpec
from betaops.core.sandbox import Simulator
from betaops.providers.betasend.records import normalise_record
from betaops.providers.betasend.settings import SETUP_HINT, BetasendSettings
from betaops.settings import Settings

NAME = "betasend"
CREDENTIAL_HINT = (
    "Check BETASEND_API_KEY and BETASEND_HASH (your Betasend profile page) and that API access is enabled "
    "for the account at BETASEND_DOMAIN."
)
SANDBOX_BASE_URL = "http://your_domain_name.betasend.sandbox/api/v1"
MAX_PAGE = 100  # our cap per request; the doc gives a default of 10 and no maximum

TOOLSETS = {
    "account": "Account details and reply-email verification",
    "subscribers": "Subscribe, look up, unsubscribe and delete subscribers",
    "lists": "Create, update, delete and inspect lists and their subscribers",
}
DEFAULT_TOOLSETS = ("subscribers", "lists")


def body_error(body: Any) -> tuple[str | None, str] | None:
    """Any body with `error` is a failure, whatever the HTTP status (Betasend often says 200).

    `{"error": {"406": "Not Acceptable", "messages": "Invalid list id : 10"}}` ->
    `("406", "Not Acceptable: Invalid list id : 10")`.
    """
    if not isinstance(body, dict) or "error" not in body:
        return None
    error = body["error"]
    if not isinstance(error, dict):
        return None, str(error or "the provider reported an error without details")
    code = next((str(k) for k in error if str(k).isdigit()), None)
    meaning = str(error[code]) if code is not None else ""
    raw = error.get("messages", error.get("message"))
    if isinstance(raw, list):
        details = "; ".join(str(x) for x in raw)
    elif isinstance(raw, dict):
        details = "; ".join(f"{k}: {v}" for k, v in raw.items())
    else:
        details = str(raw) if raw is not None else ""
    message = ": ".join(p for p in (meaning, details) if p) or "the provider reported an error without details"
    return code, message


class BetasendPagination(OffsetPagination):
    """`start` (1-based) / `limit` over bare-list answers; items leave with normalised keys and dates.

    List items reach the tool as dicts (trimmed to summary fields), not through a model, so they
    are normalised here, once, the same way the models normalise single records.
    """

    def __init__(self) -> None:
        super().__init__(items_key=None, origin=1, max_size=MAX_PAGE)

    def parse(self, body: Any, state: dict[str, Any]) -> Page:
        page = super().parse(body, state)
        return Page([normalise_record(i) for i in page.items], page.state, page.next_state, page.total, page.last_page)


def config(settings: Settings, base_url: str, auth: httpx2.Auth) -> ProviderConfig:
    bs = settings.of(BetasendSettings)
    return ProviderConfig(
        name=NAME,
        base_url=base_url,
        auth=auth,
        credential_hint=CREDENTIAL_HINT,
        pagination=BetasendPagination(),
        parse_error=ErrorShape(code=None, message="message", read=body_error),  # 4xx/5xx: the same shape
        body_error=body_error,
        body_format="form",
        idempotency_header=None,  # Betasend has no idempotency keys: writes are never retried
        write_limit=bs.write_limit_per_minute,
        write_window_s=60.0,
        timeout_s=settings.timeout_s,
    )


def credentials(api_key: SecretStr, hash_: SecretStr) -> FormCredentials:
    return FormCredentials({"api": api_key, "hash": hash_})


def live(settings: Settings) -> ProviderConfig:
    bs = settings.of(BetasendSettings)
    bs.check()
    assert bs.api_key is not None and bs.hash is not None
    url = require_tls(NAME, "BETASEND_BASE_URL" if bs.base_url else "BETASEND_DOMAIN", bs.api_url())
    return config(settings, url, credentials(bs.api_key, bs.hash))


def sandbox_auth(sim_config: object) -> FormCredentials:
    """The simulator account's key and hash."""
    from betaops.providers.betasend.simulator.config import SANDBOX_API_KEY, SANDBOX_HASH

    return credentials(SecretStr(SANDBOX_API_KEY), SecretStr(SANDBOX_HASH))


SIMULATOR = Simulator(
    base_url=SANDBOX_BASE_URL,
    app="betaops.providers.betasend.simulator.app:create_app",
    state="betaops.providers.betasend.simulator.seed:build_state",
    config="betaops.providers.betasend.simulator.config:SimConfig",
    auth=sandbox_auth,
)


BETASEND = ProviderSpec(
    name=NAME,
    title="Betasend",
    parts="betaops.providers.betasend.parts:PARTS",
    toolsets=TOOLSETS,
    default_toolsets=DEFAULT_TOOLSETS,
    configured=lambda s: s.of(BetasendSettings).configured,
    config=config,
    live=live,
    simulator=SIMULATOR,
    settings=BetasendSettings,
    setup_hint=SETUP_HINT,
    # The default surface: bring testers onto lists and look them up; the rest via discovery.
    core_tools=("get_list_statistics",),
    defaults=lambda s: {"list_id": s.of(BetasendSettings).list_id},
)
