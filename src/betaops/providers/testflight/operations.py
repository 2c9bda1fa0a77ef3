"""The 142 TestFlight operations as `Operation` specs, built from the generated declarative table.

`operations_generated.py` says what Apple publishes; this module decides, in one place each, how
that becomes a tool: the pydantic types of inputs (ids constrained, enums as enums, `limit[...]`
bounded by the spec's maximum), effects and idempotency from the HTTP method, the read that
previews a write, and the result models lists trim to their summary fields.
"""

from __future__ import annotations

from functools import cache, partial
from typing import Annotated, Any, ClassVar, Literal, cast

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, WithJsonSchema, create_model

from betaops.core.filters import Match
from betaops.core.operation import DeferredOperation, Effect, Operation, Returns
from betaops.providers.testflight.declare import Attr, Q, Rel, Spec
from betaops.providers.testflight.jsonapi import encoder
from betaops.providers.testflight.names import (
    DEFAULT_INCLUDE,
    DEFAULT_TOOLSETS,
    SUMMARY,
    TOOLSETS,
    TYPE_OF_RELATION,
    singular,
    snake,
)
from betaops.providers.testflight.operations_generated import RESOURCES, SPECS
from betaops.providers.testflight.sparse import (
    FIELDSETS,
    LIMITS,
    WireParams,
    check_names,
    fieldsets_field,
    include_field,
    inline,
    limits_field,
)
from betaops.server.schema import DESCRIBE_ONLY

