"""`betaops doctor`: one cheap read per configured provider, with the real credentials.

For each provider whose variables are set, doctor builds the same client the server would and
makes one read that proves the credentials work (a one-item page of tests or apps, the account,
a pinned Alexa skill's beta test, or, without one, the vendors the Alexa credentials act for). It
prints "ok" or what is wrong and how to fix it, and never a secret: provider messages pass through
a filter that masks every configured secret value. The exit status is 0 only if every configured
provider works.

Nothing is retried and no write is ever made: a doctor run changes nothing anywhere.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx2
from pydantic import BaseModel, SecretStr

from betaops.core.errors import ProviderError
from betaops.core.http import ProviderClient, ProviderConfig
from betaops.core.operation import Operation
from betaops.core.provider import ProviderSpec
from betaops.providers import PROVIDERS
from betaops.providers.alexa.settings import AlexaSettings
from betaops.providers.betasend.settings import BetasendSettings
from betaops.providers.betatesting.settings import BetaTestingSettings
from betaops.providers.testflight.settings import TestFlightSettings
from betaops.settings import Settings

TIMEOUT_S = 15.0  # a doctor answers quickly or says the network is the problem
MASK = "****"


@dataclass(frozen=True)
class Check:
    """One provider's verdict: `ok`, or `detail` saying what is wrong and how to fix it."""

    provider: str
    title: str
    configured: bool
    ok: bool
    detail: str


@dataclass(frozen=True)
class Probe:
    """The cheap read that proves a provider's credentials: an operation and its arguments."""

    operation: str
    arguments: dict[str, Any]
    says: str  # what "ok" means, e.g. "listed 1 app"


def probe(name: str) -> Probe:
    if name == "betatesting":
        return Probe("list_tests", {}, "the API key or OAuth client was accepted (tests listed)")
    if name == "testflight":
        return Probe("list_apps", {}, "App Store Connect accepted the signed token (apps listed)")
    if name == "betasend":
        return Probe("get_account", {}, "the API key and hash were accepted (account read)")
    if name == "alexa":
        skill = AlexaSettings().skill_id
        if skill:
            return Probe("get_beta_test", {"skill_id": skill}, f"Login with Amazon and SMAPI accepted (skill {skill})")
        return Probe("list_vendors", {}, "Login with Amazon and SMAPI accepted (vendors listed; ALEXA_SKILL_ID unset)")
    raise ValueError(f"no doctor probe for provider {name!r}")


def secrets() -> list[str]:
    """Every secret value configured for any provider or for betaops itself, longest first."""
    found: list[str] = []
    for model in (Settings(), BetaTestingSettings(), TestFlightSettings(), AlexaSettings(), BetasendSettings()):
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, SecretStr) and value.get_secret_value():
                found.append(value.get_secret_value())
    return sorted(set(found), key=len, reverse=True)


def redact(text: str, hidden: Iterable[str]) -> str:
    for secret in hidden:
        if len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text


def _explain(exc: ProviderError) -> str:
    """The error's sentence and hint, without the provider name the report already shows."""
    text = str(exc).removeprefix(f"{exc.provider}: ").removeprefix(f"{exc.provider} ")
    for tail in (" Nothing was changed.", " The outcome is unknown: check the current state before trying again."):
        text = text.removesuffix(tail)
    return text


async def _read(spec: ProviderSpec, config: ProviderConfig, check: Probe, transport: Any) -> None:
    op: Operation = next(o for o in spec.operations if o.name == check.operation)
    params: BaseModel = op.params.model_validate(check.arguments)
    client = ProviderClient(config, transport=transport)
    try:
        await client.call(op, params, page_state=config.pagination.first(1) if op.paginated else None)
    finally:
        await client.aclose()


async def check_provider(
    spec: ProviderSpec, settings: Settings, transport: httpx2.AsyncBaseTransport | None = None
) -> Check:
    if not spec.configured(settings):
        return Check(spec.name, spec.title, False, False, f"not configured: to use it, {spec.setup_hint}")
    try:
        config = spec.live(settings)
        config = dataclasses.replace(config, max_retries=0, timeout_s=min(config.timeout_s, TIMEOUT_S))
        wanted = probe(spec.name)
        await _read(spec, config, wanted, transport)
    except ProviderError as exc:  # ConfigError included: a variable missing or malformed, nothing sent
        return Check(spec.name, spec.title, True, False, _explain(exc))
    except (httpx2.HTTPError, OSError) as exc:
        return Check(
            spec.name,
            spec.title,
            True,
            False,
            f"could not reach the provider ({type(exc).__name__}); check the network, a proxy, or the base URL setting.",
        )
    return Check(spec.name, spec.title, True, True, f"ok: {wanted.says}")


async def diagnose(
    settings: Settings | None = None,
    *,
    transports: Mapping[str, httpx2.AsyncBaseTransport] | None = None,
) -> list[Check]:
    """Every provider's verdict, configured or not, in the server's order."""
    settings = settings or Settings()
    transports = transports or {}
    return [await check_provider(spec, settings, transports.get(name)) for name, spec in PROVIDERS.items()]


def report(checks: list[Check]) -> tuple[str, int]:
    """The text to print and the exit status: 0 only if at least one provider is configured and all work."""
    hidden = secrets()
    lines: list[str] = []
    configured = [c for c in checks if c.configured]
    for c in checks:
        status = "ok" if c.ok else "FAILED" if c.configured else "-"
        detail = c.detail.removeprefix("ok: ") if c.ok else c.detail
        lines.append(f"{c.provider:<12} {status:<7} {redact(detail, hidden)}")
    if not configured:
        lines.append(
            "betaops: no provider is configured; set the variables named above (or try `betaops serve --sandbox`)."
        )
        return "\n".join(lines), 1
    failed = [c for c in configured if not c.ok]
    if failed:
        lines.append(f"{len(failed)} of {len(configured)} configured providers need attention.")
        return "\n".join(lines), 1
    lines.append(f"all {len(configured)} configured providers work.")
    return "\n".join(lines), 0
