"""App Store Connect API keys: an ES256 JWT per request, minted locally and reused until near expiry.

Apple rejects lifetimes over 20 minutes and recommends reusing a token rather than minting one
per request. `iat` is set a minute in the past so a server clock slightly behind ours still
accepts it. A 401 mints a fresh token once and retries the request once (a revoked or rotated key
then fails with the credential hint). The private key is held as a loaded key object: it never
reaches a log line, an error or a repr.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio
import httpx2

from betaops.core.auth import AsyncOnlyAuth
from betaops.core.errors import ConfigError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey

AUDIENCE = "appstoreconnect-v1"
MAX_LIFETIME_S = 20 * 60  # Apple: exp - iat above this is refused
DEFAULT_LIFETIME_S = 15 * 60
SKEW_S = 60  # iat this far in the past tolerates a server clock behind ours
REFRESH_MARGIN_S = 60  # mint a new token this long before the current one expires


def load_private_key(pem: str, variable: str) -> EllipticCurvePrivateKey:
    """The `.p8` key (PKCS#8 PEM, P-256); a ConfigError naming `variable` if it is anything else."""
    # Imported here: cryptography's key support costs a `--sandbox` start that never loads a key.
    from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.strip().encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(
            "testflight",
            f"{variable} is not a readable private key.",
            hint="Give the .p8 file App Store Connect let you download (Users and Access > Integrations), "
            "unchanged, including its BEGIN/END PRIVATE KEY lines.",
        ) from exc
    if not isinstance(key, EllipticCurvePrivateKey) or not isinstance(key.curve, SECP256R1):
        raise ConfigError(
            "testflight",
            f"{variable} is not an App Store Connect key (expected an EC P-256 key for ES256).",
            hint="Download the API key's .p8 file from App Store Connect (Users and Access > Integrations).",
        )
    return key


@dataclass(frozen=True)
class ApiKey:
    """A team key (`issuer_id` set) or an individual key (`issuer_id` None: `sub: "user"`)."""

    key_id: str
    private_key: EllipticCurvePrivateKey
    issuer_id: str | None = None

    def __repr__(self) -> str:
        kind = "team" if self.issuer_id else "individual"
        return f"ApiKey({self.key_id!r}, {kind})"


class AppStoreConnectJWT(AsyncOnlyAuth):
    """`Authorization: Bearer <ES256 JWT>` for App Store Connect, cached behind a lock."""

    def __init__(
        self,
        key: ApiKey,
        *,
        lifetime_s: int = DEFAULT_LIFETIME_S,
        clock: Callable[[], float] = time.time,
        scope: list[str] | None = None,
    ) -> None:
        if not 60 <= lifetime_s + SKEW_S <= MAX_LIFETIME_S:
            raise ValueError(f"token lifetime must keep exp - iat within {MAX_LIFETIME_S} s")
        self._key = key
        self._lifetime = lifetime_s
        self._clock = clock
        self._scope = scope
        self._token: str | None = None
        self._recent: deque[str] = deque(maxlen=8)  # minted tokens still scrubbed from provider text
        self._expires_at = 0.0
        self._lock = anyio.Lock()
        self.minted = 0  # how many tokens were made (tests check reuse)

    def secret_values(self) -> list[str]:
        return list(self._recent)

    def claims(self, now: float) -> dict[str, object]:
        iat = int(now) - SKEW_S
        claims: dict[str, object] = {"aud": AUDIENCE, "iat": iat, "exp": int(now) + self._lifetime}
        if self._key.issuer_id:
            claims["iss"] = self._key.issuer_id
        else:
            claims["sub"] = "user"
        if self._scope:
            claims["scope"] = self._scope
        return claims

    def _mint(self) -> str:
        import jwt  # here: PyJWT loads cryptography's X.509 support, which a server start does without

        now = self._clock()
        claims = self.claims(now)
        headers = {"kid": self._key.key_id, "typ": "JWT"}
        self._token = jwt.encode(claims, self._key.private_key, algorithm="ES256", headers=headers)
        self._recent.append(self._token)
        self._expires_at = float(claims["exp"])  # type: ignore[arg-type]
        self.minted += 1
        return self._token

    async def token(self) -> str:
        async with self._lock:
            if self._token is None or self._clock() >= self._expires_at - REFRESH_MARGIN_S:
                return self._mint()
            return self._token

    async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        sent_with = await self.token()
        request.headers["Authorization"] = f"Bearer {sent_with}"
        response = yield request
        if response.status_code != 401:
            return
        async with self._lock:
            if self._token == sent_with:  # nobody refreshed meanwhile
                self._mint()
            fresh = self._token
        request.headers["Authorization"] = f"Bearer {fresh}"
        yield request
