"""JWT checks as App Store Connect applies them (NOTES §3.1), plus a signer for tests.

Every request needs `Authorization: Bearer <JWT>`: header `alg` ES256 and a known `kid`; the
signature verifies against that key's public key; `aud` is `appstoreconnect-v1`; a team key's
token carries `iss` = the key's issuer id, an individual key's carries `sub: "user"` and no `iss`;
`iat` and `exp` are present, `exp - iat` is at most 20 minutes and the token is not expired (with a
small skew allowance). A `scope` claim, if present, must list the request. Any failure -> 401
`NOT_AUTHORIZED`; the detail says which rule failed (Apple's is vaguer; tests want to know).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt

from betaops.providers.testflight.simulator.config import (
    AUDIENCE,
    SANDBOX_INDIVIDUAL_KEY_ID,
    SANDBOX_INDIVIDUAL_PRIVATE_KEY_PEM,
    SANDBOX_ISSUER_ID,
    SANDBOX_KEY_ID,
    SANDBOX_PRIVATE_KEY_PEM,
    SimConfig,
)
from betaops.providers.testflight.simulator.errors import ApiError, not_authorized

_IGNORED_SCOPE_PARAMS = frozenset({"limit", "cursor", "sort"})


@dataclass(frozen=True)
class Principal:
    key_id: str
    individual: bool


def sign_token(
    now: float,
    *,
    key_id: str = SANDBOX_KEY_ID,
    private_key_pem: str = SANDBOX_PRIVATE_KEY_PEM,
    issuer_id: str | None = SANDBOX_ISSUER_ID,
    lifetime_s: int = 600,
    audience: str = AUDIENCE,
    extra: dict[str, Any] | None = None,
    individual: bool = False,
    algorithm: str = "ES256",
) -> str:
    """A token as the client would mint it (team key by default); tests bend one field at a time."""
    claims: dict[str, Any] = {"iat": int(now), "exp": int(now) + lifetime_s, "aud": audience}
    if individual:
        claims["sub"] = "user"
    elif issuer_id is not None:
        claims["iss"] = issuer_id
    claims.update(extra or {})
    return jwt.encode(claims, private_key_pem, algorithm=algorithm, headers={"kid": key_id, "typ": "JWT"})


def sign_individual_token(now: float, **kwargs: Any) -> str:
    kwargs.setdefault("key_id", SANDBOX_INDIVIDUAL_KEY_ID)
    kwargs.setdefault("private_key_pem", SANDBOX_INDIVIDUAL_PRIVATE_KEY_PEM)
    return sign_token(now, individual=True, issuer_id=None, **kwargs)


def authenticate(header: str | None, config: SimConfig, now: float, method: str, url: str) -> Principal:
    if not header:
        raise not_authorized(
            "Provide a properly configured and signed bearer token, and make sure that it has not expired."
        )
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer" or not token.strip():
        raise not_authorized("The Authorization header must be 'Bearer <JWT>'.")
    token = token.strip()
    try:
        head = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise not_authorized("The bearer token is not a well-formed JWT.") from None
    if head.get("alg") != "ES256":
        raise not_authorized(f"The token must be signed with ES256, not {head.get('alg')!r}.")
    kid = head.get("kid")
    individual = False
    if isinstance(kid, str) and kid in config.team_keys:
        issuer, public_pem = config.team_keys[kid]
    elif isinstance(kid, str) and kid in config.individual_keys:
        issuer, public_pem, individual = None, config.individual_keys[kid], True
    else:
        raise not_authorized(f"The key id (kid) {kid!r} is not known; check the API key id.")
    try:
        claims = jwt.decode(
            token,
            public_pem,
            algorithms=["ES256"],
            audience=AUDIENCE,
            leeway=config.clock_skew_s,
            options={"require": ["iat", "exp", "aud"], "verify_iat": False, "verify_exp": False},
        )
    except jwt.InvalidAudienceError:
        raise not_authorized(f"The token's audience (aud) must be '{AUDIENCE}'.") from None
    except jwt.InvalidSignatureError:
        raise not_authorized("The token's signature does not verify with the key named by its kid.") from None
    except jwt.MissingRequiredClaimError as exc:
        raise not_authorized(f"The token is missing the '{exc.claim}' claim.") from None
    except jwt.PyJWTError as exc:
        raise not_authorized(f"The token is invalid: {exc}.") from None
    _check_claims(claims, issuer, individual, config, now)
    _check_scope(claims.get("scope"), method, url)
    return Principal(kid, individual)


def _check_claims(claims: dict[str, Any], issuer: str | None, individual: bool, config: SimConfig, now: float) -> None:
    iat, exp = claims.get("iat"), claims.get("exp")
    if (
        not isinstance(iat, int | float)
        or not isinstance(exp, int | float)
        or isinstance(iat, bool)
        or isinstance(exp, bool)
    ):
        raise not_authorized("The token's iat and exp must be numeric dates.")
    if individual:
        if "iss" in claims:
            raise not_authorized("An individual key's token must not carry 'iss'.")
        if claims.get("sub") != "user":
            raise not_authorized("An individual key's token must carry sub = 'user'.")
    elif claims.get("iss") != issuer:
        raise not_authorized("The token's issuer (iss) does not match the key's issuer id.")
    if exp - iat > config.max_token_lifetime_s:
        raise not_authorized(
            f"The token's lifetime (exp - iat = {int(exp - iat)} s) exceeds {config.max_token_lifetime_s} s (20 minutes)."
        )
    if exp <= iat:
        raise not_authorized("The token's exp must be after its iat.")
    if iat > now + config.clock_skew_s:
        raise not_authorized("The token's iat is in the future.")
    if exp < now - config.clock_skew_s:
        raise not_authorized("The token has expired; sign a new one.")


def _check_scope(scope: Any, method: str, url: str) -> None:
    if scope is None:
        return
    if not isinstance(scope, list) or not all(isinstance(s, str) for s in scope):
        raise not_authorized("The token's scope must be a list of strings.")
    parts = urlsplit(url)
    have = {(k, v) for k, v in parse_qsl(parts.query) if k not in _IGNORED_SCOPE_PARAMS}
    for entry in scope:
        verb, _, target = entry.partition(" ")
        t = urlsplit(target)
        if verb.upper() == method.upper() and t.path == parts.path:
            want = {(k, v) for k, v in parse_qsl(t.query) if k not in _IGNORED_SCOPE_PARAMS}
            if want <= have:
                return
    raise ApiError(401, "NOT_AUTHORIZED", f"The token's scope does not allow {method} {parts.path}.")
