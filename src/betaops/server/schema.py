"""Compact JSON Schemas: the tool list is read by a model on every turn, so every byte counts.

Pydantic's schemas repeat a `title` on every property, spell optional values as
`anyOf: [X, {type: null}]` and write `default: null`. None of that changes what validates, so it
is removed or folded (`type: [X, "null"]`); `$ref`s and descriptions stay.

A schema may carry long reference lists under `DESCRIBE_ONLY` (e.g. every field name a sparse
fieldset accepts): `compact` keeps them for `betaops_describe_operation`; `minimal`, used for the
listed tools, leaves them out. Validation does not depend on them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_NULL = {"type": "null"}
DESCRIBE_ONLY = "x-allowed"


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
    if not isinstance(kind, str) or "const" in other:
        return schema
    folded = {k: v for k, v in schema.items() if k != "anyOf"}
    folded.update(other)
    folded["type"] = [kind, "null"]
    if isinstance(other.get("enum"), list):
        folded["enum"] = [*other["enum"], None]
    return folded


def _refs(schema: Any, counts: dict[str, int]) -> None:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            counts[ref[8:]] = counts.get(ref[8:], 0) + 1
        for value in schema.values():
            _refs(value, counts)
    elif isinstance(schema, list):
        for value in schema:
            _refs(value, counts)


def _inline(schema: Any, defs: dict[str, Any], once: set[str]) -> Any:
    if isinstance(schema, list):
        return [_inline(v, defs, once) for v in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref[8:] in once and ref.startswith("#/$defs/"):
        merged = {**_inline(defs[ref[8:]], defs, once), **{k: v for k, v in schema.items() if k != "$ref"}}
        return _fold_nullable(merged)
    return _fold_nullable({k: _inline(v, defs, once) for k, v in schema.items()})


def minimal(schema: dict[str, Any]) -> dict[str, Any]:
    """`compact` without `DESCRIBE_ONLY` lists and with optional fields not nullable, then definitions
    used once inlined where used (a $ref costs more)."""
    out: dict[str, Any] = _optional_not_null(_without(compact(schema), DESCRIBE_ONLY))
    defs = out.get("$defs")
    if not isinstance(defs, dict):
        return out
    counts: dict[str, int] = {}
    _refs(out, counts)
    once = {name for name in defs if counts.get(name, 0) == 1 and not _self_referencing(name, defs[name])}
    rest = {k: v for k, v in defs.items() if k not in once}
    body = _inline({k: v for k, v in out.items() if k != "$defs"}, defs, once)
    if rest:
        body["$defs"] = {k: _inline(v, defs, once) for k, v in rest.items()}
    return dict(body)


def input_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A listed tool's input schema: `minimal`, without `additionalProperties` and the string and
    array constraints (`pattern`, `minLength`, `maxLength`, `minItems`, `maxItems`), all of which the
    input model still enforces with an error naming the field (a misspelt argument: "bogus: Extra
    inputs are not permitted").

    An id's pattern, a token's 2,000 characters, a filter's 100 values or `additionalProperties:
    false` tell a model nothing it would get wrong, and repeated on every tool they cost about 19 KB
    of `--toolsets all`; `betaops_describe_operation` shows them. Types, enums, required names,
    defaults and numeric bounds stay.
    """
    out: dict[str, Any] = _loose(minimal(schema))
    return out


_ENFORCED = frozenset({"additionalProperties", "pattern", "minLength", "maxLength", "minItems", "maxItems"})


def _walk(schema: Any, node: Callable[[dict[str, Any]], dict[str, Any]]) -> Any:
    """`schema` rebuilt bottom-up, `node` applied to every object in it. The maps under `properties`
    and `$defs` are walked but not given to `node`: their keys are names, not keywords."""
    if isinstance(schema, list):
        return [_walk(item, node) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "$defs") and isinstance(value, dict):
            out[key] = {name: _walk(item, node) for name, item in value.items()}
        else:
            out[key] = _walk(value, node)
    return node(out)


def _loose(schema: Any) -> Any:
    return _walk(schema, lambda node: {k: v for k, v in node.items() if k not in _ENFORCED})


