"""The shipped tool listing: tools/list answered at start without building a single tool model.

Building a tool (its pydantic input and output models, then their JSON schemas) was most of a
start's work, and a start only needs what tools/list shows. `listing.json` holds exactly that for
every tool, written by the real path (`python -m betaops.server.listing` builds every tool and
records what tools/list shows) in the one configuration it fits: confirmation `auto` and nothing
pinned. A tool listed from it builds its real self on its first call (`sdk.listed_tool`). Any other
configuration, or a tool with a pinned input, builds its tools the real way at start.

tests/server/test_listing.py fails when the file differs from what the real path writes now, and
compares tools/list with and without it across configurations.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import anyio

from betaops.server.runtime import ConfirmMode, Runtime

PATH = Path(__file__).with_name("listing.json")


def load(path: Path = PATH) -> dict[str, dict[str, Any]]:
    """Tool name -> its tools/list entry; empty when the file is missing (every tool is then built)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    listing: dict[str, dict[str, Any]] = json.loads(text)
    return listing


def fits(runtime: Runtime, name: str) -> bool:
    """Whether this server lists `name` exactly as the file does: the file was written with
    confirmation `auto` (which adds confirm_token to writes) and no input pinned (a pin makes its
    field optional and names its value)."""
    if runtime.confirm is not ConfirmMode.AUTO:
        return False
    op = runtime.catalog.actions.get(name)
    conn = runtime.connections.get(op.provider) if op is not None else None
    if op is None or conn is None:
        return True  # a discovery tool, or one across providers: nothing of theirs is pinned
    pinned = {key for key, value in conn.defaults.items() if value is not None}
    return not pinned & set(op.params.model_fields)


def entries(tools: list[Any]) -> dict[str, dict[str, Any]]:
    """tools/list's `tools` (mcp.types.Tool) as the file holds them: by name, as the client sees them."""
    return {tool.name: tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools}


def dumps(listing: dict[str, dict[str, Any]]) -> str:
    """One tool a line, so a change to one tool is a one-line diff."""
    lines = [f"{json.dumps(name)}: {json.dumps(entry, ensure_ascii=False)}" for name, entry in listing.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


async def generate() -> dict[str, dict[str, Any]]:
    """Every tool, built the real way with confirmation `auto` and nothing pinned, as tools/list shows it."""
    # Imported here: the server module imports this one (for `load` and `fits`).
    from betaops.server.app import ServerOptions, build_runtime, build_server
    from betaops.settings import Settings

    with tempfile.TemporaryDirectory() as state:
        settings = Settings(_env_file=None, state_dir=Path(state))
        options = ServerOptions(sandbox=True, toolsets=("all",))
        runtime = build_runtime(settings, options)
        server = build_server(settings, options, runtime, listing={})
        if not all(fits(runtime, name) for name in runtime.catalog.actions):
            raise SystemExit("a tool input is pinned in the environment: unset the *_ID variables, then run again")
        return entries(await server.list_tools())


def main() -> None:
    PATH.write_text(dumps(anyio.run(generate)), encoding="utf-8")
    print(f"wrote {PATH}", file=sys.stderr)  # noqa: T201


if __name__ == "__main__":
    main()
