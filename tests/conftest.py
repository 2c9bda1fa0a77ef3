"""Fixtures: the anyio backend, both protocol eras, a clean environment, a fresh sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.redis_server import flush, redis_server
from tests.support import Sandbox, make_sandbox


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["auto", "legacy"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))  # approvals, audit: per test
    for name in ("BETATESTING_API_KEY", "BETATESTING_CLIENT_ID", "BETATESTING_CLIENT_SECRET", "BETAOPS_CONFIRM_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir("/")  # no stray .env file is read


@pytest.fixture
def box() -> Sandbox:
    return make_sandbox()


@pytest.fixture(scope="session")
def redis_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real redis-server for the session (skipped with a reason where the binary is missing)."""
    directory: Path = tmp_path_factory.mktemp("redis")
    with redis_server(directory) as url:
        yield url


@pytest.fixture
def redis_url(redis_service: str) -> str:
    """The session's redis-server, emptied for this test."""
    flush(redis_service)
    return redis_service
