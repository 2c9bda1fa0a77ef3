"""Confirmation tokens: a preview's promise that exactly this change may run, for clients that cannot be asked.

A token is `payload.signature`, HMAC-SHA256 over the tool name, a digest of the exact arguments,
a digest of the one-line summary the confirming call must carry, the binding of the exact plan
shown (preview, state and every id it acts on), an expiry and a nonce. Verifying checks signature,
tool, arguments, summary and expiry; the plan binding is checked separately so that a repeat of an
already used token can be answered with its first outcome. The nonce is the approval id: its
single use is kept by the approval store (`core/approvals.py`), not here.

The same secret signs list cursors (`cursor_key`), so a cursor cannot be forged to read another path.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from betaops.core.errors import ConfirmationError

TOKEN_TTL_S = 600.0


def digest(value: Any) -> str:
    canon = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:32]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


FRESH = "Call again without confirm_token to get a fresh preview and token."


class ConfirmationTokens:
    def __init__(self, secret: bytes, *, ttl_s: float = TOKEN_TTL_S, clock: Callable[[], float] = time.time) -> None:
        if len(secret) < 16:
            raise ValueError("the confirmation secret must be at least 16 bytes")
        self._secret = secret
        self._ttl = ttl_s
        self._clock = clock

    @property
    def cursor_key(self) -> bytes:
        return hmac.new(self._secret, b"betaops/cursor/v1", hashlib.sha256).digest()

    @property
    def state_key(self) -> bytes:
        """The key that seals 2026-07-28 requestState (derived from, never equal to, the secret)."""
        return hmac.new(self._secret, b"betaops/http/request-state/v1", hashlib.sha256).digest()

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()

    def issue(self, tool: str, args: dict[str, Any], summary: str, binding: str) -> tuple[str, float]:
        expires = self._clock() + self._ttl
        claims = {"t": tool, "a": digest(args), "s": digest(summary), "g": binding, "e": expires}
        payload = json.dumps({**claims, "n": secrets.token_hex(16)}, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}", expires

    def _claims(self, provider: str, tool: str, token: str) -> dict[str, Any]:
        try:
            head, sig = token.split(".", 1)
            payload = _unb64(head)
            good = hmac.compare_digest(self._sign(payload), _unb64(sig))
            claims = json.loads(payload) if good else None
        except (ValueError, binascii.Error):
            claims = None
        if not isinstance(claims, dict):
            raise ConfirmationError(
                provider, "the confirm_token is not valid (forged or damaged).", operation=tool, hint=FRESH
            )
        return claims

    def verify(self, provider: str, tool: str, token: str, args: dict[str, Any], summary: str | None) -> str:
        """Check a token for this exact call and summary; return its nonce (the approval id)."""

        def refuse(why: str, hint: str) -> ConfirmationError:
            return ConfirmationError(provider, why, operation=tool, hint=hint)

        claims = self._claims(provider, tool, token)
        if claims.get("t") != tool or claims.get("a") != digest(args):
            raise refuse(
                "the confirm_token was issued for a different tool or different arguments.",
                "Repeat the call with exactly the arguments shown in the preview, or get a new preview.",
            )
        if summary is None or claims.get("s") != digest(summary):
            raise refuse(
                "confirm_summary is missing or differs from the preview's summary line.",
                "Pass confirm_summary exactly as the preview returned it, so the approval shows what it approves.",
            )
        if float(claims.get("e", 0)) <= self._clock():
            raise refuse("the confirm_token has expired (tokens last 10 minutes).", FRESH)
        return str(claims.get("n"))

    def check_target(self, provider: str, tool: str, token: str, binding: str) -> None:
        """Refuse when what the write would do now differs from the plan the token was issued for."""
        if self._claims(provider, tool, token).get("g") != binding:
            raise ConfirmationError(
                provider,
                "what this change would do differs from the preview (the target changed since it was made).",
                operation=tool,
                hint="Review the new state: call again without confirm_token for a fresh preview.",
            )
