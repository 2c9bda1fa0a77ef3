"""How provider text and changes are written into a preview a human approves.

Provider text (issue titles, tester names, messages) is data: in a preview it is always quoted and
escaped on one line, so a newline, a quote or an invisible character cannot draw a line of its own
that looks like betaops speaking. Nothing is cut silently: lists give their exact count and every
item, and text that reaches other people is shown whole.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from typing import Any

# Characters shown as \\uXXXX escapes even though json.dumps would pass them through: line and
# paragraph separators, and everything invisible (format, unassigned, private-use, blank-looking).
_BLANK_LOOKING = {"\u3164", "\u2800", "\u115f", "\u1160", "\uffa0", "\u00ad"}


def _visible(ch: str) -> bool:
    if ch in _BLANK_LOOKING or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF:
        return False  # blank-looking letters, variation selectors
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return False  # controls, format (bidi, zero-width, tags), surrogates, private, unassigned
    return category != "Zs" or ch == " "


def _escape(ch: str) -> str:
    return f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}"


def quoted(value: Any) -> str:
    """A provider value as one escaped, double-quoted line: "it's \\"fine\\"\\nreally"."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    body = json.dumps(text, ensure_ascii=False)[1:-1]
    return '"' + "".join(ch if _visible(ch) else _escape(ch) for ch in body) + '"'


def value(value: Any) -> str:
    """A field value in a preview: numbers and booleans bare, everything else quoted."""
    if value is None:
        return "(none)"
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return quoted(value)


def count(n: int, noun: str) -> str:
    """'1 email', '3 emails', '1 entry': `noun` is given in the plural."""
    if n != 1:
        return f"{n} {noun}"
    return f"1 {noun[:-3]}y" if noun.endswith("ies") else f"1 {noun.removesuffix('s')}"


def every(items: Iterable[Any], noun: str) -> str:
    """An exact count and every item, quoted: '3 emails: "a@x", "b@x", "c@x"' (noun in the plural)."""
    shown = [quoted(i) for i in items]
    if not shown:
        return count(0, noun)
    return f"{count(len(shown), noun)}: {', '.join(shown)}"


def change(field: str, before: Any, after: Any) -> str:
    """One changed field as 'field: before → after'."""
    return f"{field}: {value(before)} → {value(after)}"
