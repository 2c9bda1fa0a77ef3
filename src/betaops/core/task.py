"""Task-level tools: one conversation step composed of several operations, guarded as one action.

A `Task` is declared like an `Operation` (name, params, result, effect, toolset) but runs code:
`plan` reads what is there and says in plain words what will change (the preview, plus a
fingerprint the confirmation token binds to); `run` does it. The guard, annotations and tool
schema come from the same place as for operations.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from betaops.core.http import ProviderClient, Reply
from betaops.core.operation import Effect, Operation

Progress = Callable[[int, int | None, str], Awaitable[None]]


@dataclass(frozen=True)
class Plan:
    """What a write task will do: a preview for the human and a fingerprint of the state it saw."""

    preview: str
    fingerprint: Any


@dataclass
class TaskContext:
    """What a task may use: its provider's client and operations, and a progress reporter."""

    client: ProviderClient
    operations: dict[str, Operation]
    progress: Progress | None = None
    # For tasks that span providers (provider "betaops"): one context per connected provider.
    providers: dict[str, TaskContext] = field(default_factory=dict)

    async def call(self, name: str, args: dict[str, Any], *, idempotency_key: str | None = None) -> Reply:
        op = self.operations[name]
        return await self.client.call(op, op.params.model_validate(args), idempotency_key=idempotency_key)

    async def collect(self, name: str, args: dict[str, Any], *, max_items: int = 10_000) -> list[dict[str, Any]]:
        """Every item of a paginated operation, up to `max_items`."""
        op = self.operations[name]
        params = op.params.model_validate(args)
        pagination = self.client.config.pagination
        reply = await self.client.call(op, params, page_state=pagination.first(pagination.max_size))
        assert reply.page is not None
        items, _ = await self.client.fetch_pages(op, params, reply.page, max_items)
        return items

    async def report(self, done: int, total: int | None, message: str) -> None:
        if self.progress is not None:
            await self.progress(done, total, message)


@dataclass(frozen=True)
class Task:
    provider: str
    name: str
    title: str
    summary: str
    params: type[BaseModel]
    result: type[BaseModel]
    effect: Effect
    idempotent: bool
    toolset: str
    # Reads: run(ctx, params, None). Writes: plan first, then run(ctx, params, idempotency_key).
    run: Callable[[TaskContext, Any, str | None], Awaitable[BaseModel]]
    plan: Callable[[TaskContext, Any], Awaitable[Plan]] | None = None

    def __post_init__(self) -> None:
        if (self.effect is not Effect.READ) != (self.plan is not None):
            raise ValueError(f"{self.tool_name}: a write task needs a plan, a read task none")

    @property
    def tool_name(self) -> str:
        return f"{self.provider}_{self.name}"

    @property
    def is_write(self) -> bool:
        return self.effect is not Effect.READ
