"""BetaTesting.com wired into the shared client layer: auth choice, envelope, errors, sandbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx2
from pydantic import SecretStr

from betaops.core.auth import OAuth2ClientCredentials, StaticBearer
from betaops.core.error_shape import ErrorShape
from betaops.core.http import ProviderConfig, require_tls
from betaops.core.pagination import PageNumberPagination
from betaops.core.provider import ProviderResource, ProviderSpec
from betaops.core.resolve import Choice
from betaops.core.sandbox import Simulator
from betaops.providers.betatesting.settings import BetaTestingSettings
from betaops.settings import Settings

if TYPE_CHECKING:
    from betaops.core.task import TaskContext

NAME = "betatesting"
CREDENTIAL_HINT = (
    "Check BETATESTING_API_KEY (a 'btst_' key from Company Settings > Integrations), or "
    "BETATESTING_CLIENT_ID and BETATESTING_CLIENT_SECRET for OAuth2."
)
SANDBOX_BASE_URL = "http://betatesting.sandbox/api/external/v2"

TOOLSETS: dict[str, str] = {
    "tests": "Tests: list, read, create, copy, launch, pause and close",
    "testers": "Testers in a test: list, accept, complete, message, remove",
    "issues": "Tester-reported issues: list, read, triage, delete",
    "activities": "Surveys and tasks and their items",
    "messages": "Messages exchanged with testers",
    "invites": "Invitations and invite settings",
    "shipping": "Hardware shipments to testers",
    "verification": "ID verification requirements",
    "community": "Your tester community: members, tags, custom fields",
}
DEFAULT_TOOLSETS = ("tests", "testers", "issues")


def _unwrap(body: Any) -> Any:
    if isinstance(body, dict) and "data" in body:
        return body["data"]
    raise ValueError("expected a {'data': ...} envelope")


async def tests(ctx: TaskContext) -> list[Choice]:
    """The company's tests, by id and by name; status and platform tell same-named ones apart."""
    found = await ctx.collect("list_tests", {}, max_items=1000)
    return [
        Choice(str(t["id"]), (str(t.get("name") or ""),), f"{t.get('status')}, {t.get('platform')}", t) for t in found
    ]


def config(settings: Settings, base_url: str, auth: httpx2.Auth) -> ProviderConfig:
    bt = settings.of(BetaTestingSettings)
    return ProviderConfig(
        name=NAME,
        base_url=base_url,
        auth=auth,
        credential_hint=CREDENTIAL_HINT,
        pagination=PageNumberPagination(),
        unwrap=_unwrap,
        parse_error=ErrorShape(code="error", message="message"),  # {"error": "Validation failed", "message": ...}
        idempotency_header="Idempotency-Key",
        write_limit=bt.write_limit_per_minute,
        write_window_s=bt.write_window_s,
        timeout_s=settings.timeout_s,
    )


def live(settings: Settings) -> ProviderConfig:
    bt = settings.of(BetaTestingSettings)
    bt.check()
    require_tls(NAME, "BETATESTING_BASE_URL", bt.base_url)
    auth: httpx2.Auth
    if bt.api_key is not None:
        auth = StaticBearer(bt.api_key)
    else:
        assert bt.client_id is not None and bt.client_secret is not None
        token_url = bt.token_url or f"{bt.base_url.rstrip('/')}/oauth/token"
        require_tls(NAME, "BETATESTING_TOKEN_URL", token_url)
        auth = OAuth2ClientCredentials(
            provider=NAME,
            token_url=token_url,
            client_id=bt.client_id,
            client_secret=bt.client_secret,
            scope=bt.scope,
        )
    return config(settings, bt.base_url, auth)


def sandbox_auth(sim_config: object) -> httpx2.Auth:
    """The simulator company's API key."""
    from betaops.providers.betatesting.simulator.config import SANDBOX_API_KEY

    return StaticBearer(SecretStr(SANDBOX_API_KEY))


SIMULATOR = Simulator(
    base_url=SANDBOX_BASE_URL,
    app="betaops.providers.betatesting.simulator.app:create_app",
    state="betaops.providers.betatesting.simulator.seed:build_state",
    config="betaops.providers.betatesting.simulator.config:SimConfig",
    auth=sandbox_auth,
)


BETATESTING = ProviderSpec(
    name=NAME,
    title="BetaTesting.com",
    parts="betaops.providers.betatesting.parts:PARTS",
    toolsets=TOOLSETS,
    default_toolsets=DEFAULT_TOOLSETS,
    configured=lambda s: s.of(BetaTestingSettings).configured,
    config=config,
    live=live,
    simulator=SIMULATOR,
    settings=BetaTestingSettings,
    setup_hint="set BETATESTING_API_KEY=btst_..., or BETATESTING_CLIENT_ID and BETATESTING_CLIENT_SECRET",
    core_tools=("list_tests", "change_test_stage", "summarize_issues", "list_issues", "update_issues"),
    defaults=lambda s: {"test_id": s.of(BetaTestingSettings).test_id},
    resources=(
        ProviderResource(
            uri="betatesting://tests/{test_id}/summary",
            name="betatesting-test-summary",
            title="BetaTesting test summary",
            description="A test's status and its issue triage summary",
            task="summarize_issues",
            read="betaops.providers.betatesting.resources:test_summary",
        ),
    ),
)