PROVIDER = "testflight"
ID_PATTERN = r"^[A-Za-z0-9-]{1,64}$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
# A filter value's bounds are a sanity check, refused with a clear message; published, they cost
# 40 bytes on each of some 400 filters, so the schema says only "a string".
FilterValue = Annotated[str, StringConstraints(min_length=1, max_length=200), WithJsonSchema({"type": "string"})]
Text = Annotated[str, StringConstraints(max_length=4000)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S{1,2000}$")]

_STRICT = ConfigDict(extra="forbid")


def _literal(values: tuple[str, ...]) -> Any:
    return cast(Any, Literal)[values]


def _camel(snake_name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake_name.split("_"))


# ---------------------------------------------------------------------------- inputs


def _query_field(q: Q) -> tuple[Any, Any]:
    # Apple's own words for a filter ("filter by attribute 'name'") repeat the field's name, and so
    # would its wire name (`filter[name]` for `filter_name`): such a filter has no description.
    own = q.kind in ("int", "str", "enum") or (q.kind == "bool" and not q.wire.startswith("exists["))
    desc = q.description[:1].upper() + q.description[1:] if own else ""
    if q.wire == "sort":
        desc = "In order; '-' descends"
    kind: Any
    extra: dict[str, Any] = {}
    if q.kind == "int":
        kind, extra = int, {"ge": 1, "le": q.maximum}
        desc += f" (1-{q.maximum})" if q.maximum else ""
    elif q.kind == "bool":
        kind = bool
    elif q.kind == "enum":
        kind = _literal(q.values)
    elif q.kind == "enums" and inline(q.values) is None:
        # A long enum (an app's 20 store states) is checked here and listed by describe_operation only.
        kind = Annotated[list[str], check_names(q.values, q.field)]
        extra = {"min_length": 1, "json_schema_extra": {DESCRIBE_ONLY: list(q.values)}}
        desc = f"{desc} ({len(q.values)} values)".strip()
    elif q.kind == "enums":
        kind, extra = list[_literal(q.values)], {"min_length": 1}  # type: ignore[misc]
    elif q.kind == "list":
        kind, extra = list[FilterValue], {"min_length": 1, "max_length": 100}  # Apple matches any of them
    else:
        kind, extra = FilterValue, {}
    if q.required:
        return kind, Field(..., description=desc or None, serialization_alias=q.wire, **extra)
    return kind | None, Field(None, description=desc or None, serialization_alias=q.wire, **extra)


def _object_model(attr: Attr) -> type[BaseModel]:
    choices = dict(attr.choices)
    fields: dict[str, Any] = {
        key: (
            (_literal(choices[key]) if key in choices else FilterValue) | None,
            Field(None, description=key, serialization_alias=key),
        )
        for key in attr.values
    }
    return create_model(_camel(attr.field).rstrip("s"), __config__=_STRICT, **{snake(k): v for k, v in fields.items()})


def _attr_field(attr: Attr) -> tuple[Any, Any]:
    # The field's name is Apple's attribute in snake case (`public_link_limit`), and its bounds are in
    # the schema: only an object list's keys need saying.
    desc = None
    kind: Any = {"str": Text, "email": EmailStr, "uri": Url, "int": int, "bool": bool}.get(attr.kind)
    extra: dict[str, Any] = {}
    if attr.kind == "objects":
        kind, extra = list[_object_model(attr)], {"min_length": 1, "max_length": 50}  # type: ignore[misc]
        desc = f"Objects with {', '.join(attr.values)}"
    elif attr.kind == "int" and (attr.minimum is not None or attr.maximum is not None):
        extra = {"ge": attr.minimum, "le": attr.maximum}
    if attr.required:
        return kind, Field(..., description=desc, **extra)
    return kind | None, Field(None, description=desc, **extra)


def _inline_model(rel: Rel) -> type[BaseModel]:
    fields: dict[str, Any] = {name: (Text, Field(..., description=name)) for name in rel.inline}
    return create_model(_camel(singular(rel.type)), __config__=_STRICT, **fields)


def _rel_field(rel: Rel) -> tuple[Any, Any]:
    noun = singular(rel.type).replace("_", " ")
    extra: dict[str, Any]
    desc: str | None
    if rel.inline:
        kind: Any = list[_inline_model(rel)]  # type: ignore[misc]
        desc, extra = f"New {noun}s created with it ({', '.join(rel.inline)})", {"min_length": 1, "max_length": 50}
    elif rel.many:  # `build_ids`, `app_id`: the name says it
        kind, desc, extra = list[Id], None, {"min_length": 1, "max_length": 1000}
    else:
        kind, desc, extra = Id, None, {}
    if rel.required:
        return kind, Field(..., description=desc, **extra)
    return kind | None, Field(None, description=desc, **extra)


# Apple has no filter on a tester's state; every list of testers gets one that betaops applies.
TESTER_STATES = ("NOT_INVITED", "INVITED", "ACCEPTED", "INSTALLED", "REVOKED")
BY_STATE = Match("states", ("state",), "in")


def _by_state(spec: Spec) -> bool:
    return spec.result == "betaTesters" and spec.returns == "list"


def _default_include(spec: Spec) -> dict[str, list[str]]:
    """{relationship: its fields} this read includes by default (`DEFAULT_INCLUDE`), where Apple allows it."""
    wanted = DEFAULT_INCLUDE.get(spec.result or "", {}) if spec.method == "GET" else {}
    include = next((q.values for q in spec.query if q.kind == "names"), ())
    return {rel: names for rel, names in wanted.items() if rel in include}


def params_model(spec: Spec) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    included = _default_include(spec)
    if _by_state(spec):
        fields[BY_STATE.param] = (
            list[_literal(TESTER_STATES)] | None,  # type: ignore[misc]
            Field(None, min_length=1, description="Only testers in these states (filtered by betaops)"),
        )
    if spec.path_field:
        fields[spec.path_field] = (Id, Field(...))  # `build_id` says "the build's id"
    for q in spec.query:
        if q.kind == "names":
            fields[q.field] = include_field(q, list(included) or None)
        elif q.kind not in ("fieldset", "limit"):
            fields[q.field] = _query_field(q)
    if fieldsets := [q for q in spec.query if q.kind == "fieldset"]:
        shown = {TYPE_OF_RELATION[rel]: names for rel, names in included.items()}
        fields[FIELDSETS] = fieldsets_field(fieldsets, shown or None)
    if limits := [q for q in spec.query if q.kind == "limit"]:
        fields[LIMITS] = limits_field(limits)
    body = spec.body
    if body is not None and body.shape == "linkages":
        fields[f"{singular(body.type)}_ids"] = (list[Id], Field(..., min_length=1, max_length=1000))
    elif body is not None and body.shape == "linkage":
        fields[f"{singular(body.type)}_id"] = (Id, Field(...))
    elif body is not None:
        for attr in body.attrs:
            fields[attr.field] = _attr_field(attr)
        for rel in body.rels:
            fields[rel.field] = _rel_field(rel)
    return create_model(f"{_camel(spec.name)}Params", __base__=WireParams, **fields)


# ---------------------------------------------------------------------------- results


class Resource(BaseModel):
    """A flattened App Store Connect resource; fields Apple adds later still come through.

    Its validator is built on first use (`defer_build`): start-up declares about 60 resource types.
    """

    model_config = ConfigDict(extra="allow", defer_build=True)
    SUMMARY: ClassVar[tuple[str, ...]] = ()  # per resource type: the fields a list shows by default

    id: str | None = Field(None, description="Apple's id")
    type: str | None = Field(None, description="Resource type")

    def label(self) -> str:
        data = self.model_dump()
        name = next((str(data[k]) for k in ("name", "email", "version", "locale", "title") if data.get(k)), None)
        noun = singular(self.type or "resource").replace("_", " ")
        return f"{noun} {name!r} (id {self.id})" if name else f"{noun} {self.id}"


_KIND: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "list": list[Any],
    "object": dict[str, Any],
    "id": str,
    "ids": list[str],
}


