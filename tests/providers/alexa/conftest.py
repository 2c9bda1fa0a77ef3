"""Alexa tests never read a developer's real ALEXA_* settings."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_alexa_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "ALEXA_CLIENT_ID",
        "ALEXA_CLIENT_SECRET",
        "ALEXA_REFRESH_TOKEN",
        "ALEXA_SKILL_ID",
        "ALEXA_BASE_URL",
        "ALEXA_TOKEN_URL",
    ):
        monkeypatch.delenv(name, raising=False)
