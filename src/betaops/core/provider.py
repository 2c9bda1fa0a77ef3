"""What a provider plugs into the server: its operations, toolsets, and how to reach it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property
from pkgutil import resolve_name
from typing import TYPE_CHECKING, Any

import httpx2
from pydantic_settings import BaseSettings

from betaops.core.http import ProviderConfig
from betaops.core.sandbox import Sandbox, Simulator

if TYPE_CHECKING:  # a provider's parts are imported when first needed, and these with them
    from betaops.core.invite_target import InviteCapability
    from betaops.core.operation import Operation
    from betaops.core.resolve import Named
    from betaops.core.task import Task, TaskContext
    from betaops.settings import Settings


@dataclass(frozen=True)
class ProviderResource:
    """A read-only resource template a provider offers, read with the tools of one of its tasks.

    Each `{name}` in `uri` reaches `read` as a string; `read` raises ValueError or ProviderError to
    refuse (the client sees a resource error), and returns provider data (marked as such). `read`
    is named by reference, imported on the first read: listing the template imports nothing.
    """

    uri: str  # e.g. "betatesting://tests/{test_id}/summary"
    name: str
    title: str
    description: str
    task: str  # the task whose context (tools, approvals) the read runs under
    read: str  # "module:function", a function (TaskContext, Task, {name: value}) -> awaitable data

    def reader(self) -> Callable[[TaskContext, Task, dict[str, str]], Awaitable[dict[str, Any]]]:
        read: Callable[[TaskContext, Task, dict[str, str]], Awaitable[dict[str, Any]]] = resolve_name(self.read)
        return read


@dataclass(frozen=True)
class Parts:
    """What a provider offers, as code: its operations, tasks, invite target and named inputs.

    These import the provider's models, which were most of a server's start beyond the SDK's. A
    start lists its tools from the shipped listing (`server/listing.py`), so a provider names its
    Parts by reference (`ProviderSpec.parts`) and they are imported when a call first needs them.
    """

    operations: tuple[Operation, ...]
    tasks: tuple[Task, ...] = ()  # task-level tools composed of operations
    # How `betaops_invite_testers` invites people to this provider's kind of target; None: it cannot.
    invite: InviteCapability | None = None
    # Inputs that may be a name instead of an id, in every tool that has them (e.g. "skill_id"):
    # the executor resolves them before anything is planned or sent (`server/names.py`).
    names: dict[str, Named] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderSpec:
    """One provider, whole: the registry (`providers/__init__.py`) lists these and nothing else.

    It says what the provider offers (operations, tasks, toolsets, resources, an invite target),
    how to reach it (`config` at a base URL with an auth flow; `live` from its settings, which
    are read once; `simulator` for the sandbox) and what configuration pins (`defaults`).
    """

    name: str
    title: str
    # Its Parts, or "module:ATTRIBUTE" naming them: imported on first use (`operations`, `tasks`, ...).
    parts: Parts | str
    toolsets: dict[str, str]
    default_toolsets: tuple[str, ...]
    configured: Callable[[Settings], bool]
    # The client config at a base URL with an auth flow: live and sandbox connections share it.
    config: Callable[[Settings, str, httpx2.Auth], ProviderConfig]
    live: Callable[[Settings], ProviderConfig]  # raises ConfigError naming what to set
    simulator: Simulator
    setup_hint: str  # what to set to use it live
    # Its own settings block (read once per Settings through Settings.of, which the hooks use).
    settings: type[BaseSettings]
    # The few tools listed by default (the main conversations); every other one stays reachable
    # through the discovery tools.
    core_tools: tuple[str, ...] = ()
    # Values pinned in configuration (e.g. {"test_id": 4103}) that tool inputs may then omit.
    defaults: Callable[[Settings], dict[str, Any]] = field(default=lambda _: {})
    # What the assistant should know about the setup, given the pinned values (for betaops_context),
    # e.g. that no Alexa skill is pinned and how to find one; None when there is nothing to say.
    context_note: Callable[[dict[str, Any]], str | None] = field(default=lambda _: None)
    # Resource templates beyond the status document every provider gets.
    resources: tuple[ProviderResource, ...] = ()

    @cached_property
    def _parts(self) -> Parts:
        parts = resolve_name(self.parts) if isinstance(self.parts, str) else self.parts
        if not isinstance(parts, Parts):
            raise TypeError(f"{self.name}: parts {self.parts!r} names no Parts")
        return parts

    @property
    def operations(self) -> tuple[Operation, ...]:
        return self._parts.operations

    @property
    def tasks(self) -> tuple[Task, ...]:
        return self._parts.tasks

    @property
    def invite(self) -> InviteCapability | None:
        return self._parts.invite

    @property
    def names(self) -> dict[str, Named]:
        return self._parts.names

    def sandbox(
        self, settings: Settings, *, state: Any = None, sim_config: Any = None, auth: httpx2.Auth | None = None
    ) -> Sandbox:
        """This provider's simulator as a connection; tests pass their own state, faults, clock or credentials.

        Nothing of the simulator is imported or built here (see `core/sandbox.py`).
        """
        return Sandbox(
            self.simulator,
            lambda flow: self.config(settings, self.simulator.base_url, flow),
            state=state,
            sim_config=sim_config,
            auth=auth,
        )

    def toolset_ids(self) -> list[str]:
        return [f"{self.name}.{t}" for t in self.toolsets]
