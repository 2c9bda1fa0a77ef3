"""The vocabulary of `operations_generated.py`: one small declarative record per operation.

The generator writes these records from Apple's OpenAPI subset; `operations.py` turns them into
`Operation` specs with pydantic params models. Keeping the records plain data makes the generated
file short enough to review line by line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# `names` (include), `fieldset` (fields[type]) and `limit` (limit[relationship]) are the JSON:API
# controls: `operations.py` folds each tool's fieldsets and limits into one compact input each.
QueryKind = Literal["list", "str", "int", "bool", "enum", "enums", "names", "fieldset", "limit"]
AttrKind = Literal["str", "email", "uri", "int", "bool", "objects"]


@dataclass(frozen=True)
class Q:
    """A query parameter: Python-safe `field`, Apple's `wire` name (e.g. `filter[app]`)."""

    field: str
    wire: str
    kind: QueryKind
    description: str
    values: tuple[str, ...] = ()
    maximum: int | None = None
    required: bool = False


@dataclass(frozen=True)
class Attr:
    """A body attribute; `objects` is a list of small objects whose keys are in `values`.

    `choices` gives an object key's allowed values (Apple's enums); `minimum`/`maximum` bound an int.
    """

    field: str
    wire: str
    kind: AttrKind
    required: bool = False
    values: tuple[str, ...] = ()
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Rel:
    """A body relationship given as id(s); `inline` ones are created in the same request."""

    field: str
    wire: str
    type: str
    many: bool
    required: bool = False
    inline: tuple[str, ...] = ()  # attribute names of an inline-created resource


@dataclass(frozen=True)
class Body:
    """How the flat tool input becomes a JSON:API document.

    `resource`: `{"data": {"type", ["id"], "attributes", "relationships"}}`;
    `linkages`: `{"data": [{"type", "id"}, ...]}`; `linkage`: `{"data": {"type", "id"}}`.
    """

    shape: Literal["resource", "linkages", "linkage"]
    type: str
    with_id: bool = False
    attrs: tuple[Attr, ...] = ()
    rels: tuple[Rel, ...] = ()


@dataclass(frozen=True)
class Spec:
    """One of Apple's operations, with the readable tool name it is served under."""

    operation_id: str
    name: str
    method: Literal["GET", "POST", "PATCH", "DELETE"]
    path: str
    title: str
    summary: str
    toolset: str
    returns: Literal["item", "list", "nothing"]
    result: str | None  # a resource type, "linkage" or "metrics"
    paginated: bool = False
    path_field: str | None = None
    query: tuple[Q, ...] = ()
    body: Body | None = None
    status: int = 200


@dataclass(frozen=True)
class ResourceField:
    """One flattened field of a resource: an attribute (wire name kept) or a relationship id."""

    name: str
    kind: Literal["str", "int", "float", "bool", "list", "object", "id", "ids"]
