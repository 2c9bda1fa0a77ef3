"""Betasend's wire records made regular: `_` for `-` in keys, one ISO form for its two date formats.

Its own module (no pydantic) because list pages are normalised by the provider's pagination,
which a start imports, while the models (`models.py`) load only when a call needs them.
"""

from __future__ import annotations

import re
from typing import Any

_YMD = re.compile(r"^(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(-?\d{1,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
FIRST_REAL_YEAR = 1971  # anything earlier is a zero/empty date rendered by the provider's PHP


def normalise_date(value: Any) -> Any:
    """Either Betasend date format -> `yyyy-mm-ddThh:mm:ss`; a "never" sentinel -> None."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    for pattern, order in ((_YMD, "ymd"), (_DMY, "dmy")):
        match = pattern.match(text)
        if match is None:
            continue
        a, b, c, hh, mm, ss = match.groups()
        year, month, day = (int(a), int(b), int(c)) if order == "ymd" else (int(c), int(b), int(a))
        if year < FIRST_REAL_YEAR:
            return None
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return value
        return f"{year:04d}-{month:02d}-{day:02d}T{int(hh or 0):02d}:{int(mm or 0):02d}:{int(ss or 0):02d}"
    return value


def is_date_key(key: str) -> bool:
    return "date" in key


def normalise_record(data: Any) -> Any:
    """One wire record: hyphenated keys -> underscores, date fields -> ISO or None."""
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        out[name] = normalise_date(value) if is_date_key(name) else value
    return out
