"""Alexa SMAPI wired into the shared client layer: LWA auth, `{code, message}` errors, sandbox.

SMAPI honours no idempotency key, so no write is retried once it may have been sent (the core
enforces this); reads back off on 429 and 5xx, including 503.
"""

from __future__ import annotations

from typing import Any

import httpx2
from pydantic import SecretStr

from betaops.core.auth import OAuth2RefreshToken
from betaops.core.error_shape import ErrorShape
from betaops.core.http import ProviderConfig, require_tls
from betaops.core.operation import Operation
from betaops.core.pagination import NextTokenPagination, Page
from betaops.core.provider import ProviderSpec
from betaops.core.sandbox import Simulator
from betaops.providers.alexa.settings import MAX_SKILL_PAGE, MAX_TESTER_PAGE, NAME, AlexaSettings
from betaops.settings import Settings

CREDENTIAL_HINT = (
    "Check ALEXA_CLIENT_ID, ALEXA_CLIENT_SECRET and ALEXA_REFRESH_TOKEN (a Login with Amazon refresh "
    "token with SMAPI scopes, e.g. from `ask util generate-lwa-tokens`)."
)
SANDBOX_BASE_URL = "http://api.amazonalexa.sandbox"
LIST_KEYS = ("testers", "skills")
SANDBOX_TOKEN_URL = "http://api.amazon.sandbox/auth/o2/token"

TOOLSETS = {
    "skills": "Find the vendors and skills the credentials reach (skill ids for every beta test tool)",
    "tests": "A skill's beta test: create, read, update, start and end it",
    "testers": "Beta testers: invite, list, remove, remind, ask for feedback",
}
DEFAULT_TOOLSETS = ("skills", "tests", "testers")


_FIELD_KEYS = ("field", "path", "property", "parameter", "name")


def _violation(item: Any) -> tuple[str | None, str]:
    """One entry of `violations`: (code, "CODE (field): message")."""
    if not isinstance(item, dict):
        return None, str(item)
    code = str(item["code"]) if item.get("code") else None
    field = next((str(item[k]) for k in _FIELD_KEYS if isinstance(item.get(k), str) and item[k]), None)
    text = code or "violation"
    if field and field not in str(item.get("message") or ""):
        text += f" ({field})"
    if item.get("message"):
        text += f": {str(item['message']).strip().rstrip('.')}"
    return code, text


# SMAPI errors, with every violation a 400 lists: `{"message": "...", "code": "INVALID_STRING_LENGTH"}`,
# or `{"message": "Request is not valid.", "violations": [{"code", "message"}]}` where the violations
# carry the useful part (which email is invalid, the invitation limit, an expired nextToken).
PARSE_ERROR = ErrorShape(code="code", message="message", items="violations", item=_violation, max_items=10)


INVITATION_LIMIT = (
    "A beta test takes at most 500 invitations in all: remove testers who never accepted "
    "(alexa_list_beta_testers, then alexa_remove_beta_testers) to make room, or end this beta test and "
    "create a new one."
)
BAD_EMAIL = "Fix or drop the addresses named, then call again (alexa_invite_testers skips invalid ones)."
STALE_CURSOR = (
    "The page cursor is no longer valid (a nextToken lasts 24 hours): list again from the start, without cursor."
)


def error_hint(response: httpx2.Response, code: str | None) -> str | None:
    """Advice for the violations people hit: the invitation limit, a bad email, an expired nextToken."""
    code = (code or "").upper()
    if "LIMIT" in code and ("INVIT" in code or "TESTER" in code):
        return INVITATION_LIMIT
    if "NEXT_TOKEN" in code or "NEXTTOKEN" in code:
        return STALE_CURSOR
    if "EMAIL" in code:
        return BAD_EMAIL
    return None


def unwrap(body: Any) -> Any:
    """Single answers as they come; the vendor list's `{"vendors": [...]}` as its list (v0 sent a bare list)."""
    if isinstance(body, dict) and isinstance(body.get("vendors"), list) and "status" not in body:
        return body["vendors"]
    return body


class SmapiPagination(NextTokenPagination):
    """`maxResults` + `nextToken`, over whichever list the answer holds (testers or skills)."""

    def __init__(self) -> None:
        super().__init__(items_key="testers", max_size=MAX_TESTER_PAGE)

    def parse(self, body: Any, state: dict[str, Any]) -> Page:
        key = next((k for k in LIST_KEYS if isinstance(body, dict) and isinstance(body.get(k), list)), "testers")
        items = body[key] if isinstance(body, dict) and key in body else None
        if not isinstance(items, list):
            raise ValueError("a page needs a 'testers' or 'skills' list")
        token = body.get(self.token_key)
        next_state = {"size": state["size"], "token": token} if isinstance(token, str) and token else None
        return Page(items, state, next_state)


def page_params(op: Operation, params: dict[str, str]) -> dict[str, str]:
    """List skills takes at most 50 per page (testers: 500)."""
    if op.name == "list_skills" and int(params.get("maxResults", "0")) > MAX_SKILL_PAGE:
        return {**params, "maxResults": str(MAX_SKILL_PAGE)}
    return params


ACCEPTED = {
    "start_beta_test": (
        "Amazon accepted the start (HTTP 202): the beta test is starting (status STARTING, then RUNNING; "
        "testers get their invitations once it runs). Check with alexa_get_beta_test."
    ),
    "end_beta_test": (
        "Amazon accepted the end (HTTP 202): the beta test is stopping (status STOPPING, then ENDED). "
        "Check with alexa_get_beta_test."
    ),
}


def accepted_note(op: Operation, status: int) -> str | None:
    """Start and end are asynchronous: a 202 means STARTING or STOPPING, not done."""
    return ACCEPTED.get(op.name) if status == 202 else None


