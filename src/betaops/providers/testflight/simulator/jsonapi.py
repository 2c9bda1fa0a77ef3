"""The generic JSON:API layer: query parameters, rendering, include, filter, sort and cursor paging.

Everything here is driven by the operation's declared parameters (`spec.Op.params`) and the
resource schemas, so 98 read operations share one implementation:

- unknown `filter[x]` -> 400 `PARAMETER_ERROR.INVALID` ("'x' is not a valid filter type"), any
  other undeclared parameter -> 400 `PARAMETER_ERROR.ILLEGAL`, a value outside the declared enum
  or above the declared maximum -> 400 `PARAMETER_ERROR.INVALID`, a missing required one -> 400
  `PARAMETER_ERROR.REQUIRED`; each names the parameter in `source.parameter`;
- `cursor` is accepted on every paged collection (Apple puts it in `links.next`; the spec omits it);
- `links.next` repeats the request's own parameters (filters, sort, limit, fields, include) with
  a new opaque cursor, so following it verbatim keeps the same query.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from betaops.providers.testflight.simulator import spec
from betaops.providers.testflight.simulator.errors import ApiError, param_invalid, param_required
from betaops.providers.testflight.simulator.state import RELATIONS, Resource, TestFlightState

DEFAULT_LIMIT = 50
DEFAULT_INCLUDED_LIMIT = 10
CURSOR = "cursor"


@dataclass
class Query:
    """An operation's query parameters, checked."""

    raw: list[tuple[str, str]]
    filters: dict[str, list[str]] = field(default_factory=dict)
    exists: dict[str, bool] = field(default_factory=dict)
    fields: dict[str, set[str]] = field(default_factory=dict)
    include: list[str] = field(default_factory=list)
    sort: list[str] = field(default_factory=list)
    limit: int | None = None
    rel_limits: dict[str, int] = field(default_factory=dict)
    offset: int = 0
    other: dict[str, str] = field(default_factory=dict)


def parse_query(op: spec.Op, items: list[tuple[str, str]]) -> Query:
    q = Query(raw=items)
    seen: set[str] = set()
    for name, value in items:
        if name in seen:
            raise param_invalid(name, f"The parameter '{name}' was given more than once.")
        seen.add(name)
        if name == CURSOR and op.is_collection:
            q.offset = decode_cursor(value)
            continue
        param = op.params.get(name)
        if param is None:
            raise _unknown(name)
        values = _values(param, value)
        if name.startswith("filter["):
            q.filters[name[7:-1]] = values
        elif name.startswith("exists["):
            if value not in ("true", "false"):
                raise param_invalid(name, f"'{value}' is not a valid value for '{name}': use true or false.")
            q.exists[name[7:-1]] = value == "true"
        elif name.startswith("fields["):
            q.fields[name[7:-1]] = set(values)
        elif name == "include":
            q.include = values
        elif name == "sort":
            q.sort = values
        elif name == "limit":
            q.limit = _int(param, value)
        elif name.startswith("limit["):
            q.rel_limits[name[6:-1]] = _int(param, value)
        else:
            q.other[name] = value
    for param in op.params.values():
        if param.required and param.name not in seen:
            raise param_required(param.name)
    return q


def _unknown(name: str) -> ApiError:
    match = re.fullmatch(r"(filter|fields|limit|exists)\[(.*)\]", name)
    if match:
        kind = {
            "filter": "filter type",
            "fields": "field type",
            "limit": "relationship limit",
            "exists": "exists filter",
        }
        return param_invalid(name, f"'{match.group(2)}' is not a valid {kind[match.group(1)]}")
    return ApiError(
        400, "PARAMETER_ERROR.ILLEGAL", f"The parameter '{name}' can not be used with this request", parameter=name
    )


def _values(param: spec.Param, value: str) -> list[str]:
    values = value.split(",") if param.is_array else [value]
    if param.is_array and (not value or any(v == "" for v in values)):
        raise param_invalid(param.name, f"'{value}' is not a valid value for '{param.name}': empty entries.")
    if param.enum is not None:
        for v in values:
            if v not in param.enum:
                allowed = ", ".join(param.enum[:12]) + (", ..." if len(param.enum) > 12 else "")
                raise param_invalid(
                    param.name, f"'{v}' is not a valid value for '{param.name}'. Expected one of: {allowed}"
                )
    return values


def _int(param: spec.Param, value: str) -> int:
    if not re.fullmatch(r"\d{1,9}", value) or int(value) < 1:
        raise param_invalid(
            param.name, f"'{value}' is not a valid value for '{param.name}': expected a positive integer."
        )
    number = int(value)
    if param.maximum is not None and number > param.maximum:
        raise param_invalid(
            param.name, f"'{value}' is not a valid value for '{param.name}'. The maximum is {param.maximum}."
        )
    return number


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": str(offset)}).encode()).decode().rstrip("=")


def decode_cursor(value: str) -> int:
    try:
        padded = value + "=" * (-len(value) % 4)
        offset = int(json.loads(base64.urlsafe_b64decode(padded))["offset"])
    except (ValueError, KeyError, TypeError):
        raise param_invalid(CURSOR, f"'{value}' is not a valid cursor for this request.") from None
    if offset < 0:
        raise param_invalid(CURSOR, f"'{value}' is not a valid cursor for this request.")
    return offset


# ---------------------------------------------------------------------- rendering


