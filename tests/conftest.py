"""Fixtures: the anyio backend, both protocol eras, a clean environment, a fresh sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from betaops.providers import PROVIDERS
from betaops.settings import Settings
from tests.redis_server import flush, redis_server
from tests.support import Box, make_box


def env_names(model: type[BaseSettings]) -> list[str]:
    """Every environment variable a settings model reads (prefix + field name, upper-case)."""
    prefix = str(model.model_config.get("env_prefix", ""))
    return [f"{prefix}{name}".upper() for name in model.model_fields]


# Every provider's variables and the shared ones, from the settings models: a developer's exported
# BETATESTING_TEST_ID or TESTFLIGHT_* must not change schemas or pins under test.
MODELS: list[type[BaseSettings]] = [Settings, *(p.settings for p in PROVIDERS.values())]
ENV_NAMES = sorted({name for model in MODELS for name in env_names(model)})


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["auto", "legacy"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))  # approvals, audit: per test
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir("/")  # no stray .env file is read


@pytest.fixture
def box() -> Box:
    return make_box("betatesting")


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
