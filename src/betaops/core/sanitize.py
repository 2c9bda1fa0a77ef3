"""Provider text is untrusted: strip characters that hide or reorder what a human reads.

Tester-written text (issue bodies, names, messages) reaches the model as data. Zero-width,
bidirectional-override and other invisible format characters can smuggle instructions past a
human reviewer, so they are removed from every string before it leaves the client layer.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

# C0/C1 controls except tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# Invisible characters that are not Cf: variation selectors (which can carry hidden bytes), line and
# paragraph separators, and letters or symbols that render blank (Hangul fillers, the braille blank).
_HIDDEN = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\u2028\u2029\u115f\u1160\u3164\uffa0\u2800]")


def clean_text(text: str) -> str:
    text = _CONTROL.sub("", text)
    if text.isascii():  # no format character is ASCII: skip the per-character look-up (most text)
        return text
    # Cf = format characters: zero-width spaces/joiners, bidi embeddings/overrides/isolates, BOM, tags.
    return _HIDDEN.sub("", "".join(ch for ch in text if unicodedata.category(ch) != "Cf"))


def clean(value: Any) -> Any:
    """Return `value` (parsed JSON) with every string cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean(v) for k, v in value.items()}
    return value


# A character `clean` removes reaches JSON text either raw (a control byte or any non-ASCII byte) or
# escaped (\uXXXX, \b, \f). Bytes with neither hold nothing to remove, so their values skip the walk.
_MAY_HIDE = re.compile(rb"[^\x20-\x7e\t\n\r]|\\[ubf]")


def clean_json(content: bytes) -> Any:
    """Parse a JSON body and clean every string in it (cheaply, when the bytes show there is nothing to clean)."""
    data = json.loads(content)
    return clean(data) if _MAY_HIDE.search(content) else data
