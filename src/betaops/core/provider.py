"""What a provider plugs into the server: its operations, toolsets, and how to reach it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx2
from pydantic_settings import BaseSettings

from betaops.core.http import ProviderConfig
from betaops.core.invite_target import InviteCapability
from betaops.core.operation import Operation
from betaops.core.resolve import Named
from betaops.core.sandbox import Sandbox, Simulator
from betaops.core.task import Task, TaskContext

if TYPE_CHECKING:
    from betaops.settings import Settings


@dataclass(frozen=True)
class ProviderResource:
    """A read-only resource template a provider offers, read with the tools of one of its tasks.

    Each `{name}` in `uri` reaches `read` as a string; `read` raises ValueError or ProviderError to
    refuse (the client sees a resource error), and returns provider data (marked as such).
    """

    uri: str  # e.g. "betatesting://tests/{test_id}/summary"
    name: str
    title: str
    description: str
    task: str  # the task whose context (tools, approvals) the read runs under
    read: Callable[[TaskContext, Task, dict[str, str]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class ProviderSpec:
    """One provider, whole: the registry (`providers/__init__.py`) lists these and nothing else.

    It says what the provider offers (operations, tasks, toolsets, resources, an invite target),
    how to reach it (`config` at a base URL with an auth flow; `live` from its settings, which
    are read once; `simulator` for the sandbox) and what configuration pins (`defaults`).
    """

    name: str
    title: str
    operations: tuple[Operation, ...]
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
    tasks: tuple[Task, ...] = ()  # task-level tools composed of operations
    # The few tools listed by default (the main conversations); every other one stays reachable
    # through the discovery tools.
    core_tools: tuple[str, ...] = ()
    # Values pinned in configuration (e.g. {"test_id": 4103}) that tool inputs may then omit.
    defaults: Callable[[Settings], dict[str, Any]] = field(default=lambda _: {})
    # What the assistant should know about the setup, given the pinned values (for betaops_context),
    # e.g. that no Alexa skill is pinned and how to find one; None when there is nothing to say.
    context_note: Callable[[dict[str, Any]], str | None] = field(default=lambda _: None)
    # How `betaops_invite_testers` invites people to this provider's kind of target; None: it cannot.
    invite: InviteCapability | None = None
    # Resource templates beyond the status document every provider gets.
    resources: tuple[ProviderResource, ...] = ()
    # Inputs that may be a name instead of an id, in every tool that has them (e.g. "skill_id"):
    # the executor resolves them before anything is planned or sent (`server/names.py`).
    names: dict[str, Named] = field(default_factory=dict)

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
