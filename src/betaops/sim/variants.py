"""Answer variants: the request executes as usual, but the provider answers in another shape.

Real providers answer in shapes their documents do not show: a success as `{"message", "list_id"}`
instead of `{"success"}`, a count instead of the changed items, `null`, `[]` or no body at all; and
some echo the credentials they were sent in an error message. A test queues a variant for the next
matching request (like a fault); the simulator executes the request (state changes, the write is
logged) and then answers with the variant, so a client can be shown to report what happened.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class _Empty:
    def __repr__(self) -> str:
        return "EMPTY"


EMPTY = _Empty()
"""A variant body: no body at all (a 2xx with zero bytes)."""

Reshape = Callable[[Any], Any]
_MESSAGE_KEYS = ("message", "messages", "detail", "error_description", "title")
_CREDENTIAL_FIELDS = ("api", "hash", "client_secret", "refresh_token")


@dataclass
class Variant:
    """How to answer instead: a JSON value, `reshape(old_json)`, `EMPTY`, or raw bytes; optionally
    another status and extra headers."""

    body: Any = None
    reshape: Reshape | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    errors: bool = False  # also replace error answers (by default only 2xx are reshaped)


@dataclass
class _Queued:
    variant: Variant
    remaining: int
    method: str | None
    path: str | None

    def matches(self, method: str, path: str, status: int) -> bool:
        if not self.variant.errors and not 200 <= status < 300:
            return False
        return (self.method is None or self.method == method.upper()) and (self.path is None or self.path in path)


def _json_of(response: Response) -> Any:
    raw = bytes(response.body)
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _headers(response: Response, extra: dict[str, str]) -> dict[str, str]:
    kept = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
    return {**kept, **extra}


def credentials_of(request: Request, body: bytes) -> list[str]:
    """The credentials a request carried: its bearer token and credential form fields."""
    found: list[str] = []
    _, _, token = request.headers.get("authorization", "").partition(" ")
    if token.strip():
        found.append(token.strip())
    if body and b"=" in body:
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        found += [form[k] for k in _CREDENTIAL_FIELDS if form.get(k)]
    return found


def _echo(value: Any, text: str) -> tuple[Any, bool]:
    """`value` with `text` appended to its first message-like string (depth first)."""
    if isinstance(value, dict):
        for key in _MESSAGE_KEYS:
            if isinstance(value.get(key), str):
                return {**value, key: f"{value[key]} ({text})"}, True
        out = dict(value)
        for key, item in value.items():
            changed, done = _echo(item, text)
            if done:
                out[key] = changed
                return out, True
        return value, False
    if isinstance(value, list):
        for index, item in enumerate(value):
            changed, done = _echo(item, text)
            if done:
                return [*value[:index], changed, *value[index + 1 :]], True
    return value, False


@dataclass
class Variants:
    """Queued answer variants, and whether error messages echo the credentials they were sent."""

    echo_credentials: bool = False
    answered: list[tuple[str, str, Variant]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: list[_Queued] = []

    def queue(
        self,
        body: Any = None,
        *,
        reshape: Reshape | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        errors: bool = False,
        count: int = 1,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next `count` matching requests with this variant (2xx answers unless `errors`).

        `body` is the JSON to send (`EMPTY` for none, bytes as they are); `reshape(old_json)` builds
        it from the answer the simulator would have given. `path` is a substring of the URL path.
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        variant = Variant(body, reshape, status, dict(headers or {}), errors)
        self._queue.append(_Queued(variant, count, method and method.upper(), path))

    @property
    def pending(self) -> int:
        return sum(q.remaining for q in self._queue)

    def clear(self) -> None:
        self._queue.clear()

    async def apply(self, request: Request, response: Response) -> Response:
        """The answer to send for `request`, whose executed answer was `response`."""
        method, path = request.method, request.url.path
        if self.echo_credentials and response.status_code >= 400:
            response = self._echoed(response, credentials_of(request, await request.body()))
        for queued in self._queue:
            if queued.matches(method, path, response.status_code):
                queued.remaining -= 1
                if queued.remaining == 0:
                    self._queue.remove(queued)
                self.answered.append((method, path, queued.variant))
                return self._render(queued.variant, response)
        return response

    @staticmethod
    def _echoed(response: Response, credentials: list[str]) -> Response:
        body = _json_of(response)
        if not credentials or not isinstance(body, dict | list):
            return response
        echoed, done = _echo(body, "received: " + ", ".join(credentials))
        if not done:
            return response
        return JSONResponse(echoed, response.status_code, _headers(response, {}))

    @staticmethod
    def _render(variant: Variant, response: Response) -> Response:
        status = variant.status or response.status_code
        headers = _headers(response, variant.headers)
        body = variant.reshape(_json_of(response)) if variant.reshape is not None else variant.body
        if body is EMPTY:
            return Response(b"", status, headers)
        if isinstance(body, bytes):
            return Response(body, status, headers, media_type="application/json")
        return JSONResponse(body, status, headers)
