"""What the tools share for the life of the process: provider clients, tokens, start-up choices."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import anyio
import httpx2

from betaops.core.approvals import ApprovalStore
from betaops.core.audit import AuditLog
from betaops.core.confirm import ConfirmationTokens
from betaops.core.errors import ConfigError
from betaops.core.http import ProviderClient, ProviderConfig
from betaops.core.operation import Operation
from betaops.core.pacing import SharedRate, SharedWindow
from betaops.core.provider import ProviderSpec
from betaops.core.state import StateStore
from betaops.core.state_sqlite import SqliteState
from betaops.providers import PROVIDERS
from betaops.settings import Settings

logger = logging.getLogger(__name__)
REGENERATE = "python -m betaops.server.listing"  # writes server/listing.json from the real tools
_TOOL_NAME = re.compile(r"\b[a-z]+_[a-z_]+[a-z]\b")


class ConfirmMode(StrEnum):
    AUTO = "auto"  # ask by elicitation, else preview + token
    ELICIT = "elicit"  # ask by elicitation; refuse every write where nobody can be asked
    NEVER = "never"  # unattended automation: execute writes without asking


@dataclass
class Connection:
    """One provider as this process reaches it."""

    spec: ProviderSpec
    config: ProviderConfig
    sandbox: bool
    transport: httpx2.AsyncBaseTransport | None = None
    sim_state: object | None = None  # the simulator's state where a test holds it
    defaults: dict[str, Any] = field(default_factory=dict)  # pinned in configuration, e.g. test_id
    clock: Callable[[], float] = time.monotonic
    # "Now" for the data (Unix seconds): the simulator's clock in the sandbox, the real one live.
    now: Callable[[], float] = time.time
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep
    # Pace writes and keep headroom in this store (shared by whoever shares it); None: in this process only.
    store: StateStore | None = None
    _client: ProviderClient | None = None

    @property
    def client(self) -> ProviderClient:
        if self._client is None:
            client = ProviderClient(self.config, transport=self.transport, clock=self.clock, sleep=self.sleep)
            if self.store is not None:
                rate = SharedRate(self.store, self.spec.name)
                client.rate = rate
                client.writes = SharedWindow(
                    self.store,
                    f"{self.spec.name}:{self.config.base_url}",  # one window per provider endpoint
                    self.config.write_limit,
                    self.config.write_window_s,
                    sleep=self.sleep,
                    rate=rate,
                )
            self._client = client
        return self._client

    async def refresh_headroom(self) -> None:
        """Read the shared pacing window and headroom (what every replica last saw)."""
        client = self.client
        if isinstance(client.rate, SharedRate):
            await client.rate.refresh()
        if isinstance(client.writes, SharedWindow):
            await client.writes.refresh()

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()


@dataclass(frozen=True)
class Indexed:
    """What a start needs of an action to list it or not, known without importing it (`server/listing.py`)."""

    provider: str
    toolset: str
    write: bool


class Catalog(Mapping[str, Any]):
    """Every reachable action by tool name, its catalog entry (input and output models) built on first use.

    Start-up lists a few tools and imports no provider's operations: `index` names every action with
    what deciding the list takes. Iterating names or counting reads the index; an action is imported
    with its provider's (`load(provider)`, once, when one of them is first needed), so a first call
    imports one provider, not four; `actions` imports them all; looking an entry up builds it once.
    """

    def __init__(
        self,
        index: Mapping[str, Indexed],
        load: Callable[[str], Mapping[str, Any]],
        build: Callable[[Any], Any],
    ) -> None:
        self.index: dict[str, Indexed] = dict(index)
        self._load = load
        self._loaded: dict[str, dict[str, Any]] = {}  # provider -> its actions by tool name
        self._build = build
        self._built: dict[str, Any] = {}

    def _provider(self, provider: str) -> dict[str, Any]:
        if provider not in self._loaded:
            loaded = dict(self._load(provider))
            if list(loaded) != [n for n, i in self.index.items() if i.provider == provider]:
                logger.warning("%s's actions differ from the shipped index: regenerate it (%s)", provider, REGENERATE)
            self._loaded[provider] = loaded
        return self._loaded[provider]

    def action(self, name: str) -> Any:
        return self._provider(self.index[name].provider)[name]

    @property
    def actions(self) -> dict[str, Any]:
        """Every action, in the index's order (which imports every provider's)."""
        return {name: self._provider(i.provider)[name] for name, i in self.index.items()}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._build(self.action(name))
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, name: object) -> bool:
        return name in self.index

    @property
    def built(self) -> int:
        """How many entries have been built so far (a start lists tools without building any)."""
        return len(self._built)


@dataclass
class Runtime:
    """What one server process holds while it runs: a connection per provider, and the guard's state.

    Tools read it instead of globals so tests and HTTP replicas can run several servers side by side.
    """

    connections: dict[str, Connection]
    tokens: ConfirmationTokens
    confirm: ConfirmMode = ConfirmMode.AUTO
    read_only: bool = False
    toolsets: tuple[str, ...] | None = None  # None: the default surface (each provider's core tools)
    audit: AuditLog | None = None
    # tool name -> tools.Entry, every reachable action; `catalog.index` names them without importing them
    catalog: Catalog = field(default_factory=lambda: Catalog({}, lambda _: {}, lambda op: op))
    # Approvals, jobs, pacing, headroom: the embedded store in the state directory (or Redis) in a served
    # process; in memory otherwise.
    store: StateStore = field(default_factory=lambda: SqliteState(":memory:"))
    # Spent approvals: the store's, unless a test gives another.
    approvals: ApprovalStore = None  # type: ignore[assignment]
    in_flight: set[str] = field(default_factory=set)  # approval ids whose write this process is sending
    jobs: Any = None  # server/jobs.py JobRunner, set by build_server
    listed: frozenset[str] = frozenset()  # the tools in tools/list (the rest are reached through discovery)

    def reachable(self, text: str) -> str:
        """`text` with each unlisted tool it names followed by how to call it, so no message points
        the assistant at a name that answers "Unknown tool"."""
        if not self.catalog:
            return text

        def how(match: re.Match[str]) -> str:
            name = match.group(0)
            action = self.catalog.index.get(name)
            if action is None or name in self.listed or text[match.end() : match.end() + 9] == " (through":
                return name
            via = "betaops_write_operation" if action.write else "betaops_read_operation"
            return f"{name} (through {via})"

        return _TOOL_NAME.sub(how, text)

    _users: int = field(default=0)

    def __post_init__(self) -> None:
        if self.approvals is None:
            self.approvals = self.store

    def connection(self, op: Operation) -> Connection:
        return self.connections[op.provider]

    async def enter(self) -> None:
        self._users += 1

    async def leave(self) -> None:
        self._users -= 1
        if self._users <= 0:
            for connection in self.connections.values():
                await connection.aclose()

    @property
    def mode(self) -> str:
        kinds = {c.sandbox for c in self.connections.values()}
        return "sandbox" if kinds == {True} else "live" if kinds == {False} else "mixed"


def connect(settings: Settings, *, sandbox: bool, providers: list[str] | None = None) -> dict[str, Connection]:
    """Reach every configured provider (or every provider's simulator in the sandbox).

    Raises ConfigError when nothing is configured, naming what to set.
    """
    connections: dict[str, Connection] = {}
    for name, spec in PROVIDERS.items():
        if providers is not None and name not in providers:
            continue
        if sandbox:
            box = spec.sandbox(settings)
            # Its state is built on first call; its clock is the simulator's, so data and "now" agree.
            connections[name] = Connection(spec, box.config, True, box.transport, now=box.now)
        elif spec.configured(settings):
            connections[name] = Connection(spec, spec.live(settings), False)
        else:
            continue
        connections[name].defaults = spec.defaults(settings)
    if not connections:
        wanted = "; or ".join(f"{s.title}: {s.setup_hint}" for s in PROVIDERS.values())
        raise ConfigError(
            "betaops",
            "no provider is configured.",
            hint=f"To use a real account, {wanted}. To try betaops on simulated data, run `betaops serve --sandbox`.",
        )
    return connections


def signing_secret(settings: Settings) -> bytes:
    if settings.confirm_secret is not None:
        return settings.confirm_secret.get_secret_value().encode()
    return secrets.token_bytes(32)
