"""Pagination strategies and the opaque cursor a list tool hands back to the assistant.

A cursor is base64 JSON bound to one tool and one set of filter arguments: a cursor from another
tool, or from the same tool with other filters, is refused rather than silently mixing results.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Protocol

from betaops.core.errors import ProviderError


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    state: dict[str, Any]  # what was requested, e.g. {"page": 2, "per_page": 25}
    next_state: dict[str, Any] | None
    total: int | None = None
    last_page: int | None = None


class Pagination(Protocol):
    """How one provider pages: what to send for a page, and what the answer says about the next."""

    max_size: int

    def first(self, page_size: int) -> dict[str, Any]:
        """The state of the first page for this page size (clamped to the provider's maximum)."""
        ...

    def params(self, state: dict[str, Any]) -> dict[str, str]:
        """Parameters that ask for the page `state` describes (query string, or body for POST APIs)."""
        ...

    def url(self, state: dict[str, Any]) -> str | None:
        """A URL the provider handed back to follow verbatim (e.g. `links.next`), if any."""
        ...

    def parse(self, body: Any, state: dict[str, Any]) -> Page: ...

    def remaining_states(self, first: Page) -> list[dict[str, Any]]:
        """Every later page's state when the first page reveals them all (then they are fetched
        concurrently); empty when each page only names the next (then they are walked in order)."""
        ...


def _items(body: Any, key: str | None) -> list[dict[str, Any]]:
    """The page's items: `body[key]`, or the body itself when the provider answers with a bare list."""
    items = body if key is None else body.get(key) if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"a page needs a {key or 'top-level'!r} list")
    return items


class PageNumberPagination:
    """`page` (1-based) and `per_page` query parameters; `meta.current_page/last_page/total` back."""

    def __init__(self, page_param: str = "page", size_param: str = "per_page", max_size: int = 100) -> None:
        self.page_param = page_param
        self.size_param = size_param
        self.max_size = max_size

    def first(self, page_size: int) -> dict[str, Any]:
        return {"page": 1, "per_page": min(page_size, self.max_size)}

    def params(self, state: dict[str, Any]) -> dict[str, str]:
        return {self.page_param: str(state["page"]), self.size_param: str(state["per_page"])}

    def url(self, state: dict[str, Any]) -> str | None:
        return None

    def parse(self, body: Any, state: dict[str, Any]) -> Page:
        items = _items(body, "data")
        meta = body.get("meta")
        if not isinstance(meta, dict):
            raise ValueError("a page needs a 'meta' object")
        current = int(meta.get("current_page", state["page"]))
        last = int(meta.get("last_page", current))
        nxt = {"page": current + 1, "per_page": state["per_page"]} if current < last else None
        total = meta.get("total")
        return Page(items, state, nxt, int(total) if total is not None else None, last)

    def remaining_states(self, first: Page) -> list[dict[str, Any]]:
        if first.last_page is None or first.next_state is None:
            return []
        size = first.state["per_page"]
        return [{"page": n, "per_page": size} for n in range(first.state["page"] + 1, first.last_page + 1)]


class NextLinkPagination:
    """JSON:API style: `limit` on the first request, then follow `links.next` exactly as given.

    The next link is only followed when it points under the provider's base URL (checked by the
    client), so a forged cursor cannot send our credentials elsewhere.
    """

    def __init__(self, size_param: str = "limit", max_size: int = 200, items_key: str = "data") -> None:
        self.size_param = size_param
        self.max_size = max_size
        self.items_key = items_key

    def first(self, page_size: int) -> dict[str, Any]:
        return {"limit": min(page_size, self.max_size)}

    def params(self, state: dict[str, Any]) -> dict[str, str]:
        return {} if state.get("url") else {self.size_param: str(state["limit"])}

    def url(self, state: dict[str, Any]) -> str | None:
        url = state.get("url")
        return str(url) if url else None

    def parse(self, body: Any, state: dict[str, Any]) -> Page:
        items = _items(body, self.items_key)
        links = body.get("links") if isinstance(body.get("links"), dict) else {}
        paging = (body.get("meta") or {}).get("paging") or {} if isinstance(body.get("meta"), dict) else {}
        nxt = links.get("next")
        total = paging.get("total") if isinstance(paging, dict) else None
        next_state = {"limit": state["limit"], "url": nxt} if isinstance(nxt, str) and nxt else None
        return Page(items, state, next_state, int(total) if isinstance(total, int) else None)

    def remaining_states(self, first: Page) -> list[dict[str, Any]]:
        return []


