"""What a simulator saw and what it did: tests prove "nothing changed" from these, not from luck."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

REDACTED = "[redacted]"
_SECRET_HEADERS = frozenset({"authorization", "cookie", "x-api-key"})


@dataclass(frozen=True)
class RequestRecord:
    """One request as received, with credentials redacted."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    idempotency_key: str | None
    attempt: str | None  # the client's `X-Request-Attempt`, if it sends one
    at: float


@dataclass(frozen=True)
class WriteRecord:
    """A write that actually executed (replays and refused requests are not writes)."""

    method: str
    path: str
    idempotency_key: str | None
    company_id: Any
    status: int
    at: float


def record_request(request: Request, at: float) -> RequestRecord:
    headers = {k: (REDACTED if k.lower() in _SECRET_HEADERS else v) for k, v in request.headers.items()}
    return RequestRecord(
        method=request.method,
        path=request.url.path,
        query=dict(request.query_params),
        headers=headers,
        idempotency_key=request.headers.get("idempotency-key"),
        attempt=request.headers.get("x-request-attempt"),
        at=at,
    )
