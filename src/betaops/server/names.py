"""Inputs that may be a name: widened in the tool schema, resolved to one id before anything runs.

A provider says once which inputs name something (`ProviderSpec.names`, e.g. Alexa's `skill_id`)
and where the choices come from. Every tool with such an input then takes an id or a name (any
case, a unique prefix); the executor turns a name into its one id here, through
`core/resolve.py`, before a read is sent or a write is planned. What the guard previews, binds
and re-plans is the id, so an approval covers the id shown; a name that names no single thing
fails with the choices listed, and nothing is sent.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError, WithJsonSchema
from pydantic.fields import FieldInfo

from betaops.core.errors import ProviderError
from betaops.core.resolve import Named, pick
from betaops.core.task import TaskContext

_NAME = Annotated[str, Field(min_length=1, max_length=200)]
# A number is an id (numeric ids are positive: 0 is refused as an input, not looked up as a name).
_ID_OR_NAME = Annotated[Annotated[int, Field(ge=1)] | _NAME, WithJsonSchema({"type": ["integer", "string"]})]


def fits(annotation: Any, value: Any) -> bool:
    """Whether `value` is valid for this field as it is (an id, a pinned value)."""
    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError:
        return False
    return True


def widened(info: FieldInfo, pinned: Any) -> tuple[Any, FieldInfo]:
    """The field as a tool input: its ids (int or str) or names; checked as ids once resolved."""
    own = info.rebuild_annotation()
    one: Any = _ID_OR_NAME if fits(own, 1) or fits(own, [1]) else _NAME
    annotation: Any = list[one] if fits(own, ["1"]) or fits(own, [1]) else one
    described = f"{info.description or 'Id'}, or a name"
    if pinned is not None:
        return annotation, Field(pinned, description=f"{described} (default: pinned {pinned})")
    if info.is_required():
        return annotation, Field(description=described)
    return annotation | None, Field(info.default, description=described)


def _is_id(params: type[BaseModel], field: str, value: Any) -> bool:
    """Whether `value` is already valid as the action's own input (an id), so nothing is looked up."""
    return fits(params.model_fields[field].rebuild_annotation(), value)


async def resolved(provider: str, names: dict[str, Named], ctx: TaskContext, params: type[BaseModel], args: Any) -> Any:
    """`args` with every name among the named inputs replaced by its one id (raises ProviderError)."""
    update: dict[str, Any] = {}
    for field, named in names.items():
        value = getattr(args, field, None)
        if field not in params.model_fields or value is None or _is_id(params, field, value):
            continue
        choices = await named.choices(ctx)
        if isinstance(value, list):
            update[field] = [
                v if _is_id(params, field, [v]) else pick(provider, named.kind, str(v), choices, where=f"({field})").id
                for v in value
            ]
        else:
            update[field] = pick(provider, named.kind, str(value), choices, where=f"({field})").id
    if not update:
        return args
    try:  # the ids found must still fit the input (e.g. at most 20 lists), as given ones did
        params.model_validate({**args.model_dump(include=set(params.model_fields)), **update})
    except ValidationError as exc:
        why = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ProviderError(provider, why, hint="Fix the argument and call again.") from None
    return args.model_copy(update=update)
