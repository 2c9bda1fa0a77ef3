"""Alexa test helpers: the testers a skill has, the add calls the client sent, LWA on a fake clock."""

from __future__ import annotations

import json

import httpx2
from pydantic import SecretStr

from betaops.providers.alexa.provider import SANDBOX_TOKEN_URL, lwa_auth
from betaops.providers.alexa.simulator import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from betaops.sim.clock import FakeClock
from tests.support import Box


def emails(box: Box, skill_id: str) -> list[str]:
    """The email of every tester of the skill at the simulator, in order."""
    return [t.emailId for t in box["alexa"].state.testers(skill_id)]


def added_batches(box: Box) -> list[list[str]]:
    """The email lists of every add call the client sent, in order."""
    sent = box["alexa"].sent
    return [[t["emailId"] for t in json.loads(s.body)["testers"]] for s in sent if s.path.endswith("/testers/add")]


def alexa_auth(clock: FakeClock, refresh_token: str = SANDBOX_REFRESH_TOKEN) -> httpx2.Auth:
    """LWA with the sandbox client, its token cache ageing on the simulator's clock."""
    auth = lwa_auth(SANDBOX_CLIENT_ID, SecretStr(SANDBOX_CLIENT_SECRET), SecretStr(refresh_token), SANDBOX_TOKEN_URL)
    auth._clock = clock  # the token cache ages with the simulator, not the wall clock
    return auth
