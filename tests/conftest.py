"""Fixtures: the anyio backend, both protocol eras, a clean environment, a fresh sandbox."""

from __future__ import annotations

import pytest

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
