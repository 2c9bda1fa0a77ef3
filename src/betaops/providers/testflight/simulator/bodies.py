"""Request bodies checked against the spec's request schemas, as Apple's gateway checks them.

OpenAPI 3.0 schemas are turned into JSON Schema (`nullable` -> a `null` type, objects closed so a
misspelled `attributes` key is caught) and validated with `jsonschema`. The first violation is
answered the way NOTES §3.4 describes: JSON of the wrong shape -> 422 `ENTITY_UNPROCESSABLE`; a
value of the wrong type or outside an enum -> 409 `ENTITY_ERROR.ATTRIBUTE.INVALID`; not JSON at
all -> 400 `ENTITY_INVALID`.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from betaops.providers.testflight.simulator import spec
from betaops.providers.testflight.simulator.errors import ApiError, conflict, entity_invalid, unprocessable

_DROP = frozenset({"discriminator", "example", "examples", "deprecated", "xml", "externalDocs", "title", "description"})


def to_json_schema(node: Any, *, closed: bool) -> Any:
    """OpenAPI 3.0 schema object -> JSON Schema 2020-12 (refs kept, pointing into `components`)."""
    if isinstance(node, list):
        return [to_json_schema(n, closed=closed) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROP or key == "nullable":
            continue
        if key == "properties":
            out[key] = {name: to_json_schema(sub, closed=closed) for name, sub in value.items()}
        else:
            out[key] = to_json_schema(value, closed=closed)
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if closed and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    components = {name: to_json_schema(s, closed=True) for name, s in spec.schemas().items()}
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": {"schemas": components}}
    return Draft202012Validator(root)


def parse_body(raw: bytes, schema_name: str) -> dict[str, Any]:
    """The JSON body, checked against `schema_name`; raises ApiError on the first problem."""
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        raise entity_invalid("The request entity is not valid JSON.") from None
    if not isinstance(body, dict):
        raise entity_invalid("The request entity must be a JSON object with a top-level 'data' member.")
    errors = sorted(_validator(schema_name).iter_errors(body), key=lambda e: (len(e.absolute_path), str(e.message)))
    if errors:
        raise _as_api_error(errors[0])
    return body


def _pointer(err: ValidationError) -> str:
    return "/" + "/".join(str(p) for p in err.absolute_path)


def _as_api_error(err: ValidationError) -> ApiError:
    pointer = _pointer(err)
    if err.validator == "additionalProperties":
        declared = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
        extra = sorted(set(err.instance) - set(declared)) if isinstance(err.instance, dict) else []
        name = extra[0] if extra else "?"
        where = pointer.rstrip("/")
        return unprocessable(f"The entity has an unexpected member '{name}' at '{where or '/'}'.", f"{where}/{name}")
    if err.validator == "required":
        return unprocessable(f"A required member is missing at '{pointer}': {err.message}.", pointer)
    if "attributes" in err.absolute_path and err.validator in ("type", "enum", "format", "maximum", "minimum"):
        return conflict(
            "ENTITY_ERROR.ATTRIBUTE.INVALID", f"The value at '{pointer}' is invalid: {err.message}.", pointer
        )
    if err.validator == "enum" and list(err.absolute_path)[-1:] == ["type"]:
        return conflict("ENTITY_ERROR.RELATIONSHIP.INVALID" if "relationships" in err.absolute_path else "ENTITY_ERROR.TYPE.INVALID",
                        f"The type at '{pointer}' is invalid: {err.message}.", pointer)  # fmt: skip
    return unprocessable(f"The entity at '{pointer}' is not processable: {err.message}.", pointer)
