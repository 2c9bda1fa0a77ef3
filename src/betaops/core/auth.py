"""Authentication strategies as `httpx2.Auth` flows, shared by every provider.

Each strategy attaches credentials to a request and, where the scheme allows, refreshes them once
when the provider answers 401. Secrets live in `SecretStr` and never reach a log line or repr.
Sync use is refused: betaops is async-only, and httpx's default sync path would silently send
unauthenticated requests for flows that do I/O.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable, Generator
from typing import NoReturn

import anyio
import httpx2
from pydantic import SecretStr

from betaops.core.errors import ConfigError


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


class OAuth2ClientCredentials(AsyncOnlyAuth):
    """RFC 6749 client credentials: fetch a token, reuse it until shortly before expiry.

    The token request is yielded inside the flow, so it goes through the same client (and, in the
    sandbox, the same simulator). A 401 on the real request refreshes once and retries it once.
    """

    requires_response_body = True

    def __init__(
        self,
        *,
        provider: str,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        scope: str | None = None,
        refresh_margin_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._provider = provider
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._scope = scope
        self._margin = refresh_margin_s
        self._clock = clock
        self._token: SecretStr | None = None
        self._expires_at = 0.0
        self._lock = anyio.Lock()
        self.fetch_count = 0

    def _token_request(self) -> httpx2.Request:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret.get_secret_value(),
        }
        if self._scope:
            form["scope"] = self._scope
        return httpx2.Request("POST", self._token_url, data=form, headers={"Accept": "application/json"})

    def _store(self, response: httpx2.Response) -> None:
        if response.status_code != 200:
            raise ConfigError(
                self._provider,
                f"the token endpoint refused the client credentials (HTTP {response.status_code}).",
                status=response.status_code,
                hint="Check the OAuth2 client id and secret in your settings.",
            )
        try:
            body = response.json()
            token, lifetime = str(body["access_token"]), float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(self._provider, "the token endpoint returned no access_token.") from exc
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
