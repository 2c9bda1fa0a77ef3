"""The state store every job test runs on: the embedded SQLite store and a real redis-server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from betaops.core.state import StateStore, open_store


@pytest.fixture(params=["sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StateStore]:
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    made = open_store(url, tmp_path)
    try:
        yield made
    finally:
        await made.aclose()
