"""The simulator's in-memory SMAPI: skills, their beta tests and testers, and what happened.

Records keep the provider's wire names so `wire()` is the API's JSON. Testers are keyed by
lower-cased email (Amazon treats addresses case-insensitively) in the order they joined, which is
the order the list operation pages through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from betaops.sim.request_log import RequestRecord, WriteRecord

BETA_DAYS = 90
"""A beta test runs for 90 days after it starts, then ends by itself."""


@dataclass
class TesterRecord:
    emailId: str
    associationDate: str
    isReminderAllowed: bool
    invitationStatus: str

    def wire(self) -> dict[str, Any]:
        return {
            "emailId": self.emailId,
            "associationDate": self.associationDate,
            "isReminderAllowed": self.isReminderAllowed,
            "invitationStatus": self.invitationStatus,
        }


@dataclass
class BetaTestRecord:
    status: str
    feedbackEmail: str | None
    invitationUrl: str
    expiryDate: str | None
    tester_limit: int
    changed_at: float  # when start/end was asked, for STARTING/STOPPING to advance
    testers: dict[str, TesterRecord] = field(default_factory=dict)

    def wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "invitationUrl": self.invitationUrl}
        if self.expiryDate is not None:
            out["expiryDate"] = self.expiryDate
        if self.feedbackEmail is not None:
            out["feedbackEmail"] = self.feedbackEmail
        out["invitesRemaining"] = max(0, self.tester_limit - len(self.testers))
        return out


@dataclass
class SkillRecord:
    skill_id: str
    vendor_id: str
    name: str
    beta_test: BetaTestRecord | None = None
    stage: str = "development"
    last_updated: str = "2026-11-01T10:00:00.000Z"
    asin: str | None = None

    def wire(self) -> dict[str, Any]:
        """The skill as `GET /v1/skills` lists it (ask-smapi-model's SkillSummary)."""
        out: dict[str, Any] = {
            "skillId": self.skill_id,
            "stage": self.stage,
            "apis": ["custom"],
            "publicationStatus": "PUBLISHED" if self.stage == "live" else "DEVELOPMENT",
            "lastUpdated": self.last_updated,
            "nameByLocale": {"en-US": self.name},
        }
        if self.asin is not None:
            out["asin"] = self.asin
        return out


@dataclass(frozen=True)
class SentEmail:
    """An email Amazon would send: invitation, reminder or feedback request."""

    kind: str
    skill_id: str
    email: str
    at: float


@dataclass(frozen=True)
class IssuedToken:
    client_id: str
    vendor_id: str
    expires_at: float


@dataclass
class AlexaState:
    vendors: dict[str, str] = field(default_factory=dict)  # vendor id -> name
    skills: dict[str, SkillRecord] = field(default_factory=dict)
    rotated_refresh_tokens: list[str] = field(default_factory=list)  # issued by rotation, in order
    tokens: dict[str, IssuedToken] = field(default_factory=dict)
    requests: list[RequestRecord] = field(default_factory=list)
    write_log: list[WriteRecord] = field(default_factory=list)
    outbox: list[SentEmail] = field(default_factory=list)

    def testers(self, skill_id: str) -> list[TesterRecord]:
        bt = self.skills[skill_id].beta_test
        return list(bt.testers.values()) if bt is not None else []
