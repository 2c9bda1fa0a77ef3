"""Authentication strategies as `httpx2.Auth` flows, shared by every provider.

Each strategy attaches credentials to a request and, where the scheme allows, refreshes them once
when the provider answers 401. Secrets live in `SecretStr` and never reach a log line or repr.
Sync use is refused: betaops is async-only, and httpx's default sync path would silently send
unauthenticated requests for flows that do I/O.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any, NoReturn
from urllib.parse import urlencode

import anyio
import httpx2
from pydantic import SecretStr

from betaops.core.errors import ConfigError, ProviderError


class AsyncOnlyAuth(httpx2.Auth):
    def sync_auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        raise RuntimeError("betaops auth strategies are async-only")

    def auth_flow(self, request: httpx2.Request) -> NoReturn:
        raise RuntimeError("betaops auth strategies are async-only")


class StaticBearer(AsyncOnlyAuth):
    """A long-lived API key sent as `Authorization: Bearer <key>`."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        yield request


class TokenEndpointAuth(AsyncOnlyAuth):
    """A bearer token fetched from an OAuth2 token endpoint, reused until shortly before expiry.

    The token request is yielded inside the flow, so it goes through the same client (and, in the
    sandbox, the same simulator). A 401 on the real request refreshes once and retries it once.
    Subclasses say which grant to ask for.
    """

    requires_response_body = True

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
    ) -> None:
        self._provider = provider
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._hint = credential_hint
        self._margin = refresh_margin_s
        self._clock = clock
        self._token: SecretStr | None = None
        self._expires_at = 0.0
        self._lock = anyio.Lock()
        self.fetch_count = 0

    def grant(self) -> dict[str, str]:
        raise NotImplementedError

    def _token_request(self) -> httpx2.Request:
        form = {
            **self.grant(),
            "client_id": self._client_id,
            "client_secret": self._client_secret.get_secret_value(),
        }
        return httpx2.Request("POST", self._token_url, data=form, headers={"Accept": "application/json"})

    def _store(self, response: httpx2.Response) -> None:
        if response.status_code == 429 or response.status_code >= 500:
            # The login service is down or busy: not a credentials problem, and nothing was sent yet.
            raise ProviderError(
                self._provider,
                "the token endpoint could not issue an access token right now.",
                status=response.status_code,
                hint="This is usually temporary; try again shortly.",
            )
        if response.status_code != 200:
            raise ConfigError(
                self._provider,
                f"the token endpoint refused our credentials (HTTP {response.status_code}).",
                status=response.status_code,
                hint=self._hint,
            )
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
        self._expires_at = self._clock() + lifetime
        self.fetch_count += 1

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

    def grant(self) -> dict[str, str]:
        return {"grant_type": "refresh_token", "refresh_token": self._refresh_token.get_secret_value()}


class FormCredentials(AsyncOnlyAuth):
    """Credentials sent as form fields of every (form-encoded) request, e.g. Betasend's `api` and `hash`.

    They are added here, at the last moment, so they never appear in tool schemas, previews or logs.
    """

    requires_request_body = True

    def __init__(self, fields: dict[str, SecretStr]) -> None:
        self._fields = fields

    async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        extra = urlencode({k: v.get_secret_value() for k, v in self._fields.items()}).encode()
        body = request.content
        content = body + b"&" + extra if body else extra
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "content-type")}
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        yield httpx2.Request(
            request.method, request.url, headers=headers, content=content, extensions=request.extensions
        )
