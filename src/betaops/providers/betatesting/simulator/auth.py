"""Who is calling: static `btst_` keys, OAuth2 client-credentials tokens, and the token endpoint."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from betaops.providers.betatesting.simulator.config import SimConfig
from betaops.providers.betatesting.simulator.inputs import ApiError
from betaops.providers.betatesting.simulator.state import BetaTestingState, IssuedToken

KEY_PREFIX = "btst_"
KEY_LENGTH = len(KEY_PREFIX) + 64
TOKEN_PREFIX = "bto_"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller; `client` keys its rate-limit windows."""

    company_id: int
    scopes: frozenset[str]
    client: str


def _unauthenticated(message: str) -> ApiError:
    return ApiError(401, "Unauthenticated", message, {"WWW-Authenticate": 'Bearer realm="betatesting"'})


def authenticate(header: str | None, config: SimConfig, state: BetaTestingState, now: float) -> Principal:
    scheme, _, token = (header or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthenticated("Missing bearer token: send 'Authorization: Bearer <api key or access token>'.")
    if token.startswith(KEY_PREFIX):
        key = config.api_keys.get(token) if len(token) == KEY_LENGTH else None
        if key is None:
            raise _unauthenticated("Invalid API key.")
        client = "key:" + hashlib.sha256(token.encode()).hexdigest()[:12]
        return Principal(key.company_id, key.scopes, client)
    issued = state.tokens.get(token)
    if issued is None:
        raise _unauthenticated("Invalid access token.")
    if now >= issued.expires_at:
        raise _unauthenticated("The access token has expired.")
    return Principal(issued.company_id, issued.scopes, "oauth:" + issued.client_id)


def _oauth_error(status: int, error: str, description: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": error, "error_description": description, "message": description}


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


def issue_token(
    form: Mapping[str, str], authorization: str | None, config: SimConfig, state: BetaTestingState, now: float
) -> tuple[int, dict[str, Any]]:
    """RFC 6749 client-credentials grant: (status, JSON body). Secrets may come in the form or Basic auth."""
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials.")
    client_id, secret = _basic_credentials(authorization) or (
        form.get("client_id", ""),
        form.get("client_secret", ""),
    )
    client = config.oauth_clients.get(client_id)
    if client is None or not secrets.compare_digest(client.secret, secret):
        return _oauth_error(401, "invalid_client", "Unknown client or wrong client secret.")
    requested = frozenset(form.get("scope", "").split()) or client.scopes
    if not requested <= client.scopes:
        extra = " ".join(sorted(requested - client.scopes))
        return _oauth_error(400, "invalid_scope", f"This client may not be granted: {extra}.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    state.tokens[token] = IssuedToken(client_id, client.company_id, requested, now + config.token_lifetime_s)
    return 200, {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": config.token_lifetime_s,
        "scope": " ".join(sorted(requested)),
    }
