"""The scripted conversations of `bench/conversations.py` still run to the end, so the bench cannot rot.

Each of issue 12's requests replays on a fresh sandbox through a real MCP client that approves
every write; each must finish with no error result and within its call and byte goals (the bench
alone measures time). The bulk invite uses 60 people here: still a job, and quick.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.anyio

_PATH = Path(__file__).resolve().parents[2] / "bench" / "conversations.py"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_conversations", _PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


BENCH = _bench()


@pytest.mark.parametrize("request_", BENCH.REQUESTS, ids=lambda r: r.key)
async def test_each_scripted_request_completes_within_its_goals(request_: Any, tmp_path: Path) -> None:
    outcome = await BENCH.replay(request_, tmp_path, bulk=60)
    errors = [c.error for c in outcome.calls if c.error and not c.expected]  # refusals a script handles aside
    assert outcome.error is None and errors == [], (outcome.error, errors)
    assert outcome.met(timed=False), BENCH.table([outcome]).text()