def _optional_not_null(schema: Any) -> Any:
    """Optional properties without `null` in their type or enum.

    Leaving an optional field out and sending null mean the same to every betaops model (the
    default is None), so the listed schema says only the first, shorter way; null is still
    accepted, and `compact` (what `betaops_describe_operation` shows) keeps it.
    """

    def node(out: dict[str, Any]) -> dict[str, Any]:
        if isinstance(out.get("properties"), dict):
            required = set(out.get("required", ()))
            out["properties"] = {k: v if k in required else _without_null(v) for k, v in out["properties"].items()}
        return out

    return _walk(schema, node)


def _without_null(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    options = schema.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and _NULL in options:  # e.g. a nullable $ref
        other = options[0] if options[1] == _NULL else options[1]
        return {**{k: v for k, v in schema.items() if k != "anyOf"}, **other}
    out = dict(schema)
    kind = out.get("type")
    if isinstance(kind, list) and "null" in kind and len(kind) == 2:
        out["type"] = next(k for k in kind if k != "null")
    if isinstance(out.get("enum"), list) and None in out["enum"] and len(out["enum"]) > 1:
        out["enum"] = [e for e in out["enum"] if e is not None]
    return out


def outline(schema: Any, *, top: bool = True) -> Any:
    """An output schema cut to what every answer has: `required` names, `$ref`s and the properties
    (nested objects and arrays of objects) that carry one of those; types go, but for the top's `object`.

    A model reads an answer by its field names and values, which the answer itself shows (a write's
    `status` comes with a message saying what it means); the types, enums and names of 200 tools'
    leaves cost a third of `--toolsets all`. Looser than the output model, so every answer still
    validates against it.
    """
    if isinstance(schema, list):
        return [outline(item, top=False) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key in ("$ref", "required"):
        if key in schema:
            out[key] = schema[key]
    # `properties` and `items` constrain only objects and arrays: without a type, null still passes.
    # A property that checks nothing (`{}`) is left out: the answer shows its name where it is read.
    if isinstance(schema.get("properties"), dict) and (
        shaped_props := {k: o for k, v in schema["properties"].items() if (o := outline(v, top=False))}
    ):
        out["properties"] = shaped_props
    items = schema.get("items")
    if isinstance(items, dict) and ("properties" in items or "$ref" in items):
        out["items"] = outline(items, top=False)
    for key in ("anyOf", "oneOf"):
        if key in schema and (shaped := [o for o in outline(schema[key], top=False) if o]):
            out[key] = shaped
    if isinstance(schema.get("$defs"), dict):
        out["$defs"] = {k: outline(v, top=False) for k, v in schema["$defs"].items()}
    if top:
        out["type"] = "object"
    return out


def _without(schema: Any, keyword: str) -> Any:
    if isinstance(schema, list):
        return [_without(item, keyword) for item in schema]
    if not isinstance(schema, dict):
        return schema
    return {k: _without(v, keyword) for k, v in schema.items() if k != keyword}


def _self_referencing(name: str, schema: Any) -> bool:
    counts: dict[str, int] = {}
    _refs(schema, counts)
    return name in counts


def output_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A listed tool's output schema, as small as what it still checks.

    `minimal`, then without what validates nothing: `default`s, `additionalProperties: true`, empty
    `properties` and descriptions (a result's keys explain themselves where the model reads them).
    A list's `items` are any array: an item's fields are the operation's resource (its `fields`
    argument names the optional ones), and spelling them per list tool cost a fifth of
    `--toolsets all`; the answer shows them where the model reads it.
    """
    lean: dict[str, Any] = _lean(minimal(schema))
    rows = lean.get("properties", {}).get("items")
    if isinstance(rows, dict) and "items" in rows:
        lean["properties"]["items"] = {"type": "array"}
        if "$defs" in lean:
            counts: dict[str, int] = {}
            _refs(lean, counts)
            lean["$defs"] = {k: v for k, v in lean["$defs"].items() if counts.get(k)}
            if not lean["$defs"]:
                del lean["$defs"]
    return lean


def _lean(schema: Any, *, names: bool = False) -> Any:
    if isinstance(schema, list):
        return [_lean(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    if names:  # a `properties` mapping: its keys are field names, not keywords
        return {k: _lean(v) for k, v in schema.items()}
    return {k: _lean(v, names=k == "properties") for k, v in schema.items() if not _noop(k, v)}


def _noop(key: str, value: Any) -> bool:
    if key == "additionalProperties":
        return value is True
    return key in ("default", "description") or (key == "properties" and value == {})