@cache
def resource_model(kind: str) -> type[BaseModel]:
    if kind == "linkage":
        linkage = create_model("Linkage", __base__=Resource)
        linkage.SUMMARY = ("id", "type")
        return linkage
    if kind == "metrics":
        metrics: type[BaseModel] = create_model(
            "MetricSeries",
            __config__=ConfigDict(extra="allow"),
            dataPoints=(list[Any] | None, Field(None, description="start, end and values per period")),
            dimensions=(dict[str, Any] | None, Field(None, description="What the series is grouped by")),
        )
        metrics.SUMMARY = ("dataPoints", "dimensions")  # type: ignore[attr-defined]
        return metrics
    fields = RESOURCES[kind]
    definitions: dict[str, Any] = {f.name: (_KIND[f.kind] | None, None) for f in fields}
    model = create_model(_camel(singular(kind)), __base__=Resource, **definitions)
    attrs = [f.name for f in fields if f.kind not in ("id", "ids")]
    links = [f.name for f in fields if f.kind in ("id", "ids")]
    embedded = [f"{n.removesuffix('_ids')}s" if n.endswith("_ids") else n.removesuffix("_id") for n in links]
    model.SUMMARY = ("id", "type", *SUMMARY.get(kind, tuple(attrs[:6])), *links, *embedded)
    return model


# ---------------------------------------------------------------------------- operations


def _result_model(kind: str | None) -> type[BaseModel] | None:
    return resource_model(kind) if kind else None


def effect_of(spec: Spec) -> tuple[Effect, bool]:
    """(effect, idempotent): reads free; deletes (records or memberships) destructive; creates not idempotent."""
    if spec.method == "GET":
        return Effect.READ, True
    if spec.method == "DELETE":
        return Effect.DESTRUCTIVE, True
    if spec.method == "PATCH" or spec.operation_id.endswith("_createToManyRelationship"):
        return Effect.WRITE, True
    return Effect.WRITE, False


def _target(spec: Spec, getters: dict[str, str]) -> str | None:
    """The read that shows what a write changes: `GET /v1/<type>/{id}` of the resource in its path."""
    if spec.method == "GET" or spec.path_field is None:
        return None
    head = "/".join(spec.path.split("/")[:4])
    return getters.get(head)


def build(spec: Spec, getters: dict[str, str]) -> Operation:
    """The operation of one record; its params and result models are built when first needed (most never are)."""
    effect, idempotent = effect_of(spec)
    returns = {"item": Returns.ITEM, "list": Returns.LIST, "nothing": Returns.NOTHING}[spec.returns]
    return DeferredOperation(
        provider=PROVIDER,
        name=spec.name,
        title=spec.title,
        summary=spec.summary,
        method=spec.method,
        path=spec.path,
        build_params=partial(params_model, spec),
        build_result=partial(_result_model, spec.result),
        returns=returns,
        effect=effect,
        idempotent=idempotent,
        toolset=spec.toolset,
        paginated=spec.paginated,
        target=_target(spec, getters),
        body_in_delete=spec.method == "DELETE" and spec.body is not None,
        encode=encoder(spec.body, spec.path_field) if spec.body is not None else None,
        matches=(BY_STATE,) if _by_state(spec) else (),
    )


def _build_all() -> tuple[Operation, ...]:
    getters = {s.path: s.name for s in SPECS if s.operation_id.endswith("_getInstance")}
    return tuple(build(s, getters) for s in SPECS)


OPERATIONS: tuple[Operation, ...] = _build_all()
OPERATION_IDS: dict[str, str] = {s.operation_id: s.name for s in SPECS}

__all__ = ["DEFAULT_TOOLSETS", "OPERATIONS", "OPERATION_IDS", "TOOLSETS", "Resource", "resource_model"]
