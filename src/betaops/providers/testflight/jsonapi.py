"""JSON:API in and out: flat tool inputs become Apple's documents, Apple's resources become flat items.

A resource `{"type", "id", "attributes": {...}, "relationships": {"app": {"data": {...}}}}` reads
as `{"id", "type", ...attributes, "app_id": ...}`; a related resource sent back under `included`
is embedded under the relationship's name (`"app": {...}`), so `include=app` saves a second call.
Attribute names stay Apple's (they are what `fields[...]`, `filter[...]` and `sort` take).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from betaops.core.pagination import NextLinkPagination, Page
from betaops.providers.testflight.names import singular, snake

if TYPE_CHECKING:
    from betaops.providers.testflight.declare import Body

Index = dict[tuple[str, str], dict[str, Any]]


def _is_resource(value: Any) -> bool:
    return isinstance(value, dict) and "type" in value and ("attributes" in value or "relationships" in value)


def index(included: Any) -> Index:
    if not isinstance(included, list):
        return {}
    return {(str(r.get("type")), str(r.get("id"))): r for r in included if isinstance(r, dict)}


def flatten(resource: Any, included: Index | None = None) -> Any:
    """One resource as a flat item; linkages and metric points pass through without their links."""
    if not isinstance(resource, dict):
        return resource
    if not _is_resource(resource):
        return {k: v for k, v in resource.items() if k != "links"}
    out: dict[str, Any] = {"id": resource.get("id"), "type": resource.get("type")}
    attributes = resource.get("attributes")
    if isinstance(attributes, dict):
        out.update(attributes)
    relationships = resource.get("relationships")
    for name, rel in (relationships if isinstance(relationships, dict) else {}).items():
        if not isinstance(rel, dict) or "data" not in rel:
            continue  # links only: Apple sends data when the relationship was included
        data = rel["data"]
        if isinstance(data, list):
            linked = [d for d in data if isinstance(d, dict)]
            out[f"{singular(name)}_ids"] = [d.get("id") for d in linked]
            found = [
                included[k] for d in linked if included and (k := (str(d.get("type")), str(d.get("id")))) in included
            ]
            if found:
                out[snake(name)] = [flatten(r) for r in found]
        elif isinstance(data, dict):
            out[f"{snake(name)}_id"] = data.get("id")
            key = (str(data.get("type")), str(data.get("id")))
            if included and key in included:
                out[snake(name)] = flatten(included[key])
        else:
            out[f"{snake(name)}_id"] = None
    return out


def unwrap(body: Any) -> Any:
    """A single-resource document: the flat resource (with included ones embedded)."""
    if not isinstance(body, dict) or "data" not in body:
        raise ValueError("expected a JSON:API document with 'data'")
    data = body["data"]
    if data is None:
        return {"note": "Nothing is linked here."}
    included = index(body.get("included"))
    if isinstance(data, list):
        return [flatten(r, included) for r in data]
    return flatten(data, included)


class JsonApiPagination(NextLinkPagination):
    """`limit`, then `links.next` verbatim; each page's resources flattened like single ones."""

    def parse(self, body: Any, state: dict[str, Any]) -> Page:
        page = super().parse(body, state)
        included = index(body.get("included"))
        items = [flatten(r, included) for r in page.items]
        return Page(items, page.state, page.next_state, page.total, page.last_page)


def encoder(body: Body, path_field: str | None) -> Any:
    """The `Operation.encode` for one request body shape (flat params -> JSON:API document)."""

    def encode(params: BaseModel, payload: dict[str, Any]) -> Any:
        if body.shape == "linkages":
            ids = getattr(params, f"{singular(body.type)}_ids")
            return {"data": [{"type": body.type, "id": i} for i in ids]}
        if body.shape == "linkage":
            return {"data": {"type": body.type, "id": getattr(params, f"{singular(body.type)}_id")}}
        data: dict[str, Any] = {"type": body.type}
        if body.with_id:
            assert path_field is not None
            data["id"] = getattr(params, path_field)
        attributes: dict[str, Any] = {}
        for attr in body.attrs:
            value = getattr(params, attr.field)
            if value is None:
                continue
            if attr.kind == "objects":
                value = [v.model_dump(mode="json", by_alias=True, exclude_none=True) for v in value]
            attributes[attr.wire] = value
        if attributes:
            data["attributes"] = attributes
        relationships: dict[str, Any] = {}
        included: list[dict[str, Any]] = []
        for rel in body.rels:
            value = getattr(params, rel.field)
            if value is None:
                continue
            if rel.inline:
                refs = []
                for n, item in enumerate(value, start=1):
                    local = f"${{local-{singular(rel.type)}-{n}}}"
                    attrs = item.model_dump(mode="json", by_alias=True, exclude_none=True)
                    included.append({"type": rel.type, "id": local, "attributes": attrs})
                    refs.append({"type": rel.type, "id": local})
                relationships[rel.wire] = {"data": refs}
            elif rel.many:
                relationships[rel.wire] = {"data": [{"type": rel.type, "id": i} for i in value]}
            else:
                relationships[rel.wire] = {"data": {"type": rel.type, "id": value}}
        if relationships:
            data["relationships"] = relationships
        document: dict[str, Any] = {"data": data}
        if included:
            document["included"] = included
        return document

    return encode
