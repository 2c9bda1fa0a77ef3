"""Confirmation tokens: a preview's promise that exactly this change, and only once, may run.

A token is `payload.signature`, HMAC-SHA256 over the tool name, a digest of the exact arguments,
a digest of the target's state at preview time, an expiry and a nonce. Redeeming checks all of
them; the nonce is single-use. When a write's outcome is unknown (the response was lost), the
nonce is released so the same confirmed call can be repeated: it carries the same idempotency
key, so the provider replays the first result instead of doing the work twice.
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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Redeemed:
    nonce: str

    @property
    def idempotency_key(self) -> str:
        return f"betaops-{hashlib.sha256(self.nonce.encode()).hexdigest()[:40]}"


class ConfirmationTokens:
    def __init__(self, secret: bytes, *, ttl_s: float = TOKEN_TTL_S, clock: Callable[[], float] = time.time) -> None:
        if len(secret) < 16:
            raise ValueError("the confirmation secret must be at least 16 bytes")
        self._secret = secret
        self._ttl = ttl_s
        self._clock = clock
        self._spent: dict[str, float] = {}  # nonce -> expiry (kept until it could no longer verify)
        self._in_flight: set[str] = set()

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()

    def issue(self, tool: str, args: dict[str, Any], target: Any) -> tuple[str, float]:
        expires = self._clock() + self._ttl
        payload = json.dumps(
            {"t": tool, "a": digest(args), "g": digest(target), "e": expires, "n": secrets.token_hex(16)},
            separators=(",", ":"),
        ).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}", expires

    def redeem(self, provider: str, tool: str, token: str, args: dict[str, Any], target: Any) -> Redeemed:
        """Check a token for this exact call and reserve its nonce; raise if anything differs."""

        def refuse(why: str, hint: str) -> ConfirmationError:
            return ConfirmationError(provider, why, operation=tool, hint=hint)

        fresh = "Call again without confirm_token to get a fresh preview and token."
        try:
            head, sig = token.split(".", 1)
            payload = _unb64(head)
            good = hmac.compare_digest(self._sign(payload), _unb64(sig))
            claims = json.loads(payload) if good else {}
        except (ValueError, binascii.Error):
            good, claims = False, {}
        if not good or not isinstance(claims, dict):
            raise refuse("the confirm_token is not valid (malformed or not issued by this server).", fresh)
        if claims.get("t") != tool or claims.get("a") != digest(args):
            raise refuse(
                "the confirm_token was issued for a different tool or different arguments.",
                "Repeat the call with exactly the arguments shown in the preview, or get a new preview.",
            )
        now = self._clock()
        if float(claims.get("e", 0)) <= now:
            raise refuse("the confirm_token has expired (tokens last 10 minutes).", fresh)
        nonce = str(claims.get("n"))
        self._spent = {n: e for n, e in self._spent.items() if e > now}
        if nonce in self._spent or nonce in self._in_flight:
            raise refuse("the confirm_token was already used.", fresh)
        if claims.get("g") != digest(target):
            raise refuse(
                "the target changed since the preview was made.",
                "Review the new state: call again without confirm_token for a fresh preview.",
            )
        self._in_flight.add(nonce)
        self._spent[nonce] = float(claims["e"])
        return Redeemed(nonce)

    def settle(self, redeemed: Redeemed, *, outcome_known: bool) -> None:
        """Finish a redeemed token: spent for good, or released when the outcome is unknown."""
        self._in_flight.discard(redeemed.nonce)
        if not outcome_known:
            self._spent.pop(redeemed.nonce, None)
