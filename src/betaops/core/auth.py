"""Authentication strategies as `httpx2.Auth` flows, shared by every provider.

Each strategy attaches credentials to a request and, where the scheme allows, refreshes them once
when the provider answers 401. Secrets live in `SecretStr` and never reach a log line or repr;
`secret_values()` lists every one a strategy holds or was issued (rotated ones included), so the
client layer can scrub them from whatever a provider echoes. Sync use is refused: betaops is
async-only, and httpx's default sync path would silently send unauthenticated requests for flows
that do I/O.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from typing import Any, NoReturn
from urllib.parse import urlencode

import anyio
import httpx2
from pydantic import SecretStr

from betaops.core.errors import ConfigError, ProviderError
from betaops.core.ratelimit import parse_retry_after
from betaops.core.sanitize import clean_text, redact_text

logger = logging.getLogger(__name__)
KEEP_ISSUED = 8  # earlier access tokens still scrubbed after a refresh (a provider may echo an old one)


class AsyncOnlyAuth(httpx2.Auth):
    def sync_auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        raise RuntimeError("betaops auth strategies are async-only")

    def auth_flow(self, request: httpx2.Request) -> NoReturn:
        raise RuntimeError("betaops auth strategies are async-only")

    def secret_values(self) -> list[str]:
        """Every credential this strategy holds or was issued, to be scrubbed from provider text."""
        return []


def secret_values(auth: httpx2.Auth | None) -> list[str]:
    """The credentials behind any auth flow (none for a flow that is not one of ours)."""
    return auth.secret_values() if isinstance(auth, AsyncOnlyAuth) else []


# RFC 6749 section 5.2 error codes: what each means, and what to do (`{hint}` is the provider's
# credential hint, naming its settings). Providers may override an entry (e.g. Login with Amazon).
OAUTH_ERRORS: dict[str, tuple[str, str]] = {
    "invalid_request": (
        "the token request was malformed or missing a parameter",
        "Check that the token URL setting points at the provider's token endpoint; {hint}",
    ),
    "invalid_client": (
        "the client id or client secret is wrong (client authentication failed)",
        "{hint}",
    ),
    "invalid_grant": (
        "the grant (refresh token or authorization) is invalid, expired, revoked, or was issued to another client",
        "{hint}",
    ),
    "unauthorized_client": (
        "this client is not allowed to use this grant type",
        "Allow the grant for the client in the provider's developer console; {hint}",
    ),
    "unsupported_grant_type": (
        "the token endpoint does not support the grant betaops asked for",
        "Check that the token URL setting points at the right endpoint.",
    ),
    "invalid_scope": (
        "the requested scope is invalid, unknown, or more than the client may have",
        "Ask for the scopes the client was granted; {hint}",
    ),
    "access_denied": (
        "the authorization server or the account owner denied the request",
        "Authorize the client again; {hint}",
    ),
    "server_error": ("the login service had an internal error", "Try again shortly."),
    "temporarily_unavailable": ("the login service is overloaded or down for maintenance", "Try again shortly."),
}
# Codes that say our configured credentials are wrong (fix settings) rather than a passing fault.
CREDENTIAL_ERRORS = frozenset(
    {"invalid_client", "invalid_grant", "unauthorized_client", "invalid_scope", "access_denied"}
)


class StaticBearer(AsyncOnlyAuth):
    """A long-lived API key sent as `Authorization: Bearer <key>`."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        yield request

    def secret_values(self) -> list[str]:
        return [self._token.get_secret_value()]


