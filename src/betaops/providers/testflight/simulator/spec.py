"""Apple's OpenAPI subset, read once: the operations, their parameters and the resource schemas.

The simulator's generic JSON:API layer is driven from here (which query parameters an operation
takes, their enums and maxima, which relationships a resource type has and in what shape), so the
simulator accepts exactly what the spec declares and no hand-written table can drift from it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"
OPENAPI_FILE = SPEC_DIR / "openapi-testflight-subset.json"

_METHODS = ("get", "post", "patch", "delete")


@dataclass(frozen=True)
class Param:
    name: str
    required: bool
    is_array: bool
    enum: tuple[str, ...] | None
    maximum: int | None
    is_integer: bool


@dataclass(frozen=True)
class RelShape:
    """One relationship of a resource schema: its target type, cardinality and which keys it has."""

    name: str
    target: str | None
    to_many: bool
    has_links: bool
    has_data: bool
    has_meta: bool


@dataclass(frozen=True)
class Op:
    method: str
    path: str
    operation_id: str
    params: dict[str, Param]
    statuses: tuple[str, ...]
    success_status: int
    success_schema: str | None
    request_schema: str | None
    regex: re.Pattern[str] = field(compare=False)

    @property
    def is_collection(self) -> bool:
        """Pages with `limit` (and so accepts `cursor`)."""
        return self.method == "GET" and "limit" in self.params


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


@cache
def openapi() -> dict[str, Any]:
    text = OPENAPI_FILE.read_text(encoding="utf-8")
    return dict(json.loads(text))


def schemas() -> dict[str, Any]:
    return dict(openapi()["components"]["schemas"])


def path_regex(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$")


def _param(raw: dict[str, Any]) -> Param:
    schema = raw.get("schema", {})
    is_array = schema.get("type") == "array"
    enum_src = schema.get("items", {}) if is_array else schema
    enum = tuple(enum_src["enum"]) if "enum" in enum_src else None
    return Param(
        name=raw["name"],
        required=bool(raw.get("required", False)),
        is_array=is_array,
        enum=enum,
        maximum=schema.get("maximum"),
        is_integer=schema.get("type") == "integer",
    )


@cache
def operations() -> tuple[Op, ...]:
    out: list[Op] = []
    for path, item in openapi()["paths"].items():
        for method in _METHODS:
            raw = item.get(method)
            if raw is None:
                continue
            params = {p["name"]: _param(p) for p in raw.get("parameters", []) if p.get("in") == "query"}
            statuses = tuple(raw["responses"])
            success = next(s for s in statuses if s.startswith("2"))
            content = raw["responses"][success].get("content", {}).get("application/json", {})
            body = raw.get("requestBody", {}).get("content", {}).get("application/json", {})
            out.append(
                Op(
                    method=method.upper(),
                    path=path,
                    operation_id=raw["operationId"],
                    params=params,
                    statuses=statuses,
                    success_status=int(success),
                    success_schema=_ref_name(content.get("schema", {})),
                    request_schema=_ref_name(body.get("schema", {})),
                    regex=path_regex(path),
                )
            )
    return tuple(out)


@cache
def _by_route() -> dict[tuple[str, str], Op]:
    return {(op.method, op.path): op for op in operations()}


def operation(method: str, path: str) -> Op:
    """The operation a route serves, by its method and spec path (`/v1/builds/{id}`)."""
    return _by_route()[(method, path)]


def methods_at(path: str) -> list[str]:
    """The methods the spec declares for a request path (`/v1/builds/abc`), sorted."""
    return sorted(op.method for op in operations() if op.regex.match(path))


@cache
def type_schemas() -> dict[str, str]:
    """Resource type (`builds`) -> schema name (`Build`), for every resource schema in the subset."""
    out: dict[str, str] = {}
    for name, schema in schemas().items():
        type_prop = schema.get("properties", {}).get("type", {})
        props = schema.get("properties", {})
        if (
            "enum" in type_prop
            and "id" in props
            and ("attributes" in props or "relationships" in props or "links" in props)
        ):
            out.setdefault(type_prop["enum"][0], name)
    return out


@cache
def attribute_names(rtype: str) -> tuple[str, ...]:
    schema = schemas()[type_schemas()[rtype]]
    return tuple(schema.get("properties", {}).get("attributes", {}).get("properties", {}))


@cache
def relationship_shapes(rtype: str) -> dict[str, RelShape]:
    schema = schemas()[type_schemas()[rtype]]
    rels = schema.get("properties", {}).get("relationships", {}).get("properties", {})
    out: dict[str, RelShape] = {}
    for name, rel in rels.items():
        props = rel.get("properties", {})
        data = props.get("data", {})
        to_many = data.get("type") == "array" or "meta" in props
        item = data.get("items", {}) if data.get("type") == "array" else data
        target_enum = item.get("properties", {}).get("type", {}).get("enum")
        out[name] = RelShape(
            name=name,
            target=target_enum[0] if target_enum else None,
            to_many=to_many,
            has_links="links" in props,
            has_data="data" in props,
            has_meta="meta" in props,
        )
    return out
