"""A provider's invite capability: how `betaops_invite_testers` invites people to its kind of target.

The cross-provider invite knows no provider. Each provider that can invite says what its target
is (a community, a group, a skill beta, a list), which target fields apply, and how to turn a
target and the parsed people into its own invite task's input. That task answers in the shared
per-person vocabulary (`InviteResult`), so its answer is read as it is, never translated.
Adding a provider with an invite adds a target, nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from betaops.core.invites import InviteResult, Person
from betaops.core.resolve import Choice
from betaops.core.task import Task, TaskContext


@dataclass(frozen=True)
class TargetRef:
    """One target as the caller wrote it; which fields apply is the provider's to say."""

    provider: str
    values: dict[str, Any]  # only the fields given (id, and the provider's own fields)
    pinned: dict[str, Any] = field(default_factory=dict)  # the provider's pins, for a target that names none

    def get(self, name: str) -> Any:
        return self.values.get(name)


@dataclass(frozen=True)
class Prepared:
    """A target made concrete: the invite task's input for these people, and a report label."""

    params: BaseModel
    label: str


# The targets a person may name (by id or name), read from the provider: `core/resolve.py` picks one.
Choices = Callable[[TaskContext], Awaitable[list[Choice]]]


@dataclass(frozen=True)
class InviteCapability:
    """How one provider takes part in the cross-provider invite.

    `target` names the kind of target ("TestFlight group") for the tool's schema; `task` is the
    provider's own invite tool, whose result is an `InviteResult`; `id_means` says what a target
    `id` is here (None: targets take no id); `fields` are the provider's own target fields as
    (annotation, pydantic Field) pairs. `prepare` raises ValueError naming a bad target.
    With `choices`, a target's `id` may be a name (any case, a prefix): it is resolved to one id
    when the invite is planned, and again when it runs (a different answer refuses the write).
    """

    target: str
    task: Task
    prepare: Callable[[TargetRef, dict[str, Person]], Prepared]
    id_means: str | None = None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    choices: Choices | None = None

    def __post_init__(self) -> None:
        if not issubclass(self.task.result, InviteResult):
            raise TypeError(f"{self.task.tool_name}: an invite task answers with an InviteResult")

    def field_names(self) -> set[str]:
        return set(self.fields) | ({"id"} if self.id_means else set())
