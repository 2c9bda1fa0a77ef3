"""Every MCP tool, generated from an operation spec: schema, annotations, description, handler.

The input schema is the operation's params model plus control fields (paging for lists,
confirm_token for guarded writes), strict so that a misspelt argument fails loudly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    JsonValue,
    create_model,
    model_validator,
)

from betaops.core.operation import Effect, Operation, Returns
from betaops.server.apps import tool_meta
from betaops.server.executor import approval, execute
from betaops.server.guard import Action
from betaops.server.names import fits, widened
from betaops.server.results import ListResult, output_model
from betaops.server.runtime import ConfirmMode, Runtime
from betaops.server.schema import DESCRIBE_ONLY
from betaops.server.sdk import make_tool

DEFAULT_LIMIT = 25  # items a list tool returns unless asked for more
MAX_LIMIT = 2000  # items one list call returns at most; next_cursor goes on from there
FIELD_NAMES_SHOWN = 120  # characters of `fields` names listed in a tool's schema; longer lists: describe_operation


def tool_annotations(op: Action) -> ToolAnnotations:
    return ToolAnnotations(
        read_only_hint=op.effect is Effect.READ,
        destructive_hint=op.effect is Effect.DESTRUCTIVE,
        idempotent_hint=op.idempotent,
        open_world_hint=True,
    )


def description(op: Action) -> str:
    """The summary, and "Cannot be undone." for a destructive write.

    That a write needs the user's approval is said once, in the server's instructions, and again by
    the write's first answer (a preview with status confirmation_required); on 99 writes it cost 2.7 KB.
    """
    return f"{op.summary} Cannot be undone." if op.effect is Effect.DESTRUCTIVE else op.summary


_FILLER = {"a", "an", "the", "of", "s"}


def listed_title(name: str, title: str) -> str | None:
    """The title to list, or None when it only restates the name ("List tests" for
    betatesting_list_tests): a client then shows the name, and 200 tools save 7 KB."""
    words = set(name.split("_"))
    said = all(
        w in words or w in _FILLER or f"{w}s" in words or w.removesuffix("s") in words
        for w in re.findall(r"[a-z0-9]+", title.lower())
    )
    return None if said else title


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0/C1 controls except tab and line breaks


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, path)
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


class NoControlCharacters(BaseModel):
    """Refuses control characters anywhere in a tool's arguments, before anything is previewed or sent:
    no provider accepts them, and in an id, a query or a header-like field they can change a request."""

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        for path, text in _strings(data):
            if found := _CONTROL.search(text):
                raise ValueError(f"{path or 'a value'} contains the control character U+{ord(found.group()):04X}")
        return data


class KnownArguments(BaseModel):
    """Refuses an argument the tool does not take and names the ones it does: pydantic's "Extra inputs
    are not permitted" leaves an assistant guessing what an old `page_size` or a misspelt `stauts`
    should have been (the listed schema omits `additionalProperties: false` for bytes)."""

    @model_validator(mode="before")
    @classmethod
    def _known_arguments(cls, data: Any) -> Any:
        if isinstance(data, dict):
            fields = cls.model_fields
            known = {*fields, *(f.alias for f in fields.values() if f.alias)}
            if unknown := [key for key in data if key not in known]:
                names = ", ".join(repr(key) for key in unknown)
                raise ValueError(f"no argument {names}; it takes: {', '.join(fields)}")
        return data


def _known_fields(model: type[BaseModel], others: list[str]) -> Callable[[list[str] | None], list[str] | None]:
    """A `fields` check: a misspelt name is an error naming the allowed ones, not silently nothing."""
    known = {*model.model_fields, "all"}

    def check(value: list[str] | None) -> list[str] | None:
        if value is not None and (bad := [v for v in value if v not in known]):
            listed = ", ".join(repr(b) for b in bad)
            raise ValueError(f"unknown field {listed}; allowed: {', '.join(others)}, or all")
        return value

    return check


CONFIRM_FIELDS: dict[str, Any] = {
    # Named for what they carry; the preview says to copy both, so a description would only repeat it.
    "confirm_token": (str | None, Field(None, max_length=2000)),
    "confirm_summary": (str | None, Field(None, max_length=300)),
}


def input_model(
    op: Action,
    confirm: ConfirmMode,
    defaults: dict[str, Any] | None = None,
    names: Collection[str] = (),
) -> type[BaseModel]:
    """The tool's strict input model: the action's params plus control fields.

    A pinned default (e.g. BETATESTING_TEST_ID) makes its field optional, filled from configuration.
    A field in `names` takes a name too (`server/names.py`).
    """
    extra: dict[str, Any] = {}
    for name, info in op.params.model_fields.items():
        value = (defaults or {}).get(name)
        pinned = value if value is not None and fits(info.annotation, value) else None
        if name in names:
            extra[name] = widened(info, pinned)
        elif pinned is not None:
            extra[name] = (info.annotation, Field(pinned, description=f"{info.description} (default: pinned {pinned})"))
    if isinstance(op, Operation) and op.paginated:
        assert op.result is not None
        # One knob: how many items the assistant wants. betaops asks for pages of that size (up to
        # the provider's largest) and reads as many as it takes; the names say the rest.
        extra |= {
            "cursor": (str | None, Field(None, max_length=2000)),
            "limit": (int, Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)),
        }
    summary = getattr(op.result, "SUMMARY", ()) if isinstance(op, Operation) else ()
    others = [f for f in op.result.model_fields if f not in summary] if op.result is not None else []
    # `fields` adds item fields beyond the summary; a list whose items show every field has none to add.
    if isinstance(op, Operation) and op.returns is Returns.LIST and op.result is not None and others:
        described: list[JsonValue] = list(others)
        names = ", ".join(others)
        # A long list of names (TestFlight's resources have dozens) is shown by describe_operation only.
        shown = len(names) <= FIELD_NAMES_SHOWN
        extra["fields"] = (
            Annotated[list[str] | None, AfterValidator(_known_fields(op.result, others))],
            Field(
                None,
                max_length=20,
                description=f"Extra fields: {names}, or all" if shown else f"Extra fields ({len(others)}), or all",
                json_schema_extra=None if shown else {DESCRIBE_ONLY: described},
            ),
        )
    if op.is_write and confirm is ConfirmMode.AUTO:
        extra |= CONFIRM_FIELDS
    # The SDK reports bad arguments as "N validation errors for <title>": make that title say it all.
    # Given as a class keyword (pydantic config), it is in the model as first built: no second build.
    outcome = "; nothing was changed" if op.is_write else ""
    title = f"the arguments of {op.tool_name}{outcome}"
    bases = (op.params, KnownArguments, NoControlCharacters, ArgModelBase)
    return create_model(f"{op.tool_name}_input", __base__=bases, __cls_kwargs__={"title": title}, **extra)


@dataclass(frozen=True)
class Entry:
    """One reachable action with its input and output models, built once per process."""

    action: Action
    inp: type[BaseModel]
    out: type[BaseModel]

    @property
    def name(self) -> str:
        return self.action.tool_name


def entry(runtime: Runtime, op: Action) -> Entry:
    conn = runtime.connections.get(op.provider)
    defaults = conn.defaults if conn is not None else {}
    names = conn.spec.names if conn is not None else {}
    return Entry(op, input_model(op, runtime.confirm, defaults, names), output_model(op))


def build_tool(runtime: Runtime, item: Entry) -> Tool:
    """The listed tool of one action: its own schema, annotations and description; one executor."""
    op = item.action

    async def handler(ctx: Context, args: BaseModel, shown: Any, answer: Any) -> CallToolResult:
        return await execute(runtime, item, ctx, args, shown, answer)

    return make_tool(
        name=op.tool_name,
        title=listed_title(op.tool_name, op.title),
        description=description(op),
        annotations=tool_annotations(op),
        inp=item.inp,
        out=item.out,
        handler=handler,
        approval=approval(runtime, lambda args: (item, args)) if op.is_write else None,
        meta=tool_meta(
            op.tool_name,
            shows_card=op.is_write and runtime.confirm is not ConfirmMode.NEVER,
            board=isinstance(op, Operation) and op.board is not None,
        ),
    )


__all__ = ["Entry", "ListResult", "build_tool", "entry"]
