"""The shipped listing: tools/list answered at start without importing an operation or building a model.

Importing the providers' operations and models, then building each listed tool (pydantic input
and output models, then their JSON schemas) was most of a start's work, and a start only needs
what tools/list shows. `listing.json` holds exactly that for every tool, and for every action what
deciding the list takes (`runtime.Indexed`). The real path writes it (`python -m
betaops.server.listing` builds every tool and records what tools/list shows) in the one
configuration it fits: the registered providers, confirmation `auto`, nothing pinned. A tool listed
from it builds its real self on its first call (`sdk.listed_tool`), and the first call imports the
providers' operations. Another configuration, a pinned input, or a provider registered at run time
builds the real way at start.

tests/server/test_listing.py fails when the file differs from what the real path writes now, and
compares tools/list with and without it across configurations.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio

from betaops.server.runtime import ConfirmMode, Indexed, Runtime

PATH = Path(__file__).with_name("listing.json")


@dataclass(frozen=True)
class Listing:
    """The file: which providers it was written for, every action's index entry, every tool's listing."""

    providers: tuple[str, ...] = ()
    actions: dict[str, Indexed] = field(default_factory=dict)  # tool name -> what listing it takes
    tools: dict[str, dict[str, Any]] = field(default_factory=dict)  # tool name -> its tools/list entry


NOTHING = Listing()  # what a server builds every tool from: nothing shipped


def load(path: Path = PATH) -> Listing:
    """The shipped listing; NOTHING when the file is missing (every tool is then built at start)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return NOTHING
    actions = {name: Indexed(*entry) for name, entry in raw["actions"].items()}
    return Listing(tuple(raw["providers"]), actions, raw["tools"])


def fits(runtime: Runtime, indexed: Indexed | None, shown: dict[str, Any]) -> bool:
    """Whether this server lists a tool exactly as `shown`: the file was written with confirmation
    `auto` (which adds confirm_token to writes) and no input pinned (a pin makes its field optional
    and names its value)."""
    if runtime.confirm is not ConfirmMode.AUTO:
        return False
    conn = runtime.connections.get(indexed.provider) if indexed is not None else None
    if conn is None:
        return True  # a discovery tool, or one across providers: nothing of theirs is pinned
    pinned = {key for key, value in conn.defaults.items() if value is not None}
    return not pinned & set(shown["inputSchema"].get("properties", {}))


def entries(tools: list[Any]) -> dict[str, dict[str, Any]]:
    """tools/list's `tools` (mcp.types.Tool) as the file holds them: by name, as the client sees them."""
    return {tool.name: tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools}


def dumps(listing: Listing) -> str:
    """One action or tool a line, so a change to one tool is a one-line diff."""

    def block(items: dict[str, Any]) -> str:
        return ",\n".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in items.items())

    actions = {name: [i.provider, i.toolset, i.write] for name, i in listing.actions.items()}
    return (
        f'{{\n"providers": {json.dumps(list(listing.providers))},\n'
        f'"actions": {{\n{block(actions)}\n}},\n"tools": {{\n{block(listing.tools)}\n}}\n}}\n'
    )


async def generate() -> Listing:
    """Every action and tool of every provider, built the real way with confirmation `auto` and
    nothing pinned, as tools/list shows them."""
    # Imported here: the server module imports this one (for `load` and `fits`).
    from betaops.providers import PROVIDERS
    from betaops.server.app import ServerOptions, build_runtime, build_server
    from betaops.settings import Settings

    with tempfile.TemporaryDirectory() as state:
        settings = Settings(_env_file=None, state_dir=Path(state))
        options = ServerOptions(sandbox=True, toolsets=("all",))
        runtime = build_runtime(settings, options)
        server = build_server(settings, options, runtime, listing=NOTHING)
        tools = entries(await server.list_tools())
        if not all(fits(runtime, runtime.catalog.index.get(name), tool) for name, tool in tools.items()):
            raise SystemExit("a tool input is pinned in the environment: unset the *_ID variables, then run again")
        return Listing(tuple(PROVIDERS), runtime.catalog.index, tools)


def main() -> None:
    PATH.write_text(dumps(anyio.run(generate)), encoding="utf-8")
    print(f"wrote {PATH}", file=sys.stderr)  # noqa: T201


if __name__ == "__main__":
    main()
