"""A provider's invite capability: how `betaops_invite_testers` invites people to its kind of target.

The cross-provider invite knows no provider. Each provider that can invite says what its target
is (a community, a group, a skill beta, a list), which target fields apply, how to turn a target
and the parsed people into its own invite task's input, and how to read that task's answer back
as one `Outcome` per person. Adding a provider with an invite adds a target, nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from betaops.core.invites import Outcome, Person
from betaops.core.resolve import Choice
from betaops.core.task import Plan, Task, TaskContext


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
    """A target made concrete: the provider's invite task, its input for these people, a report label."""

    task: Task
    params: BaseModel
    label: str


@dataclass
class Outcomes:
    """What one target did, person by person (lower-cased emails), and why any failed."""

    outcomes: dict[str, Outcome] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    note: str | None = None


# Run the prepared task under its approved plan and read its answer as outcomes.
RunInvite = Callable[[TaskContext, Prepared, Plan, str | None], Awaitable[Outcomes]]
# The targets a person may name (by id or name), read from the provider: `core/resolve.py` picks one.
Choices = Callable[[TaskContext], Awaitable[list[Choice]]]


async def run_task(ctx: TaskContext, prepared: Prepared, plan: Plan, key: str | None) -> Any:
    """The provider's own invite task, run with the plan the human approved."""
    return await prepared.task.run(ctx, prepared.params, key, plan)


@dataclass(frozen=True)
class InviteCapability:
    """How one provider takes part in the cross-provider invite.

    `target` names the kind of target ("TestFlight group") for the tool's schema; `id_means` says
    what a target `id` is here (None: targets take no id); `fields` are the provider's own target
    fields as (annotation, pydantic Field) pairs. `prepare` raises ValueError naming a bad target.
    With `choices`, a target's `id` may be a name (any case, a prefix): it is resolved to one id
    when the invite is planned, and again when it runs (a different answer refuses the write).
    """

    target: str
    prepare: Callable[[TargetRef, dict[str, Person]], Prepared]
    run: RunInvite
    id_means: str | None = None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    choices: Choices | None = None

    def field_names(self) -> set[str]:
        return set(self.fields) | ({"id"} if self.id_means else set())
