"""Where a provider's error body says what went wrong: each provider declares its shape, one parser reads it.

The shared rules: an answer that is not JSON, or says nothing we know, is reported by its status
line; a code is kept when there is one; a list of specific errors (violations, JSON:API `errors`)
is shown one after the other, at most `max_items`, with how many more there were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2

MAX_BODY_SHOWN = 300  # characters of an error body that is not an object


def item_text(item: Any) -> tuple[str | None, str]:
    """A listed error as (its code, its text): `{"code", "message"}`, or the item as text."""
    if not isinstance(item, dict):
        return None, str(item)
    code = str(item["code"]) if item.get("code") else None
    return code, str(item.get("message") or code or item)


@dataclass(frozen=True)
class ErrorShape:
    """A provider's error body: `code` and `message` name top-level keys (None: it has none); `items`
    names a list of specific errors, each read by `item`; `read` takes a body no keys describe (e.g.
    Betasend's `{"error": {"406": ...}}`) and returns None when it is not that shape."""

    code: str | None = "error"
    message: str | None = "message"
    items: str | None = None
    item: Callable[[Any], tuple[str | None, str]] = item_text
    max_items: int = 10
    read: Callable[[Any], tuple[str | None, str] | None] | None = None

    def __call__(self, response: httpx2.Response) -> tuple[str | None, str]:
        """(the provider's error code or None, what went wrong in one sentence)."""
        status_line = response.reason_phrase or f"HTTP {response.status_code}"
        try:
            body = response.json()
        except ValueError:
            return None, status_line
        if self.read is not None and (found := self.read(body)) is not None:
            return found
        if not isinstance(body, dict):
            return None, str(body)[:MAX_BODY_SHOWN] or status_line
        code = body.get(self.code) if self.code else None
        text = str((body.get(self.message) if self.message else None) or code or "").strip()
        listed = body.get(self.items) if self.items else None
        if isinstance(listed, list) and listed:
            found_items = [self.item(x) for x in listed[: self.max_items]]
            more = len(listed) - len(found_items)
            details = "; ".join(t for _, t in found_items) + (f" (and {more} more)" if more > 0 else "")
            text = f"{text.rstrip('.')}: {details}" if text else details
            code = code or next((c for c, _ in found_items if c), None)
        return (str(code) if code else None), text or status_line