class NextTokenPagination:
    """`maxResults` plus an opaque `nextToken` from the previous answer (Amazon style)."""

    def __init__(
        self,
        items_key: str,
        token_param: str = "nextToken",
        size_param: str = "maxResults",
        max_size: int = 500,
        token_key: str = "nextToken",
    ) -> None:
        self.items_key = items_key
        self.token_param = token_param
        self.size_param = size_param
        self.max_size = max_size
        self.token_key = token_key

    def first(self, page_size: int) -> dict[str, Any]:
        return {"size": min(page_size, self.max_size)}

    def params(self, state: dict[str, Any]) -> dict[str, str]:
        out = {self.size_param: str(state["size"])}
        if state.get("token"):
            out[self.token_param] = str(state["token"])
        return out

    def url(self, state: dict[str, Any]) -> str | None:
        return None

    def parse(self, body: Any, state: dict[str, Any]) -> Page:
        items = _items(body, self.items_key)
        token = body.get(self.token_key)
        next_state = {"size": state["size"], "token": token} if isinstance(token, str) and token else None
        return Page(items, state, next_state)

    def remaining_states(self, first: Page) -> list[dict[str, Any]]:
        return []


class OffsetPagination:
    """`start` / `limit` offsets; a short page means the end (no total is given).

    `origin` is the offset of the first item (0, or 1 for providers that count from one).
    """

    def __init__(
        self,
        items_key: str | None,
        start_param: str = "start",
        size_param: str = "limit",
        max_size: int = 100,
        origin: int = 0,
    ) -> None:
        self.items_key = items_key
        self.start_param = start_param
        self.size_param = size_param
        self.max_size = max_size
        self.origin = origin

    def first(self, page_size: int) -> dict[str, Any]:
        return {"start": self.origin, "limit": min(page_size, self.max_size)}

    def params(self, state: dict[str, Any]) -> dict[str, str]:
        return {self.start_param: str(state["start"]), self.size_param: str(state["limit"])}

    def url(self, state: dict[str, Any]) -> str | None:
        return None

    def parse(self, body: Any, state: dict[str, Any]) -> Page:
        items = _items(body, self.items_key)
        full = len(items) >= state["limit"]
        next_state = {"start": state["start"] + len(items), "limit": state["limit"]} if full else None
        return Page(items, state, next_state)

    def remaining_states(self, first: Page) -> list[dict[str, Any]]:
        return []


def _digest(tool: str, args: dict[str, Any]) -> str:
    canon = json.dumps([tool, args], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:16]


def _sign(key: bytes, raw: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, raw, hashlib.sha256).digest()[:16]).decode().rstrip("=")


def encode_cursor(tool: str, args: dict[str, Any], state: dict[str, Any], key: bytes) -> str:
    """An opaque cursor, HMAC-signed: only a cursor this server made, for this tool and filters, is accepted."""
    raw = json.dumps({"t": tool, "a": _digest(tool, args), "s": state}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "." + _sign(key, raw)


def decode_cursor(provider: str, tool: str, args: dict[str, Any], cursor: str, key: bytes) -> dict[str, Any]:
    try:
        head, signature = cursor.split(".", 1)
        raw = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
        signed = hmac.compare_digest(_sign(key, raw), signature)
        data = json.loads(raw) if signed else {}
        state = data["s"]
        ok = signed and data["t"] == tool and data["a"] == _digest(tool, args) and isinstance(state, dict)
    except (binascii.Error, ValueError, KeyError, TypeError):
        ok, state = False, {}
    if not ok:
        raise ProviderError(
            provider,
            "the cursor is not valid for this tool with these filters (it must be passed exactly as returned).",
            operation=tool,
            hint="Pass the cursor exactly as returned, with the same filter arguments, or omit it to start over.",
        )
    return dict(state)
