"""Tool schema snapshots: a change to the public tool surface shows up as a reviewed diff.

Each tool's definition (name, description, schemas, annotations) is committed as JSON under a
`__toolsnaps__/` folder; `UPDATE_SNAPSHOTS=1 pytest` rewrites them for review.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from mcp.types import Tool


def check_snapshots(tools: Mapping[str, Tool], folder: Path) -> None:
    update = os.environ.get("UPDATE_SNAPSHOTS") == "1"
    folder.mkdir(exist_ok=True)
    for name, tool in sorted(tools.items()):
        snap = folder / f"{name}.json"
        current = json.dumps(tool.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2, sort_keys=True)
        if update:
            snap.write_text(current + "\n")
            continue
        assert snap.exists(), f"no snapshot for {name}: run UPDATE_SNAPSHOTS=1 pytest"
        assert snap.read_text() == current + "\n", f"{name} changed: review, then UPDATE_SNAPSHOTS=1 pytest"
    stale = {p.stem for p in folder.glob("*.json")} - set(tools)
    assert not stale, f"snapshots for tools that no longer exist: {sorted(stale)}"
