"""What an Alexa simulator handler is given and how it refuses: SMAPI's error bodies, the call.

Errors use SMAPI's documented body `{"message", "code"}`, except the 400s whose detail is per item:
those are `{"message": "Request is not valid.", "violations": [{"code", "message"}]}`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from betaops.providers.alexa.simulator.config import SimConfig
from betaops.providers.alexa.simulator.state import (
    AlexaState,
    BetaTestRecord,
    SentEmail,
    SkillRecord,
)
from betaops.sim.limiter import SlidingWindowLimiter


class SmapiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}

    def response(self, extra: dict[str, str] | None = None) -> JSONResponse:
        # Key order as in the documented example: message first, then code.
        return JSONResponse(
            {"message": self.message, "code": self.code}, self.status, {**(extra or {}), **self.headers}
        )


def bad_request(code: str, message: str) -> SmapiError:
    return SmapiError(400, code, message)


class ViolationsError(SmapiError):
    """A 400 whose detail is per item: `{"message": "Request is not valid.", "violations": [...]}`."""

    def __init__(self, violations: list[tuple[str, str]]) -> None:
        super().__init__(400, violations[0][0], "Request is not valid.")
        self.violations = violations

    def response(self, extra: dict[str, str] | None = None) -> JSONResponse:
        body = {"message": self.message, "violations": [{"code": c, "message": m} for c, m in self.violations]}
        return JSONResponse(body, self.status, {**(extra or {}), **self.headers})


@dataclass
class SimRuntime:
    state: AlexaState
    config: SimConfig
    reads: SlidingWindowLimiter
    writes: SlidingWindowLimiter


@dataclass
class Call:
    """One authenticated request for one skill."""

    rt: SimRuntime
    skill: SkillRecord
    request: Request
    now: float

    def beta_test(self) -> BetaTestRecord:
        bt = self.skill.beta_test
        if bt is None:
            raise SmapiError(404, "NOT_FOUND", f"No beta test exists for skill {self.skill.skill_id}.")
        return bt

    def require(self, bt: BetaTestRecord, allowed: tuple[str, ...], action: str) -> None:
        if bt.status not in allowed:
            raise SmapiError(
                409, "CONFLICT", f"Cannot {action} a beta test in status {bt.status} (needs {' or '.join(allowed)})."
            )

    def send(self, kind: str, emails: list[str]) -> None:
        self.rt.state.outbox += [SentEmail(kind, self.skill.skill_id, e, self.now) for e in emails]


Reply = tuple[int, dict[str, Any] | None, dict[str, str]]
Handler = Callable[[Call], Awaitable[Reply]]


@dataclass
class VendorCall:
    """One authenticated request that names no skill."""

    rt: SimRuntime
    vendor_id: str
    request: Request
    now: float


VendorHandler = Callable[[VendorCall], Awaitable[Reply]]