class TokenEndpointAuth(AsyncOnlyAuth):
    """A bearer token fetched from an OAuth2 token endpoint, reused until shortly before expiry.

    The token request is yielded inside the flow, so it goes through the same client (and, in the
    sandbox, the same simulator). A 401 on the real request refreshes once and retries it once.
    Subclasses say which grant to ask for.
    """

    def __init__(
        self,
        *,
        provider: str,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        credential_hint: str,
        refresh_margin_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        error_advice: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        self._provider = provider
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._hint = credential_hint
        self._margin = refresh_margin_s
        self._clock = clock
        self._advice = {**OAUTH_ERRORS, **(error_advice or {})}
        self._token: SecretStr | None = None
        self._issued: deque[SecretStr] = deque(maxlen=KEEP_ISSUED)
        self._expires_at = 0.0
        self._lock = anyio.Lock()
        self.fetch_count = 0

    def secret_values(self) -> list[str]:
        return [self._client_secret.get_secret_value(), *(t.get_secret_value() for t in self._issued)]

    def grant(self) -> dict[str, str]:
        raise NotImplementedError

    def _token_request(self) -> httpx2.Request:
        form = {
            **self.grant(),
            "client_id": self._client_id,
            "client_secret": self._client_secret.get_secret_value(),
        }
        return httpx2.Request("POST", self._token_url, data=form, headers={"Accept": "application/json"})

    def _scrub(self, text: str) -> str:
        return redact_text(clean_text(text), self.secret_values())

    def _refused(self, response: httpx2.Response) -> ProviderError:
        """The token endpoint said no: its OAuth2 `{error, error_description}`, what it means, what to do."""
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        fields = body if isinstance(body, dict) else {}
        error, description = fields.get("error"), fields.get("error_description")
        code = self._scrub(error)[:80] if isinstance(error, str) and error.strip() else None
        said = self._scrub(str(description)).strip().rstrip(".")[:300] if description else ""
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        meaning, action = self._advice.get(code or "", ("", ""))
        status_text = f"HTTP {status}, {code}" if code else f"HTTP {status}"
        busy = status == 429 or status >= 500 or code in ("server_error", "temporarily_unavailable")
        if busy:
            what = "could not issue an access token right now"
        elif code is None or code in CREDENTIAL_ERRORS:
            what = "refused our credentials"
        else:
            what = "refused the token request"
        # A busy answer's status is in the error's head ("failed with HTTP 429"); a refusal's is said here.
        if busy:
            message = f"the token endpoint {what}" + (f" ({code})" if code else "")
        else:
            message = f"the token endpoint {what} ({status_text})"
        message += f': "{said}".' if said else "."
        if meaning:
            message += f" {code} means {meaning}."
        if busy:
            # The login service is down or busy: not a credentials problem, and nothing was sent yet.
            later = "after the time it gave" if retry_after is not None else "shortly"
            return ProviderError(
                self._provider,
                message,
                status=status,
                code=code,
                retry_after=retry_after,
                hint=f"The login service is busy or down; this is usually temporary: try again {later}.",
            )
        hint = action.format(hint=self._hint) if action else self._hint
        return ConfigError(self._provider, message, status=status, code=code, hint=hint)

    def _store(self, response: httpx2.Response) -> None:
        if response.status_code != 200:
            raise self._refused(response)
        try:
            body = response.json()
            token, lifetime = str(body["access_token"]), float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError(
                self._provider,
                "the token endpoint's answer could not be read (no access_token in it).",
                status=response.status_code,
                hint="This may be a temporary fault; try again.",
            ) from exc
        self._token = SecretStr(token)
        self._issued.append(self._token)
        self._expires_at = self._clock() + lifetime
        self.fetch_count += 1
        rotated = body.get("refresh_token")
        if isinstance(rotated, str) and rotated:
            self.rotate(SecretStr(rotated))

    def rotate(self, refresh_token: SecretStr) -> None:
        """The token endpoint issued a refresh token (a grant with one keeps it; others ignore it)."""

    def _valid(self) -> bool:
        return self._token is not None and self._clock() < self._expires_at - self._margin

    async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        async with self._lock:
            if not self._valid():
                response = yield self._token_request()
                await response.aread()
                self._store(response)
        assert self._token is not None
        sent_with = self._token
        request.headers["Authorization"] = f"Bearer {sent_with.get_secret_value()}"
        response = yield request
        if response.status_code != 401:
            return
        async with self._lock:
            if self._token is sent_with:  # nobody refreshed meanwhile
                token_response = yield self._token_request()
                await token_response.aread()
                self._store(token_response)
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        yield request


class OAuth2ClientCredentials(TokenEndpointAuth):
    """RFC 6749 client credentials grant, optionally narrowed to a scope."""

    def __init__(self, *, scope: str | None = None, credential_hint: str = "", **kwargs: Any) -> None:
        hint = credential_hint or "Check the OAuth2 client id and secret in your settings."
        super().__init__(credential_hint=hint, **kwargs)
        self._scope = scope

    def grant(self) -> dict[str, str]:
        return {"grant_type": "client_credentials", **({"scope": self._scope} if self._scope else {})}


class OAuth2RefreshToken(TokenEndpointAuth):
    """RFC 6749 refresh-token grant (e.g. Login with Amazon): a long-lived refresh token buys access tokens."""

    def __init__(self, *, refresh_token: SecretStr, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._refresh_token = refresh_token
        self._retired: list[SecretStr] = []  # earlier refresh tokens, still scrubbed
        self.rotations = 0

    def grant(self) -> dict[str, str]:
        return {"grant_type": "refresh_token", "refresh_token": self._refresh_token.get_secret_value()}

    def secret_values(self) -> list[str]:
        refresh = [self._refresh_token, *self._retired]
        return [*super().secret_values(), *(t.get_secret_value() for t in refresh)]

    def rotate(self, refresh_token: SecretStr) -> None:
        """Keep a rotated refresh token: the one it replaces may stop working (never logged)."""
        if refresh_token.get_secret_value() == self._refresh_token.get_secret_value():
            return
        self._retired.append(self._refresh_token)
        self._refresh_token = refresh_token
        self.rotations += 1
        logger.info(
            "%s: the token endpoint issued a new refresh token; it is used from now on in this process "
            "(the configured one may stop working: if a restart then fails, create a new refresh token).",
            self._provider,
        )


class FormCredentials(AsyncOnlyAuth):
    """Credentials sent as form fields of every (form-encoded) request, e.g. Betasend's `api` and `hash`.

    They are added here, at the last moment, so they never appear in tool schemas, previews or logs.
    """

    def __init__(self, fields: dict[str, SecretStr]) -> None:
        self._fields = fields

    def secret_values(self) -> list[str]:
        return [v.get_secret_value() for v in self._fields.values()]

    async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        extra = urlencode({k: v.get_secret_value() for k, v in self._fields.items()}).encode()
        body = request.content
        content = body + b"&" + extra if body else extra
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "content-type")}
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        yield httpx2.Request(
            request.method, request.url, headers=headers, content=content, extensions=request.extensions
        )
