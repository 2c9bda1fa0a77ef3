"""The one HTTP engine every provider uses: build, pace, send, retry, map errors, page.

A provider supplies a `ProviderConfig` (base URL, auth flow, pagination, error parsing, hints);
the engine turns an `Operation` plus validated params into a request. Retries follow one rule:
reads may be retried; a write is retried only when it carries an idempotency key the provider
honours, because a blindly retried write can invite or email people twice. A failure that cannot
succeed on retry (the host name does not resolve, a loopback port refuses) is reported at once.

This is the one place provider text enters: every body and error message is cleaned of hidden
characters and scrubbed of credentials (configured secrets, issued tokens, anything shaped like a
bearer token or JWT) before any other code, log line or audit record sees it. A 2xx answer to a
write is a success whatever its body: a body that cannot be read comes back as text with a note.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import re
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import anyio
import httpx2
from pydantic import BaseModel

from betaops.core.auth import secret_values
from betaops.core.error_shape import ErrorShape
from betaops.core.errors import ConfigError, ProviderError, UnreadableResponseError
from betaops.core.images import sniff
from betaops.core.operation import Operation, Returns
from betaops.core.pagination import Page, Pagination
from betaops.core.ratelimit import (
    RateLimitStatus,
    SlidingWindowLimiter,
    WriteWindow,
    parse_retry_after,
    ratelimit_headers,
)
from betaops.core.sanitize import Redactor, clean_json, clean_text
from betaops.core.shapes import EMPTY, bounded

logger = logging.getLogger(__name__)

_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]{1,128}$")
_NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)
UNREADABLE_WRITE = (
    "The provider answered HTTP {status} (success) but its body is not the JSON expected; it is attached as received."
)


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_tls(provider: str, setting: str, url: str) -> str:
    """`url` if it is https (or http to this machine); else a ConfigError naming `setting`.

    Credentials travel in every request (a bearer token, form keys): over plain http anyone on the
    path reads them, so a non-TLS URL is refused at start-up, before anything is sent.
    """
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if scheme == "https" and host:
        return url
    if scheme == "http" and host and is_loopback(host):
        return url
    if scheme == "http":
        raise ConfigError(
            provider,
            f"{setting} is {url!r}: plain http would send credentials unencrypted.",
            hint=f"Use an https:// URL in {setting} (plain http is allowed only to localhost or 127.0.0.1).",
        )
    raise ConfigError(provider, f"{setting} is not an http(s) URL.", hint=f"Set {setting} to an https:// URL.")


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def hopeless(exc: httpx2.TransportError, host: str) -> str | None:
    """Why retrying `exc` cannot help (the name does not resolve, a loopback port refuses), else None."""
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return f"the host name {host!r} could not be resolved (DNS: {cause.strerror or cause})"
        if isinstance(cause, ConnectionRefusedError) and is_loopback(host):
            return f"nothing is listening at {host} (connection refused)"
    return None


@dataclass(frozen=True)
class ProviderConfig:
    """Everything provider-specific the engine needs; no provider code lives in the engine."""

    name: str
    base_url: str
    auth: httpx2.Auth
    credential_hint: str
    pagination: Pagination
    unwrap: Callable[[Any], Any] = field(default=lambda body: body)
    # (code, message) of a failed answer; `ErrorShape` declares where a provider's body keeps them.
    parse_error: Callable[[httpx2.Response], tuple[str | None, str]] = field(default=ErrorShape())
    # Providers that report failure inside a 2xx body (e.g. Betasend): (code, message) or None.
    body_error: Callable[[Any], tuple[str | None, str] | None] | None = None
    rate_limit: Callable[[httpx2.Headers], tuple[int | None, int | None]] = ratelimit_headers
    # A provider's own advice for a failure it recognises (e.g. a precondition), else None.
    error_hint: Callable[[httpx2.Response, str | None], str | None] | None = None
    body_format: Literal["json", "form"] = "json"
    # Secrets beyond the auth flow's own that provider text must never carry back.
    secrets: Callable[[], Iterable[str]] = field(default=tuple)
    # Per-operation adjustment of the paging parameters (e.g. a list with a smaller page maximum).
    page_params: Callable[[Operation, dict[str, str]], dict[str, str]] | None = None
    # What a success that is not yet complete means (e.g. a 202 for an asynchronous start), else None.
    accepted_note: Callable[[Operation, int], str | None] | None = None
    idempotency_header: str | None = None
    write_limit: int = 30
    write_window_s: float = 60.0
    timeout_s: float = 30.0
    max_retries: int = 3
    max_retry_wait_s: float = 10.0
    backoff_base_s: float = 0.5
    concurrency: int = 6


@dataclass
class Reply:
    """A 2xx answer: its data (cleaned and scrubbed), the page it was, and what is odd about it.

    The call succeeded whatever else is set. `note` says what is odd: an empty body (`data` None or
    an empty list), an asynchronous acceptance (a 202), or (for a write) a body that could not be
    read or unwrapped: `data` is then None and `raw` holds the answer as received (scrubbed and
    bounded, text or JSON), to attach to the result.
    """

    data: Any
    page: Page | None = None
    replayed: bool = False
    note: str | None = None
    status: int = 200
    raw: Any = None


class ResolvingTransport(httpx2.AsyncBaseTransport):
    """The real network, opened once a request's host name resolves.

    With no network, a name that does not resolve is the usual failure. Checked first, it is
    reported in the resolver's time (milliseconds, and `hopeless` says retrying will not help)
    instead of after loading the system's CA certificates for a TLS connection that cannot happen
    (tens to hundreds of milliseconds). Once a name has resolved, requests go straight to the one
    pooled transport, which also resolves as it connects; the check is not repeated.
    """

    def __init__(self) -> None:
        self._inner: httpx2.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self._inner is None:
            url = request.url
            try:
                await anyio.getaddrinfo(url.host, url.port or (443 if url.scheme == "https" else 80))
            except socket.gaierror as exc:
                raise httpx2.ConnectError(f"cannot resolve {url.host}", request=request) from exc
            if self._inner is None:  # a concurrent first request may have opened it meanwhile
                self._inner = httpx2.AsyncHTTPTransport()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()


class ProviderClient:
    """One pooled `httpx2.AsyncClient` per provider plus its pacing and retry policy."""

    def __init__(
        self,
        config: ProviderConfig,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self.config = config
        self._clock = clock
        self._sleep = sleep
        self._http = httpx2.AsyncClient(
            base_url=config.base_url.rstrip("/"),
            auth=config.auth,
            transport=transport or ResolvingTransport(),
            timeout=config.timeout_s,
            headers={"Accept": "application/json", "User-Agent": "betaops/0.1"},
        )
        self.writes: WriteWindow = SlidingWindowLimiter(
            config.write_limit, config.write_window_s, clock=clock, sleep=sleep
        )
        self.fetch_slots = anyio.CapacityLimiter(config.concurrency)
        self.rate = RateLimitStatus()
        self.redact = Redactor(lambda: [*secret_values(config.auth), *config.secrets()])
        self._network = transport is None
        if transport is None:  # the real network: never send credentials in clear text
            require_tls(config.name, f"the {config.name} base URL", config.base_url)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def fetch_image(self, url: str, max_bytes: int) -> tuple[bytes, str] | str:
        """A PNG or JPEG the provider links to (a screenshot), as (bytes, mime type), or why not.

        Sent without credentials (the link is a signed download, often on another host) and read
        only up to `max_bytes`; over the network only by https.
        """
        parts = urlsplit(url)
        if parts.scheme != "https" and (self._network or parts.scheme != "http"):
            return "not an https link"
        data = bytearray()
        try:
            async with self._http.stream("GET", url, auth=None, headers={"Accept": "image/png, image/jpeg"}) as r:
                if r.status_code != 200:
                    return f"HTTP {r.status_code}"
                async for chunk in r.aiter_bytes():
                    data += chunk
                    if len(data) > max_bytes:
                        return f"larger than {max_bytes // 1000} KB"
        except httpx2.HTTPError as exc:
            return f"not fetched ({type(exc).__name__})"
        mime = sniff(bytes(data))
        return (bytes(data), mime) if mime else "not a PNG or JPEG"

    # ------------------------------------------------------------------ building

    def _path(self, op: Operation, params: BaseModel) -> str:
        values: dict[str, str] = {}
        for name in op.path_fields:
            value = getattr(params, name)
            text = str(value)
            # Validated again here, whatever the model said: nothing unchecked reaches a URL.
            if isinstance(value, bool) or not _SAFE_SEGMENT.match(text) or text in (".", ".."):
                raise ProviderError(self.config.name, f"{name}={text!r} is not a valid id.", operation=op.tool_name)
            values[name] = quote(text, safe="")
        return op.path.format(**values)

    def _payload(self, op: Operation, params: BaseModel) -> dict[str, Any]:
        local = {m.param for m in op.matches}  # applied by betaops, never sent
        return params.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=set(op.path_fields) | local)

    @staticmethod
    def _flat(payload: dict[str, Any]) -> dict[str, str]:
        """Query-string (or form) values: lists comma-joined, booleans as true/false."""
        flat: dict[str, str] = {}
        for key, value in payload.items():
            if isinstance(value, list):
                flat[key] = ",".join(str(v) for v in value)
            elif isinstance(value, bool):
                flat[key] = "true" if value else "false"
            else:
                flat[key] = str(value)
        return flat

    def _follow(self, op: Operation, url: str) -> str:
        base = str(self._http.base_url).rstrip("/") + "/"
        if not url.startswith(base):
            raise ProviderError(
                self.config.name,
                "the next-page link points outside the provider's API; it was not followed.",
                operation=op.tool_name,
            )
        return url

    def _separable(self, op: Operation, payload: dict[str, Any]) -> None:
        """Lists travel comma-joined in queries and forms: an item with a comma would become two."""
        for key, value in payload.items():
            if isinstance(value, list) and any("," in str(v) for v in value):
                raise ProviderError(
                    self.config.name,
                    f"an item of {key} contains a comma, which the provider reads as a separator between values.",
                    operation=op.tool_name,
                    hint="Give each value without commas.",
                )

    def build(self, op: Operation, params: BaseModel, page_state: dict[str, Any] | None = None) -> httpx2.Request:
        pagination = self.config.pagination
        if page_state is not None and (next_url := pagination.url(page_state)):
            return self._http.build_request("GET", self._follow(op, next_url))
        url = self._path(op, params)
        payload = self._payload(op, params)
        if op.method == "GET" or self.config.body_format == "form":
            self._separable(op, payload)
        paging = pagination.params(page_state) if page_state is not None else {}
        if paging and self.config.page_params is not None:
            paging = self.config.page_params(op, paging)
        if op.method == "GET":
            return self._http.build_request("GET", url, params={**self._flat(payload), **paging})
        if op.method == "DELETE" and not op.body_in_delete:
            return self._http.build_request("DELETE", url)
        body = op.encode(params, payload) if op.encode is not None else {**payload, **paging}
        if self.config.body_format == "form":
            return self._http.build_request(op.method, url, data=self._flat(body))
        return self._http.build_request(op.method, url, json=body)

    # ------------------------------------------------------------------ sending

    async def call(
        self,
        op: Operation,
        params: BaseModel,
        *,
        page_state: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Reply:
        """Send `op` with `params` and return the provider's answer, or raise a `ProviderError`.

        Reads, and writes carrying an idempotency key the provider honours, are retried on transport
        failures and retryable statuses; an unkeyed write is retried only when it surely was not sent,
        so a write never lands twice. `page_state` asks for one page of a paginated operation.
        """
        request = self.build(op, params, page_state)
        if op.is_write and idempotency_key and self.config.idempotency_header:
            request.headers[self.config.idempotency_header] = idempotency_key
        keyed = op.is_write and idempotency_key is not None and self.config.idempotency_header is not None
        retry_ok = not op.is_write or keyed
        attempt = 0
        while True:
            attempt += 1
            request.headers["X-Request-Attempt"] = str(attempt)
            last = attempt > self.config.max_retries
            slot = await self.writes.acquire() if op.is_write else None
            failure: httpx2.TransportError | None = None
            try:
                response = await self._http.send(request)
            except httpx2.TransportError as exc:
                failure = exc
            finally:
                if slot is not None:
                    await self.writes.release(slot)
            if failure is not None:
                not_sent = isinstance(failure, _NOT_SENT)
                if not_sent and (why := hopeless(failure, request.url.host)):
                    raise self._unreachable(op, why) from failure
                if (retry_ok or not_sent) and not last:
                    await self._backoff(attempt, None)
                    continue
                raise self._transport_error(op, failure, not_sent) from failure
            self.rate.update(*self.config.rate_limit(response.headers), now=self._clock())
            if response.status_code == 429 or response.status_code >= 500:
                wait = parse_retry_after(response.headers.get("retry-after"))
                too_long = wait is not None and wait > self.config.max_retry_wait_s
                if retry_ok and not last and not too_long:
                    await self._backoff(attempt, wait)
                    continue
            if response.status_code >= 400:
                raise self._status_error(op, response)
            if response.status_code >= 300:
                raise self._redirected(op, response)
            try:
                return self._reply(op, response, page_state)
            except UnreadableResponseError:
                if op.is_write or last:  # a write's answer was lost, not its effect: never repeat it blindly
                    raise
                await self._backoff(attempt, None)

    async def _backoff(self, attempt: int, retry_after: float | None) -> None:
        if retry_after is not None:
            delay = retry_after
        else:
            delay = self.config.backoff_base_s * 2 ** (attempt - 1)
            delay = delay / 2 + random.uniform(0, delay / 2)  # jitter keeps parallel callers apart
        await self._sleep(min(delay, self.config.max_retry_wait_s))

    def _reply(self, op: Operation, response: httpx2.Response, page_state: dict[str, Any] | None) -> Reply:
        reply = self._answer(op, response, page_state)
        reply.status = response.status_code
        if self.config.accepted_note is not None and (note := self.config.accepted_note(op, response.status_code)):
            reply.note = f"{note} {reply.note}" if reply.note else note
        return reply

    def _answer(self, op: Operation, response: httpx2.Response, page_state: dict[str, Any] | None) -> Reply:
        replayed = response.headers.get("x-idempotency-replayed", "").lower() == "true"
        if op.returns is Returns.NOTHING or response.status_code == 204:
            return Reply(None, replayed=replayed)
        content = response.content
        if not content.strip():
            return self._empty(op, page_state, replayed)
        try:
            body = self.redact.body(clean_json(content), content)
        except ValueError as exc:
            if op.is_write:  # a 2xx to a write: it happened, whatever the body says
                raw = self.redact.text(clean_text(content.decode("utf-8", "replace")))
                note = UNREADABLE_WRITE.format(status=response.status_code)
                return Reply(None, replayed=replayed, note=note, raw=bounded(raw))
            raise self._unreadable(op, response) from exc
        if self.config.body_error is not None and (failure := self.config.body_error(body)) is not None:
            code, message = failure
            raise ProviderError(
                self.config.name,
                message.rstrip(".") + ".",
                operation=op.tool_name,
                status=response.status_code,
                code=code,
                hint="The provider refused the request; fix what it names and call again.",
            )
        if body is None or (body == [] and op.returns is not Returns.ITEMS):
            return self._empty(op, page_state, replayed)
        try:
            if op.paginated and page_state is not None:
                page = self.config.pagination.parse(body, page_state)
                return Reply(page.items, page=page, replayed=replayed)
            return Reply(self.config.unwrap(body), replayed=replayed)
        except (ValueError, KeyError, TypeError) as exc:
            if op.is_write:
                note = UNREADABLE_WRITE.format(status=response.status_code)
                return Reply(None, replayed=replayed, note=note, raw=bounded(body))
            raise self._unreadable(op, response) from exc

    def _empty(self, op: Operation, page_state: dict[str, Any] | None, replayed: bool) -> Reply:
        """An empty body (nothing, `null`, or `[]` where one item was expected) on a 2xx: a result, not an error.

        Lists are empty; one item is None with a note. Betasend answers reads about nothing this way.
        """
        if op.paginated and page_state is not None:
            return Reply([], page=Page([], page_state, None), replayed=replayed)
        if op.returns in (Returns.LIST, Returns.ITEMS):
            return Reply([], replayed=replayed)
        return Reply(None, replayed=replayed, note=None if op.is_write else EMPTY)

    def _unreadable(self, op: Operation, response: httpx2.Response) -> ProviderError:
        return UnreadableResponseError(
            self.config.name,
            "the provider's answer could not be read (not the JSON we expected).",
            operation=op.tool_name,
            status=response.status_code,
            hint="This may be a temporary fault; try again.",
            changed=None if op.is_write else False,
        )

    def _redirected(self, op: Operation, response: httpx2.Response) -> ProviderError:
        """A 3xx is not an answer (redirects are not followed: they could carry credentials elsewhere)."""
        target = self.redact.text(clean_text(response.headers.get("location", "")))[:200]
        return ProviderError(
            self.config.name,
            f"the provider answered with a redirect{f' to {target}' if target else ''} instead of an answer.",
            operation=op.tool_name,
            status=response.status_code,
            hint="Check the provider's base URL setting (https, the exact path); a login page means the credentials "
            "were not accepted.",
            changed=None if op.is_write else False,
        )

    def _unreachable(self, op: Operation, why: str) -> ProviderError:
        return ProviderError(
            self.config.name,
            f"the request was not sent: {why}.",
            operation=op.tool_name,
            hint="Retrying will not help: check the network connection and the provider's base URL setting.",
            changed=False,
            quotes_provider=False,
        )

    def _transport_error(self, op: Operation, exc: httpx2.TransportError, not_sent: bool) -> ProviderError:
        kind = "timed out" if isinstance(exc, httpx2.TimeoutException) else "lost its connection"
        return ProviderError(
            self.config.name,
            f"the request {kind} ({type(exc).__name__}).",
            operation=op.tool_name,
            hint="Check the network or the provider's status, then try again.",
            changed=False if (not_sent or not op.is_write) else None,
            quotes_provider=False,
        )

    def _status_error(self, op: Operation, response: httpx2.Response) -> ProviderError:
        status = response.status_code
        code, message = self.config.parse_error(response)
        # Error text is provider text too (it may echo what a tester wrote, or our credentials): strip
        # what hides or reorders it, and every secret.
        code = self.redact.text(clean_text(code)) if code else code
        message = self.redact.text(clean_text(message))
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if status == 401:
            hint = self.config.credential_hint
        elif status == 403:
            hint = (
                "The credential lacks permission for this (a change needs write scope), "
                "the IP is not allowed, or API access is not enabled for the account."
            )
        elif status == 404:
            hint = "Check the ids: list the parent resource to find valid ones."
        elif status in (400, 409, 422):
            hint = "Fix the rejected argument and call again."
        elif status == 429:
            hint = "The provider's rate limit was reached; wait, then call again."
        elif status >= 500:
            hint = "The provider had an internal error; try again shortly."
        else:
            hint = ""
        if self.config.error_hint is not None and (advice := self.config.error_hint(response, code)):
            hint = advice
        logger.info("%s %s -> HTTP %s", self.config.name, op.tool_name, status)
        return ProviderError(
            self.config.name,
            message.rstrip(".") + ".",
            operation=op.tool_name,
            status=status,
            code=code,
            retry_after=retry_after,
            hint=hint,
            changed=None if (status >= 500 and op.is_write) else False,
        )

    # ------------------------------------------------------------------ paging

    async def fetch_pages(
        self,
        op: Operation,
        params: BaseModel,
        first: Page,
        max_items: int,
        on_progress: Callable[[int, int | None], Awaitable[None]] | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """Fetch whole pages after `first` while they fit in `max_items`.

        Pages are fetched concurrently (bounded) when the first page reveals them all, else in
        order. Returns the items and the state of the first page not read (None at the end), so a
        cursor can continue exactly where this stopped.
        """
        items = list(first.items)
        size = max(len(first.items), 1)
        total = min(first.total, max_items) if first.total is not None else None
        states = self.config.pagination.remaining_states(first)
        if not states:
            state = first.next_state
            while state is not None and len(items) + size <= max_items:
                reply = await self.call(op, params, page_state=state)
                assert reply.page is not None
                items.extend(reply.page.items)
                state = reply.page.next_state
                if on_progress is not None:
                    await on_progress(len(items), total)
            return items, state
        fits = max(0, (max_items - len(items)) // size)
        wanted, rest = states[:fits], states[fits:]
        results: dict[int, list[dict[str, Any]]] = {}

        async def one(index: int, state: dict[str, Any]) -> None:
            async with self.fetch_slots:
                reply = await self.call(op, params, page_state=state)
            results[index] = list(reply.data)
            if on_progress is not None:
                await on_progress(len(items) + sum(len(r) for r in results.values()), total)

        async with anyio.create_task_group() as group:
            for index, state in enumerate(wanted):
                group.start_soon(one, index, state)
        for index in range(len(wanted)):
            items.extend(results[index])
        return items, rest[0] if rest else None
