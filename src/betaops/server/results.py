"""Tool result shapes, derived from an operation's resource model.

Lists return trimmed items (the resource's summary fields unless more are asked for) plus an
opaque cursor; writes return one envelope whether they executed, need confirmation, or did not run.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, PrivateAttr, create_model

from betaops.core.model import Model
from betaops.core.operation import Operation, Returns
from betaops.core.task import Task

TEXT_LIMIT = 400  # characters of a free-text field shown in a list item


class WriteStatus(StrEnum):
    EXECUTED = "executed"
    RUNNING = "running"  # approved; a bulk write running as a job (see job_id)
    CONFIRMATION_REQUIRED = "confirmation_required"
    NOT_EXECUTED = "not_executed"


class ListResult(Model):
    """A page of items; `next_cursor` fetches the next page with the same arguments."""

    items: list[Any]
    count: int
    total: int | None = None
    next_cursor: str | None = None  # pass as `cursor` for the next page; null at the end
    truncated: bool = False
    note: str | None = None


class ItemsResult(Model):
    items: list[Any]
    count: int


class RequestResult(Model):
    """The outcome of a write that is one request (an operation): nothing changed unless status is
    "executed". It never runs as a job, so its published schema has no `job_id`."""

    status: WriteStatus
    message: str
    preview: str | None = None
    confirm_token: str | None = None
    confirm_summary: str | None = None
    replayed: bool = False
    result: Any = None
    # For an MCP Apps host only: what the result's `_meta` carries (the approval card's sealed approval).
    # Private, so it is never in the structured content or the text a model reads.
    _app_meta: dict[str, Any] | None = PrivateAttr(default=None)


class WriteResult(RequestResult):
    # The outcome of any write tool; a write task over many items may run as a job.

    job_id: str | None = None  # status running: follow it with betaops_job_status


def _optional(model: type[BaseModel], suffix: str) -> type[BaseModel]:
    """The list-item view: the summary fields, typed and optional; more may come when asked for."""
    summary = getattr(model, "SUMMARY", ()) or tuple(model.model_fields)
    fields: dict[str, Any] = {
        name: (Optional[info.annotation], None)  # noqa: UP045
        for name, info in model.model_fields.items()
        if name in summary
    }
    return create_model(f"{model.__name__}{suffix}", __config__=ConfigDict(extra="allow"), **fields)


@cache
def output_model(op: Operation | Task) -> type[BaseModel]:
    """The tool's output model, so the published outputSchema says what comes back."""
    name = "".join(part.title() for part in op.name.split("_"))
    result = op.result
    if isinstance(op, Task):
        if not op.is_write:
            return op.result
        done: Any = Optional[op.result]  # noqa: UP045
        return create_model(
            f"{name}Result",
            __base__=WriteResult,
            result=(done, None),
        )
    if op.is_write:
        # The provider's echo of the changed resource stays untyped here: its shape is the read
        # tool's, and repeating it in every write tool's schema would double the tool list.
        return RequestResult
    assert result is not None
    if op.returns is Returns.LIST:
        item = _optional(result, "Summary")
        return create_model(
            f"{name}Result",
            __base__=ListResult,
            items=(list[item], ...),  # type: ignore[valid-type]
        )
    if op.returns is Returns.ITEMS:
        return create_model(
            f"{name}Result",
            __base__=ItemsResult,
            items=(list[result], ...),  # type: ignore[valid-type]
        )
    return result


def trim(item: dict[str, Any], summary: tuple[str, ...], fields: list[str] | None) -> tuple[dict[str, Any], bool]:
    """Keep the summary fields plus those asked for; shorten long text. Returns (item, shortened)."""
    keep = None if fields and "all" in fields else set(summary or item) | set(fields or ())
    out: dict[str, Any] = {}
    shortened = False
    for key, value in item.items():
        if keep is not None and key not in keep:
            continue
        if isinstance(value, str) and len(value) > TEXT_LIMIT:
            value = value[: TEXT_LIMIT - 1] + "…"
            shortened = True
        out[key] = value
    return out, shortened
