"""Strict about success, lenient about shape: a provider answer that does not fit our model.

A 2xx answer is a success whatever its body looks like. When the body does not fit the result
model (many are reconstructed from guides that give no bodies), it is returned as received,
bounded, with a note, instead of turning the provider's success into our error.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

RAW_LIMIT = 4_000  # characters of JSON kept from an answer of unexpected shape
UNEXPECTED = "The provider's answer had an unexpected shape; it is attached as received."


def _bounded(data: Any) -> Any:
    text = json.dumps(data, ensure_ascii=False, default=str)
    return data if len(text) <= RAW_LIMIT else {"truncated_answer": text[:RAW_LIMIT] + "…"}


def fit(model: type[BaseModel], data: Any, *, many: bool = False) -> tuple[Any, str | None]:
    """`data` validated by `model` (item by item when `many`), or as received with a note."""
    if many:
        if not isinstance(data, list):
            return _bounded(data), UNEXPECTED
        items: list[Any] = []
        odd = False
        for item in data:
            fitted, note = fit(model, item)
            odd = odd or note is not None
            items.append(fitted)
        return items, UNEXPECTED if odd else None
    try:
        return model.model_validate(data).model_dump(mode="json"), None
    except ValidationError:
        return _bounded(data), UNEXPECTED
