"""Compact JSON Schemas: the tool list is read by a model on every turn, so every byte counts.

Pydantic's schemas repeat a `title` on every property, spell optional values as
`anyOf: [X, {type: null}]` and write `default: null`. None of that changes what validates, so it
is removed or folded (`type: [X, "null"]`); `$ref`s and descriptions stay.
"""

from __future__ import annotations

from typing import Any

_NULL = {"type": "null"}


def compact(schema: Any, *, in_properties: bool = False) -> Any:
    """Return `schema` without titles and null defaults, with simple nullable unions folded."""
    if isinstance(schema, list):
        return [compact(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if in_properties:  # keys are property names here, not keywords
            out[key] = compact(value)
        elif (key == "title" and isinstance(value, str)) or (key == "default" and value is None):
            continue
        elif key in ("properties", "$defs", "patternProperties"):
            out[key] = compact(value, in_properties=True)
        else:
            out[key] = compact(value)
    return _fold_nullable(out)


def _fold_nullable(schema: dict[str, Any]) -> dict[str, Any]:
    options = schema.get("anyOf")
    if not isinstance(options, list) or len(options) != 2 or _NULL not in options:
        return schema
    other = options[0] if options[1] == _NULL else options[1]
    kind = other.get("type") if isinstance(other, dict) else None
    if not isinstance(kind, str) or "enum" in other or "const" in other:
        return schema
    folded = {k: v for k, v in schema.items() if k != "anyOf"}
    folded.update(other)
    folded["type"] = [kind, "null"]
    return folded
