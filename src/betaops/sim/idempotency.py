"""Idempotency keys, provider side: a retried write returns the first answer instead of acting twice.

Keys are scoped (per company at BetaTesting) and expire after a TTL (24 h). Reusing a key for a
different request is a client bug, reported as `IdempotencyConflictError` rather than silently replayed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable
from dataclasses import dataclass

from betaops.sim.clock import Clock

DAY_S = 24 * 3600.0


def fingerprint(body: bytes) -> str:
    """A hash of a request body that ignores JSON key order and whitespace."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    """The first response to a keyed write, kept to be replayed verbatim."""

    method: str
    path: str
    body_hash: str
    status: int
    content: bytes
    media_type: str | None
    stored_at: float


class IdempotencyConflictError(Exception):
    """The key was already used for a different method, path or body."""

    def __init__(self, key: str, stored: StoredResponse, differs: str) -> None:
        self.key = key
        self.stored = stored
        super().__init__(
            f"The Idempotency-Key {key!r} was already used for {stored.method} {stored.path} "
            f"with a different {differs}; use a new key for a new request."
        )


class IdempotencyStore:
    """Cached first responses by (scope, key), valid for `ttl_s` seconds."""

    def __init__(self, clock: Clock, ttl_s: float = DAY_S) -> None:
        self._clock = clock
        self.ttl_s = ttl_s
        self._entries: dict[tuple[Hashable, str], StoredResponse] = {}

    def lookup(self, scope: Hashable, key: str, method: str, path: str, body: bytes) -> StoredResponse | None:
        """The response to replay, None if the key is new (or expired); raises on a mismatched reuse."""
        stored = self._entries.get((scope, key))
        if stored is None:
            return None
        if self._clock() - stored.stored_at >= self.ttl_s:
            del self._entries[(scope, key)]
            return None
        if (stored.method, stored.path) != (method, path):
            raise IdempotencyConflictError(key, stored, "method or path")
        if stored.body_hash != fingerprint(body):
            raise IdempotencyConflictError(key, stored, "body")
        return stored

    def save(
        self,
        scope: Hashable,
        key: str,
        *,
        method: str,
        path: str,
        body: bytes,
        status: int,
        content: bytes,
        media_type: str | None,
    ) -> None:
        self._entries[(scope, key)] = StoredResponse(
            method, path, fingerprint(body), status, content, media_type, self._clock()
        )

    def __len__(self) -> int:
        return len(self._entries)