@dataclass
class Renderer:
    state: TestFlightState
    base: str  # "http://testflight.sandbox"
    query: Query

    def linkage(self, res: Resource) -> dict[str, str]:
        return {"type": res.type, "id": res.id}

    def resource(self, res: Resource, *, with_include: bool = True) -> dict[str, Any]:
        wanted = self.query.fields.get(res.type)
        names = spec.attribute_names(res.type)
        attrs = {
            k: v for k, v in res.attributes.items() if k in names and v is not None and (wanted is None or k in wanted)
        }
        out: dict[str, Any] = {"type": res.type, "id": res.id}
        if names:
            out["attributes"] = attrs
        rels: dict[str, Any] = {}
        for name, shape in spec.relationship_shapes(res.type).items():
            if (res.type, name) not in RELATIONS or (wanted is not None and name not in wanted):
                continue
            rel: dict[str, Any] = {}
            if shape.has_links:
                prefix = f"{self.base}/v1/{res.type}/{res.id}"
                rel["links"] = {"self": f"{prefix}/relationships/{name}", "related": f"{prefix}/{name}"}
            included = with_include and name in self.query.include
            if shape.has_data and (included or not shape.has_links):
                ids = self.state.related_ids(res, name)
                target = RELATIONS[(res.type, name)].target
                if RELATIONS[(res.type, name)].to_many:
                    limit = self.query.rel_limits.get(name, DEFAULT_INCLUDED_LIMIT)
                    rel["data"] = [{"type": target, "id": i} for i in ids[:limit]]
                    if shape.has_meta:
                        rel["meta"] = {"paging": {"total": len(ids), "limit": limit}}
                elif ids:
                    rel["data"] = {"type": target, "id": ids[0]}
            if rel:
                rels[name] = rel
        if rels:
            out["relationships"] = rels
        out["links"] = {"self": f"{self.base}/v1/{res.type}/{res.id}"}
        return out

    def included(self, primary: list[Resource]) -> list[dict[str, Any]]:
        seen = {(r.type, r.id) for r in primary}
        out: list[dict[str, Any]] = []
        for name in self.query.include:
            for res in primary:
                rel = RELATIONS.get((res.type, name))
                if rel is None:
                    continue
                related = self.state.related(res, name)
                if rel.to_many:
                    related = related[: self.query.rel_limits.get(name, DEFAULT_INCLUDED_LIMIT)]
                for other in related:
                    if (other.type, other.id) not in seen:
                        seen.add((other.type, other.id))
                        out.append(self.resource(other, with_include=False))
        return out


def self_url(base: str, path: str, items: list[tuple[str, str]]) -> str:
    return f"{base}{path}" + (f"?{urlencode(items, safe=',[]')}" if items else "")


def document(renderer: Renderer, res: Resource, path: str, *, includes: bool = True) -> dict[str, Any]:
    doc: dict[str, Any] = {"data": renderer.resource(res, with_include=includes)}
    if includes and renderer.query.include:
        doc["included"] = renderer.included([res])
    doc["links"] = {"self": self_url(renderer.base, path, renderer.query.raw)}
    return doc


def paged(
    renderer: Renderer,
    items: list[Resource],
    path: str,
    *,
    linkage: bool = False,
    includes: bool = True,
) -> dict[str, Any]:
    """A collection document: one page of `items` with `links.next` and `meta.paging`."""
    q = renderer.query
    limit = q.limit or DEFAULT_LIMIT
    page = items[q.offset : q.offset + limit]
    if linkage:
        data: list[Any] = [renderer.linkage(r) for r in page]
    else:
        data = [renderer.resource(r, with_include=includes) for r in page]
    doc: dict[str, Any] = {"data": data}
    if includes and q.include and not linkage:
        doc["included"] = renderer.included(page)
    base_items = [(k, v) for k, v in q.raw if k != CURSOR]
    links: dict[str, str] = {
        "self": self_url(renderer.base, path, q.raw),
        "first": self_url(renderer.base, path, base_items),
    }
    paging: dict[str, Any] = {"total": len(items), "limit": limit}
    if q.offset + limit < len(items):
        cursor = encode_cursor(q.offset + limit)
        links["next"] = self_url(renderer.base, path, [*base_items, (CURSOR, cursor)])
        paging["nextCursor"] = cursor
    doc["links"] = links
    doc["meta"] = {"paging": paging}
    return doc


# --------------------------------------------------------------- filter and sort


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def values_of(state: TestFlightState, res: Resource, path: list[str]) -> list[str]:
    head, rest = path[0], path[1:]
    if head == "id" and not rest:
        return [res.id]
    if (res.type, head) in RELATIONS:
        if not rest:
            return state.related_ids(res, head)
        return [v for other in state.related(res, head) for v in values_of(state, other, rest)]
    if not rest:
        return [_as_text(res.attributes.get(head))]
    return []


def apply_filters(state: TestFlightState, items: list[Resource], q: Query) -> list[Resource]:
    out = items
    for name, wanted in q.filters.items():
        want = set(wanted)
        path = name.split(".")
        out = [r for r in out if want.intersection(values_of(state, r, path))]
    for name, flag in q.exists.items():
        out = [r for r in out if (r.attributes.get(name) is not None or bool(r.rels.get(name))) == flag]
    return out


def _natural(value: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in re.split(r"(\d+)", value) if p)


def apply_sort(state: TestFlightState, items: list[Resource], q: Query) -> list[Resource]:
    out = sorted(items, key=lambda r: r.seq)
    for key in reversed(q.sort):
        desc = key.startswith("-")
        name = key.lstrip("-")

        def sort_key(r: Resource, name: str = name) -> tuple[Any, ...]:
            if (r.type, name) in RELATIONS:
                other = state.one(r, name)
                value = other.attributes.get("version") if other else None
            else:
                value = r.attributes.get(name)
            if value is None:
                return (1, ())
            return (0, _natural(_as_text(value)))

        out.sort(key=sort_key, reverse=desc)
    return out
