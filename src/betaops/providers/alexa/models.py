"""SMAPI beta test wire shapes and strict tool inputs.

Resources keep the provider's documented field names (`emailId`, `invitationStatus`,
`isReminderAllowed`, `associationDate`, `feedbackEmail`, `expiryDate`, `invitationUrl`, ...) and
`extra="allow"`, so a field Amazon adds still reaches the user. Body fields of tool inputs use the
same names; only the path parameter is ours (`skill_id`), like every other provider's ids.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from betaops.core.invites import InviteResult

MAX_TESTERS_PER_CALL = 500
MAX_INVITE_EMAILS = 10_000

# Documented: 1-255 characters. Real ids are `amzn1.ask.skill.<uuid>` (52 characters) or, for
# skills from 2015-16, `amzn1.echo-sdk-ams.app.<uuid>`: both fit this charset and the client's
# 128-character path-segment check.
SKILL_ID_PATTERN = r"^amzn1\.[A-Za-z0-9._-]{1,122}$"
SkillId = Annotated[str, StringConstraints(pattern=SKILL_ID_PATTERN)]
# Vendor ids are short upper-case strings (e.g. M2SANDBOXVENDOR1); this only keeps the query clean.
VendorId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,64}$")]


class BetaTestStatus(StrEnum):
    IN_DRAFT = "IN_DRAFT"
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    STOPPING = "STOPPING"
    ENDED = "ENDED"


class InvitationStatus(StrEnum):
    ACCEPTED = "ACCEPTED"
    NOT_ACCEPTED = "NOT_ACCEPTED"


# ---------------------------------------------------------------------------- resources


class BetaTest(BaseModel):
    """A skill's beta test (`GET /v1/skills/{skillId}/betaTest`)."""

    model_config = ConfigDict(extra="allow")

    status: BetaTestStatus | None = None  # the enum names them: IN_DRAFT, STARTING, RUNNING, STOPPING, ENDED
    expiryDate: str | None = Field(None, description="When the beta test ends by itself (ISO 8601)")
    feedbackEmail: str | None = Field(None, description="Where testers' feedback goes")
    invitationUrl: str | None = Field(None, description="Link testers use to join")
    invitesRemaining: int | None = Field(None, description="How many more testers may be added")

    def label(self) -> str:
        parts = [f"status {self.status}" if self.status else "status unknown"]
        if self.invitesRemaining is not None:
            parts.append(f"{self.invitesRemaining} invites remaining")
        return f"beta test ({', '.join(parts)})"


class Tester(BaseModel):
    """One beta tester (`GET .../betaTest/testers`)."""

    model_config = ConfigDict(extra="allow")
    # Only the address by default, so limit=2000 over ~1,500 testers fits one result; `fields` adds more.
    SUMMARY: ClassVar[tuple[str, ...]] = ("emailId",)

    emailId: str = Field(description="The tester's email address")
    associationDate: str | None = Field(None, description="When the tester joined (ISO 8601)")
    isReminderAllowed: bool | None = Field(None, description="Whether a reminder may be sent to this tester")
    invitationStatus: InvitationStatus | None = Field(None, description="ACCEPTED or NOT_ACCEPTED")


class Vendor(BaseModel):
    """A vendor (developer account) the credentials act for (`GET /v1/vendors`)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(description="Vendor id, for alexa_list_skills")
    name: str | None = Field(None, description="The vendor's name")
    roles: list[str] | None = Field(None, description="The caller's roles, e.g. ROLE_ADMINISTRATOR")


class SkillSummary(BaseModel):
    """One skill of a vendor (`GET /v1/skills?vendorId=`, ask-smapi-model's SkillSummary)."""

    model_config = ConfigDict(extra="allow")
    SUMMARY: ClassVar[tuple[str, ...]] = ("skillId", "nameByLocale", "stage")

    skillId: str = Field(description="Skill id, for every beta test tool")
    nameByLocale: dict[str, str] | None = Field(None, description="The skill's name per locale")
    stage: str | None = Field(None, description="development or live")
    apis: list[str] | None = Field(None, description="Interfaces, e.g. custom, smartHome")
    publicationStatus: str | None = Field(None, description="e.g. DEVELOPMENT, CERTIFICATION, PUBLISHED")
    lastUpdated: str | None = Field(None, description="When the skill last changed (ISO 8601)")
    asin: str | None = Field(None, description="Amazon Standard Identification Number (live skills)")


class SkillInviteResult(InviteResult):
    """What `alexa_invite_testers` did, email by email."""

    skill_id: str
    add_calls: int = Field(description="Add calls made (at most 500 emails each)")


# ---------------------------------------------------------------------------- tool inputs


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True, defer_build=True)  # built on first use


class SkillRef(Params):
    # Pinned by ALEXA_SKILL_ID (the spec's `defaults`), which then makes it optional in every tool.
    skill_id: SkillId = Field(description="Skill id, e.g. amzn1.ask.skill.<uuid>")


class NoParams(Params):
    pass


class ListBetaTestersParams(SkillRef):
    invitation_status: InvitationStatus | None = Field(
        None, description="Only testers in this status (filtered by betaops: SMAPI has no such filter)"
    )


class ListSkillsParams(Params):
    vendor_id: VendorId = Field(serialization_alias="vendorId", description="Vendor id (see alexa_list_vendors)")


class BetaTestEmailParams(SkillRef):
    feedbackEmail: EmailStr | None = Field(None, description="Where testers' feedback goes (optional)")


class UpdateBetaTestParams(SkillRef):
    feedbackEmail: EmailStr = Field(description="New feedback email (the only field that can be updated)")


class TesterEmail(Params):
    emailId: EmailStr = Field(description="The tester's email address")


class TestersParams(SkillRef):
    testers: list[TesterEmail] = Field(
        min_length=1,
        max_length=MAX_TESTERS_PER_CALL,
        description="Testers, as [{emailId}] (1-500; alexa_invite_testers takes any number)",
    )


class InviteTestersParams(SkillRef):
    emails: list[Annotated[str, StringConstraints(max_length=320)]] = Field(
        min_length=1,
        max_length=MAX_INVITE_EMAILS,
        description="Email addresses to invite (any number up to 10000; duplicates and invalid ones are skipped)",
    )
