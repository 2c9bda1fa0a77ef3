"""Pagination strategies and the opaque cursor a list tool hands back to the assistant.

A cursor is base64 JSON bound to one tool and one set of filter arguments: a cursor from another
tool, or from the same tool with other filters, is refused rather than silently mixing results.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from betaops.core.errors import ProviderError


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    state: dict[str, Any]  # what was requested, e.g. {"page": 2, "per_page": 25}
    next_state: dict[str, Any] | None
    total: int | None = None
    last_page: int | None = None


class PageNumberPagination:
    """`page` (1-based) and `per_page` query parameters; `meta.current_page/last_page/total` back."""

    def __init__(self, page_param: str = "page", size_param: str = "per_page", max_size: int = 100) -> None:
        self.page_param = page_param
        self.size_param = size_param
        self.max_size = max_size

    def first(self, page_size: int) -> dict[str, Any]:
        return {"page": 1, "per_page": min(page_size, self.max_size)}

    def query(self, state: dict[str, Any]) -> dict[str, str]:
        return {self.page_param: str(state["page"]), self.size_param: str(state["per_page"])}

    def parse(self, body: Any, state: dict[str, Any]) -> Page:
        items = body.get("data") if isinstance(body, dict) else None
        meta = body.get("meta") if isinstance(body, dict) else None
        if not isinstance(items, list) or not isinstance(meta, dict):
            raise ValueError("a page needs a 'data' list and a 'meta' object")
        current = int(meta.get("current_page", state["page"]))
        last = int(meta.get("last_page", current))
        nxt = {"page": current + 1, "per_page": state["per_page"]} if current < last else None
        total = meta.get("total")
        return Page(items, state, nxt, int(total) if total is not None else None, last)

    def remaining_states(self, first: Page) -> list[dict[str, Any]]:
        """Every later page's state, known once the first page reveals `last_page`."""
        if first.last_page is None or first.next_state is None:
            return []
        size = first.state["per_page"]
        return [{"page": n, "per_page": size} for n in range(first.state["page"] + 1, first.last_page + 1)]


def _digest(tool: str, args: dict[str, Any]) -> str:
    canon = json.dumps([tool, args], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:16]


def encode_cursor(tool: str, args: dict[str, Any], state: dict[str, Any]) -> str:
    raw = json.dumps({"t": tool, "a": _digest(tool, args), "s": state}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(provider: str, tool: str, args: dict[str, Any], cursor: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        state = data["s"]
        ok = data["t"] == tool and data["a"] == _digest(tool, args) and isinstance(state, dict)
    except (binascii.Error, ValueError, KeyError, TypeError):
        ok, state = False, {}
    if not ok:
        raise ProviderError(
            provider,
            "the cursor is not valid for this tool with these filters.",
            operation=tool,
            hint="Pass the cursor exactly as returned, with the same filter arguments, or omit it to start over.",
        )
    return dict(state)
