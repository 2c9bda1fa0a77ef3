"""Task-level tools: one conversation step composed of several operations, guarded as one action.

A `Task` is declared like an `Operation` (name, params, result, effect, toolset) but runs code:
`plan` reads what is there and says in plain words what will change (the preview, plus a
fingerprint the confirmation token binds to); `run` does it. The guard, annotations and tool
schema come from the same place as for operations.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel

from betaops.core.filters import active, keep
from betaops.core.http import ProviderClient, Reply
from betaops.core.operation import Effect, Operation, ToolSpec

Progress = Callable[[int, int | None, str], Awaitable[None]]


class Journal(Protocol):
    async def send(self, operation: str, args: dict[str, Any], send: Callable[[], Awaitable[Reply]]) -> Reply: ...


@dataclass(frozen=True)
class Plan:
    """What a write will do, exactly as the human is shown it.

    `preview` is the text the human approves. `fingerprint` is the state it was made from.
    `bound` holds every identity and value the write acts on (build id, group ids, the recipient
    list, issue ids...), resolved once here: `run` uses these and never looks anything up again by
    name or as "newest". The approval covers preview, fingerprint and bound together, so a change in
    any of them after approval refuses the write and shows a fresh preview. `noop` means nothing
    would change: nobody is asked and nothing is sent.
    """

    preview: str
    fingerprint: Any
    bound: Any = None
    noop: bool = False


@dataclass
class TaskContext:
    """What a task may use: its provider's client and operations, and a progress reporter."""

    client: ProviderClient
    operations: dict[str, Operation]
    progress: Progress | None = None
    # For tasks that span providers (provider "betaops"): one context per connected provider.
    providers: dict[str, TaskContext] = field(default_factory=dict)
    # In a job (server/jobs.py): records each write's outcome before the next is sent, skips finished ones.
    journal: Journal | None = None
    # Values pinned in configuration (the spec's `defaults`, e.g. a list id), for what a call leaves out.
    pinned: dict[str, Any] = field(default_factory=dict)
    # "Now" for the data (Unix seconds): the connection's clock, the simulator's in the sandbox.
    now: Callable[[], float] = time.time

    async def call(self, name: str, args: dict[str, Any], *, idempotency_key: str | None = None) -> Reply:
        op = self.operations[name]
        params = op.params.model_validate(args)
        if self.journal is None or not op.is_write:
            return await self.client.call(op, params, idempotency_key=idempotency_key)
        return await self.journal.send(
            f"{op.provider}.{name}", args, lambda: self.client.call(op, params, idempotency_key=idempotency_key)
        )

    async def collect(self, name: str, args: dict[str, Any], *, max_items: int = 10_000) -> list[dict[str, Any]]:
        """Every item of a paginated operation, up to `max_items` read, that passes its betaops-side filters."""
        op = self.operations[name]
        params = op.params.model_validate(args)
        pagination = self.client.config.pagination
        reply = await self.client.call(op, params, page_state=pagination.first(pagination.max_size))
        assert reply.page is not None
        items, _ = await self.client.fetch_pages(op, params, reply.page, max_items)
        if chosen := active(op.matches, params):
            now = self.now()
            items = [i for i in items if keep(i, chosen, now)]
        return items

    async def report(self, done: int, total: int | None, message: str) -> None:
        if self.progress is not None:
            await self.progress(done, total, message)


@dataclass(frozen=True, kw_only=True)
class Task(ToolSpec):
    """A tool that runs code over several operations yet is confirmed as one action.

    Its identity, effect and toolset come from `ToolSpec`, like an `Operation`'s, so the guard
    treats both alike; a write task must say what it will do (`plan`) before it does it (`run`).
    """

    params: type[BaseModel]
    result: type[BaseModel]
    # Reads: run(ctx, params, None, None). Writes: plan first, then, once approved and re-checked,
    # run(ctx, params, idempotency_key, plan) acting on plan.bound.
    run: Callable[[TaskContext, Any, str | None, Plan | None], Awaitable[BaseModel]]
    plan: Callable[[TaskContext, Any], Awaitable[Plan]] | None = None

    def __post_init__(self) -> None:
        if (self.effect is not Effect.READ) != (self.plan is not None):
            raise ValueError(f"{self.tool_name}: a write task needs a plan, a read task none")