def config(settings: Settings, base_url: str, auth: httpx2.Auth) -> ProviderConfig:
    return ProviderConfig(
        name=NAME,
        base_url=base_url,
        auth=auth,
        credential_hint=CREDENTIAL_HINT,
        pagination=SmapiPagination(),
        unwrap=unwrap,
        parse_error=PARSE_ERROR,
        error_hint=error_hint,
        page_params=page_params,
        accepted_note=accepted_note,
        write_limit=settings.of(AlexaSettings).write_limit_per_minute,
        write_window_s=60.0,
        timeout_s=settings.timeout_s,
    )


NEW_REFRESH_TOKEN = (
    "Create a new refresh token for the same security profile (`ask util generate-lwa-tokens --client-id ... "
    "--client-confirmation ...`, with SMAPI scopes) and set ALEXA_REFRESH_TOKEN to it."
)
# Login with Amazon's OAuth2 errors, in its own terms: what each code means and what to do.
LWA_ERRORS: dict[str, tuple[str, str]] = {
    "invalid_grant": (
        "Login with Amazon does not accept the refresh token: it is wrong, revoked, expired, or was issued "
        "to another client id than ALEXA_CLIENT_ID",
        NEW_REFRESH_TOKEN,
    ),
    "invalid_client": (
        "Login with Amazon does not recognise the client: ALEXA_CLIENT_ID or ALEXA_CLIENT_SECRET is wrong",
        "Copy both from the security profile (developer console > Login with Amazon > the profile's Web "
        "Settings) into ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET.",
    ),
    "unauthorized_client": (
        "the security profile may not use the refresh-token grant (or SMAPI)",
        "Use the security profile the refresh token was created with, and check that it is enabled for "
        "Login with Amazon; then " + NEW_REFRESH_TOKEN[0].lower() + NEW_REFRESH_TOKEN[1:],
    ),
    "invalid_request": (
        "the token request was malformed or missing a parameter (often an empty or truncated ALEXA_REFRESH_TOKEN "
        "or ALEXA_CLIENT_ID)",
        "Check that ALEXA_CLIENT_ID, ALEXA_CLIENT_SECRET and ALEXA_REFRESH_TOKEN are complete (no quotes or "
        "line breaks) and that ALEXA_TOKEN_URL is https://api.amazon.com/auth/o2/token.",
    ),
    "invalid_scope": (
        "the refresh token lacks the SMAPI scopes",
        NEW_REFRESH_TOKEN,
    ),
    "unsupported_grant_type": (
        "the token endpoint does not take the refresh-token grant",
        "Check that ALEXA_TOKEN_URL is https://api.amazon.com/auth/o2/token.",
    ),
}


def lwa_auth(client_id: str, client_secret: SecretStr, refresh_token: SecretStr, token_url: str) -> OAuth2RefreshToken:
    return OAuth2RefreshToken(
        provider=NAME,
        token_url=token_url,
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=refresh_token,
        credential_hint=CREDENTIAL_HINT,
        error_advice=LWA_ERRORS,
    )


def live(settings: Settings) -> ProviderConfig:
    alexa = settings.of(AlexaSettings)
    alexa.check()
    require_tls(NAME, "ALEXA_BASE_URL", alexa.base_url)
    require_tls(NAME, "ALEXA_TOKEN_URL", alexa.token_url)
    assert alexa.client_id is not None and alexa.client_secret is not None and alexa.refresh_token is not None
    auth = lwa_auth(alexa.client_id, alexa.client_secret, alexa.refresh_token, alexa.token_url)
    return config(settings, alexa.base_url, auth)


def sandbox_auth(sim_config: object) -> OAuth2RefreshToken:
    """The simulator's own Login with Amazon client and refresh token."""
    from betaops.providers.alexa.simulator import config as sim

    secret, refresh = SecretStr(sim.SANDBOX_CLIENT_SECRET), SecretStr(sim.SANDBOX_REFRESH_TOKEN)
    return lwa_auth(sim.SANDBOX_CLIENT_ID, secret, refresh, SANDBOX_TOKEN_URL)


SIMULATOR = Simulator(
    base_url=SANDBOX_BASE_URL,
    app="betaops.providers.alexa.simulator.app:create_app",
    state="betaops.providers.alexa.simulator.seed:build_state",
    config="betaops.providers.alexa.simulator.config:SimConfig",
    auth=sandbox_auth,
)


def context_note(pinned: dict[str, Any]) -> str | None:
    """What `betaops_context` should say: which skill is pinned, or how to find one."""
    if pinned.get("skill_id"):
        return f"Skill {pinned['skill_id']} is pinned (ALEXA_SKILL_ID): tools may omit skill_id."
    return (
        "No skill is pinned (ALEXA_SKILL_ID is unset): every beta test tool needs skill_id. Find it with "
        "alexa_list_vendors, then alexa_list_skills vendor_id=..."
    )


ALEXA = ProviderSpec(
    name=NAME,
    title="Alexa skill beta tests (SMAPI)",
    parts="betaops.providers.alexa.parts:PARTS",
    toolsets=TOOLSETS,
    default_toolsets=DEFAULT_TOOLSETS,
    configured=lambda s: s.of(AlexaSettings).configured,
    config=config,
    live=live,
    simulator=SIMULATOR,
    settings=AlexaSettings,
    setup_hint="set ALEXA_CLIENT_ID, ALEXA_CLIENT_SECRET and ALEXA_REFRESH_TOKEN (Login with Amazon)",
    core_tools=("get_beta_test", "start_beta_test", "end_beta_test"),
    defaults=lambda s: {"skill_id": s.of(AlexaSettings).skill_id},
    context_note=context_note,
)
