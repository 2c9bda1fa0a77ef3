"""The declarative operation spec: one provider operation, described once.

The MCP tool (schema, annotations, description), the HTTP request, the confirmation preview and
the documentation table are all derived from an `Operation`; nothing about an operation is
written a second time anywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel

from betaops.core.filters import Match

HttpMethod = Literal["GET", "POST", "PATCH", "PUT", "DELETE"]
_PATH_FIELD = re.compile(r"\{(\w+)\}")


class Effect(StrEnum):
    """What an operation does to the provider's state; it drives annotations, guard and retries."""

    READ = "read"
    WRITE = "write"
    DESTRUCTIVE = "destructive"


class Returns(StrEnum):
    """The shape of the provider's answer."""

    ITEM = "item"  # one resource
    LIST = "list"  # a page of resources
    ITEMS = "items"  # a plain list of resources (no paging)
    NOTHING = "nothing"  # 204


@dataclass(frozen=True, kw_only=True)
class ToolSpec:
    """What every tool declaration (an `Operation` or a `Task`) says about itself.

    Guard, annotations and discovery read only these fields, so they treat operations and tasks
    alike. Declarations are keyword-only: a table of them reads without a header comment.
    """

    provider: str
    name: str
    title: str
    summary: str
    effect: Effect
    idempotent: bool
    toolset: str

    @property
    def tool_name(self) -> str:
        return f"{self.provider}_{self.name}"

    @property
    def is_write(self) -> bool:
        return self.effect is not Effect.READ


@dataclass(frozen=True, kw_only=True)
class Board:
    """A list an MCP Apps host shows as a triage board (`server/apps.py`): its items grouped by
    `fields`, and selected items changed together by one guarded bulk write of the same provider.

    The bulk call is `{<carry from the list call>, <entries>: [{<item_id>: id, <field>: value}, ...]}`.
    """

    bulk: str  # the bulk write's name, e.g. "update_issues"
    fields: tuple[str, ...]  # item fields to group by and set (their values come from the item model)
    entries: str  # the bulk argument holding one entry per item
    item_id: str  # each entry's id field
    carry: tuple[str, ...] = ()  # the list call's arguments the bulk call repeats (e.g. the test id)


@dataclass(frozen=True, kw_only=True)
class Operation(ToolSpec):
    """One provider operation.

    `params` is the tool's input model; fields named in `path` fill the URL, the rest go to the
    query string (GET) or the JSON body (other methods) under their serialization alias.
    `target` names the read operation whose result identifies what a write changes: the guard
    fetches it for the preview and again right before executing.
    """

    method: HttpMethod
    path: str
    params: type[BaseModel]
    result: type[BaseModel] | None
    returns: Returns
    paginated: bool = False
    target: str | None = None
    board: Board | None = None  # shown as a triage board in an MCP Apps host
    body_in_delete: bool = False
    # Builds the wire body from the params and their default payload (aliased, no path fields),
    # for providers whose bodies are envelopes (e.g. JSON:API's {"data": {"type", "attributes"}}).
    encode: Callable[[BaseModel, dict[str, Any]], Any] | None = None
    # Filters the provider's API lacks: inputs betaops applies to every page it reads (core/filters.py).
    matches: tuple[Match, ...] = ()
    path_fields: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if self.matches and not self.paginated:
            raise ValueError(f"{self.tool_name}: filters betaops applies need a paginated list")
        object.__setattr__(self, "path_fields", tuple(_PATH_FIELD.findall(self.path)))
        if not isinstance(self, DeferredOperation):  # a deferred one is checked as its models are built
            self._check_params(self.params)
            self._check_result(self.result)

    def _check_params(self, params: type[BaseModel]) -> None:
        missing = [f for f in self.path_fields if f not in params.model_fields]
        if missing:
            raise ValueError(f"{self.tool_name}: path fields {missing} are not in {params.__name__}")
        if unknown := [m.param for m in self.matches if m.param not in params.model_fields]:
            raise ValueError(f"{self.tool_name}: filters {unknown} are not in {params.__name__}")

    def _check_result(self, result: type[BaseModel] | None) -> None:
        if (result is None) != (self.returns is Returns.NOTHING):
            raise ValueError(f"{self.tool_name}: result model and returns={self.returns} disagree")


@dataclass(frozen=True, kw_only=True)
class DeferredOperation(Operation):
    """An operation whose params and result models are built when first read (`build_params`,
    `build_result`).

    A generated table declares many operations (TestFlight's 142) of which a session calls a few:
    building every model at import cost most of the server's start. Each model is built once,
    checked like a declared one, and kept.
    """

    build_params: Callable[[], type[BaseModel]] = field(repr=False, compare=False)
    build_result: Callable[[], type[BaseModel] | None] = field(repr=False, compare=False)
    params: type[BaseModel] = field(init=False, repr=False, compare=False)
    result: type[BaseModel] | None = field(init=False, repr=False, compare=False)

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not set yet: `params` or `result` before its first read.
        if name == "params":
            params = self.build_params()
            self._check_params(params)
            object.__setattr__(self, "params", params)
            return params
        if name == "result":
            result = self.build_result()
            self._check_result(result)
            object.__setattr__(self, "result", result)
            return result
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
