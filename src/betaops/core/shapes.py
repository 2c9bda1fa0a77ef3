"""Strict about success, lenient about shape: a provider's answer that does not fit our model.

Many response bodies are reconstructions (BetaTesting's Swagger is private, Betasend documents
only part of its API), so a real account can answer a successful call with a shape we did not
expect. `fit` validates what it can and hands back the rest as received, bounded, with a note,
so a write that happened is never reported as a failure and a read returns what it can.

The data given here has already passed the client layer (cleaned and scrubbed of secrets).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

MAX_RAW_CHARS = 4_000
RAW_LIMIT = MAX_RAW_CHARS  # characters of JSON kept from an answer of unexpected shape
UNEXPECTED = "The provider's answer had an unexpected shape; it is attached as received."
PARTLY = "Some items of the provider's answer had an unexpected shape; they are attached as received."
EMPTY = "The provider answered with an empty body: nothing was found or reported."
CUT = "...[cut]"


def _jsonable(data: Any) -> Any:
    """`data` as JSON values (anything else becomes its string)."""
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def _size(value: Any) -> int:
    return len(json.dumps(value))


def bounded(data: Any, limit: int = MAX_RAW_CHARS) -> Any:
    """`data` as JSON values, at most about `limit` characters of JSON.

    Small data comes back unchanged (as JSON values). Larger data keeps its leading list items or
    object members that fit, the first one that does not fit is itself cut to the room left, and
    a long string is cut, so what is attached stays readable JSON.
    """
    value = _jsonable(data)
    if _size(value) <= limit:
        return value
    if isinstance(value, str):
        return value[: max(0, limit - len(CUT) - 2)] + CUT
    if isinstance(value, list):
        kept: list[Any] = []
        used = 2 + 30  # the brackets and the closing note
        for item in value:
            size = _size(item) + 2
            if used + size > limit:
                if limit - used > 200:
                    kept.append(bounded(item, limit - used))
                break
            kept.append(item)
            used += size
        if len(kept) < len(value) or _size(kept) > limit:
            kept.append(f"{CUT} {len(value) - len(kept)} more items")
        return kept
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        used = 2 + 40
        for key, item in value.items():
            size = _size({key: item})
            if used + size > limit:
                room = limit - used - _size(key) - 4
                if room > 200:  # a long member: its start is still worth showing
                    out[key] = bounded(item, room)
                out["..."] = f"cut to about {limit} characters"
                break
            out[key] = item
            used += size
        return out
    return value


def _is_empty(data: Any) -> bool:
    return data is None or data == "" or (isinstance(data, (list, dict)) and not data)


def _one(model: type[BaseModel], data: Any) -> tuple[Any, bool]:
    """(validated JSON, True) or (the data as received, False)."""
    try:
        return model.model_validate(data).model_dump(mode="json"), True
    except (ValidationError, ValueError, TypeError):
        return data, False


def fit(model: type[BaseModel], data: Any, *, many: bool = False) -> tuple[Any, str | None]:
    """`data` validated by `model` where it fits, else as received (bounded), plus a note or None.

    - one item: the validated item, or the raw data bounded to ~4,000 characters of JSON with
      `UNEXPECTED`; an empty answer (None, "", [] or {} that does not validate) gives None and `EMPTY`;
    - `many`: item by item, valid items validated and others as received (`PARTLY`); an empty
      answer is an empty list; each odd item is bounded; a body that is not a list at all comes
      back bounded with `UNEXPECTED`.

    Never raises for a shape: the caller reports success or a partial read, not a crash.
    """
    if many:
        if data is None:
            return [], None
        if not isinstance(data, list):
            return bounded(data), UNEXPECTED
        out: list[Any] = []
        odd = 0
        for item in data:
            value, ok = _one(model, item)
            out.append(value if ok else bounded(item))
            odd += not ok
        if not odd:
            return out, None
        return out, UNEXPECTED if odd == len(out) else PARTLY
    value, ok = _one(model, data)
    if ok:
        return value, None
    if _is_empty(data):
        return None, EMPTY
    return bounded(data), UNEXPECTED
