"""JSON:API controls as three compact inputs: `include`, `fieldsets` and `include_limits`.

Apple's spec gives every readable resource one `fields[<type>]` parameter per type it can return
and one `limit[<relationship>]` per relationship it can include: `GET /v1/apps` alone has 25 and
19, each with a full enum, 19 KB of schema. Here a tool gets at most three inputs:

- `include`: a list of relationship names;
- `fieldsets`: `{type: [field names]}`, sent as `fields[type]=a,b`;
- `include_limits`: `{relationship: n}`, sent as `limit[relationship]=n`.

Validation is as strict as the enums were: an unknown name is refused with the allowed ones in the
message. The allowed names are in each input's description when they are short, and always in the
schema under `x-allowed`, which `betaops_describe_operation` shows and the listed tool omits
(`server/schema.py`), so nothing becomes unreachable while the tool list stays small.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue, SerializationInfo, model_serializer

from betaops.providers.testflight.declare import Q
from betaops.server.schema import DESCRIBE_ONLY

INCLUDE, FIELDSETS, LIMITS = "include", "fieldsets", "include_limits"
SHORT = 80  # characters of names shown inline in a description


def inline(names: list[str] | tuple[str, ...]) -> str | None:
    text = ", ".join(names)
    return text if len(text) <= SHORT else None


def _unknown(what: str, bad: list[str], allowed: tuple[str, ...] | list[str]) -> ValueError:
    listed = ", ".join(repr(b) for b in bad)
    return ValueError(f"{what}: unknown {listed}; allowed: {', '.join(allowed)}")


def check_names(allowed: tuple[str, ...], what: str) -> AfterValidator:
    def check(value: list[str] | None) -> list[str] | None:
        if value is not None and (bad := [v for v in value if v not in allowed]):
            raise _unknown(what, bad, allowed)
        return value

    return AfterValidator(check)


def include_field(q: Q, default: list[str] | None = None) -> tuple[Any, Any]:
    shown = inline(q.values)
    desc = f"Any of: {shown}" if shown else f"Any of {len(q.values)} related names"
    kind = Annotated[list[str] | None, check_names(q.values, INCLUDE)]
    return kind, Field(
        default,
        min_length=1,
        description=desc,
        serialization_alias=q.wire,
        json_schema_extra=None if shown else {DESCRIBE_ONLY: list(q.values)},
    )


def fieldsets_field(qs: list[Q], default: dict[str, list[str]] | None = None) -> tuple[Any, Any]:
    allowed = {q.wire[len("fields[") : -1]: q.values for q in qs}

    def check(value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        for kind, names in (value or {}).items():
            if kind not in allowed:
                raise _unknown(FIELDSETS, [kind], list(allowed))
            if bad := [n for n in names if n not in allowed[kind]]:
                raise _unknown(f"{FIELDSETS}[{kind!r}]", bad, allowed[kind])
        return value

    types = inline(list(allowed))
    desc = "{type: [fields]}"
    desc += f": {types}" if types else f"; {len(allowed)} types"
    kind = Annotated[dict[str, list[str]] | None, AfterValidator(check)]
    return kind, Field(
        default, description=desc, json_schema_extra={DESCRIBE_ONLY: {k: list(v) for k, v in allowed.items()}}
    )


def limits_field(qs: list[Q]) -> tuple[Any, Any]:
    allowed = {q.wire[len("limit[") : -1]: q.maximum for q in qs}

    def check(value: dict[str, int] | None) -> dict[str, int] | None:
        for rel, n in (value or {}).items():
            if rel not in allowed:
                raise _unknown(LIMITS, [rel], list(allowed))
            high = allowed[rel]
            if n < 1 or (high is not None and n > high):
                raise ValueError(f"{LIMITS}[{rel!r}] must be 1..{high}, got {n}")
        return value

    shown = inline([f"{rel} 1-{high}" for rel, high in allowed.items()])
    desc = "{relationship: most included}"
    desc += f": {shown}" if shown else f"; {len(allowed)} names"
    kind = Annotated[dict[str, int] | None, AfterValidator(check)]
    return kind, Field(None, description=desc, json_schema_extra={DESCRIBE_ONLY: cast(dict[str, JsonValue], allowed)})


class WireParams(BaseModel):
    """Params whose `fieldsets` and `include_limits` travel as Apple's `fields[type]` and `limit[rel]`."""

    model_config = ConfigDict(extra="forbid")

    @model_serializer(mode="wrap")
    def _to_wire(self, handler: Any, info: SerializationInfo) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if not info.by_alias:
            return data
        for name, wire in ((FIELDSETS, "fields[{}]"), (LIMITS, "limit[{}]")):
            grouped = data.pop(name, None)
            for key, value in (grouped or {}).items():
                data[wire.format(key)] = value
        return data
