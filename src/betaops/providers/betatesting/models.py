"""BetaTesting.com wire shapes: enums, resources as the API returns them, and tool inputs.

Resources mirror the provider's JSON (snake_case fields inside a `{"data": ...}` envelope, like the
guide's documented `meta.current_page`). The provider's Swagger is private, so fields beyond those
named in the public guide are our reconstruction (NOTES.md lists which); each resource keeps
`extra="allow"` so a field the real API adds still reaches the user, reads the camelCase spelling
of a field as that field, and leaves every field but the few that name it optional. An answer
that still does not fit is shown as received (`core.shapes.fit`), never as a failure.

Tool inputs are strict (`extra="forbid"`): an assistant's typo fails loudly at validation. Their
field names are snake_case (what the model writes); on the wire every request field is camelCase,
the one casing the guide's own parameters use (`filterStatuses`, `sortSubmitDate`; NOTES.md).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AliasGenerator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator
from pydantic.alias_generators import to_camel, to_snake

from betaops.core.filters import When

# ---------------------------------------------------------------------------- enums


class TestStatus(StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    READY = "ready"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    CLOSED = "closed"
    PAUSED = "paused"


class TestStage(StrEnum):
    LAUNCH = "launch"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"
    COMPLETE = "complete"


class TesterStatus(StrEnum):
    INCOMPLETE = "incomplete"
    COMPLETE = "complete"
    PENDING_REVIEW = "pending_review"
    REMOVED = "removed"
    OPT_OUT = "opt_out"
    STUCK = "stuck"


class IssueStatus(StrEnum):
    DRAFT = "draft"
    TO_DO = "to_do"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    NEEDS_MORE_INFO = "needs_more_info"
    RETEST = "retest"
    OUTSIDE_SCOPE = "outside_scope"


class IssuePriority(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    TRIVIAL = "trivial"


class SortOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


class ActivityType(StrEnum):
    SURVEY = "survey"
    TASK = "task"


class ActivityItemType(StrEnum):
    QUESTION = "question"
    TASK = "task"


class InviteStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    REVOKED = "revoked"


class ShipmentStatus(StrEnum):
    PENDING = "pending"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    RETURNED = "returned"


class Platform(StrEnum):
    IOS = "ios"
    ANDROID = "android"
    WEB = "web"
    DESKTOP = "desktop"
    HARDWARE = "hardware"


# ---------------------------------------------------------------------------- shared types

Id = Annotated[int, Field(ge=1)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=5000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Tag = Annotated[str, StringConstraints(pattern=r"^[\w .:-]{1,50}$")]
IdList = Annotated[list[Id], Field(min_length=1, max_length=100)]


class Wire(BaseModel):
    """An answer from the provider: unknown fields kept, a camelCase spelling read as our field."""

    model_config = ConfigDict(extra="allow", defer_build=True)  # validators built on first use: a faster start

    @model_validator(mode="before")
    @classmethod
    def _either_casing(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        out = dict(data)
        for key, value in data.items():
            name = to_snake(key) if isinstance(key, str) else key
            if key not in fields and name in fields and name not in data:
                out[name] = out.pop(key) if key in out else value
        return out


class Resource(Wire):
    """A provider resource. `SUMMARY` names the fields a list shows unless more are asked for."""

    SUMMARY: ClassVar[tuple[str, ...]] = ()
    LABEL: ClassVar[str] = "item"

    id: int

    def label(self) -> str:
        """A short human name for previews, e.g. `issue #12 "Crash on login"`."""
        name = getattr(self, "title", None) or getattr(self, "name", None) or getattr(self, "email", None)
        return f'{self.LABEL} #{self.id} "{name}"' if name else f"{self.LABEL} #{self.id}"


# ---------------------------------------------------------------------------- resources


class Test(Resource):
    SUMMARY = ("id", "name", "status", "platform", "tester_count", "issue_count", "updated_at")
    LABEL = "test"
    name: str
    status: TestStatus
    description: str | None = None
    platform: Platform | None = None
    max_testers: int | None = None
    tester_count: int | None = None
    issue_count: int | None = None
    id_verification_required: bool | None = None
    start_date: str | None = None
    end_date: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    def label(self) -> str:
        return f'test #{self.id} "{self.name}" (status {self.status})'


class Tester(Resource):
    SUMMARY = ("id", "first_name", "last_name", "email", "status")
    LABEL = "tester"
    test_id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    status: TesterStatus | None = None
    country: str | None = None
    device: str | None = None
    joined_at: str | None = None
    completed_at: str | None = None

    def label(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return f"tester #{self.id} {name} <{self.email}>".replace("  ", " ")


class Issue(Resource):
    SUMMARY = ("id", "title", "status", "priority", "submitted_at", "updated_at")
    LABEL = "issue"
    test_id: int | None = None
    title: str
    description: str | None = None
    status: IssueStatus
    priority: IssuePriority
    notes: str | None = None
    tester_id: int | None = None
    device: str | None = None
    submitted_at: str | None = None
    updated_at: str | None = None

    def label(self) -> str:
        return f'issue #{self.id} "{self.title}" (status {self.status}, priority {self.priority})'


class ActivityItem(Resource):
    LABEL = "activity item"
    type: ActivityItemType | None = None
    title: str | None = None
    required: bool | None = None
    options: list[str] | None = None
    position: int | None = None


class Activity(Resource):
    SUMMARY = ("id", "title", "type", "status", "response_count")
    LABEL = "activity"
    test_id: int | None = None
    title: str
    type: ActivityType | None = None
    description: str | None = None
    status: str | None = None
    items: list[ActivityItem] | None = None
    response_count: int | None = None
    responses: list[dict[str, Any]] | None = None
    created_at: str | None = None


class Message(Resource):
    SUMMARY = ("id", "tester_id", "direction", "subject", "sent_at")
    LABEL = "message"
    test_id: int | None = None
    tester_id: int | None = None
    direction: Literal["to_tester", "from_tester"] | None = None
    subject: str | None = None
    body: str | None = None
    sent_at: str | None = None


class InviteSettings(Wire):
    test_id: int
    auto_accept: bool | None = None
    max_invites: int | None = None
    invite_message: str | None = None
    require_screener: bool | None = None


class Invite(Resource):
    SUMMARY = ("id", "email", "status", "sent_at")
    LABEL = "invite"
    test_id: int | None = None
    email: str | None = None
    status: InviteStatus | None = None
    sent_at: str | None = None
    expires_at: str | None = None


class Shipment(Resource):
    SUMMARY = ("id", "tester_id", "carrier", "tracking_number", "status")
    LABEL = "shipment"
    test_id: int | None = None
    tester_id: int | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    status: ShipmentStatus | None = None
    shipped_at: str | None = None


class IdVerification(Wire):
    id_verification_required: bool
    test_id: int | None = None
    tester_id: int | None = None


class CustomField(Resource):
    SUMMARY = ("id", "key", "name", "type")
    LABEL = "custom field"
    key: str
    name: str
    type: Literal["text", "number", "select", "date"] | None = None
    options: list[str] | None = None


class CommunityTester(Resource):
    SUMMARY = ("id", "first_name", "last_name", "email", "tags")
    LABEL = "community tester"
    email: str
    first_name: str | None = None
    last_name: str | None = None
    country: str | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None
    id_verification_required: bool | None = None
    created_at: str | None = None

    def label(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return f"community tester #{self.id} {name} <{self.email}>".replace("  ", " ")


class BulkCreateResult(Wire):
    created: list[CommunityTester]
    skipped: list[dict[str, Any]] = Field(default_factory=list, description="Rows not created, with a reason")


# ---------------------------------------------------------------------------- tool inputs


CAMEL = AliasGenerator(serialization_alias=to_camel)
"""Every request field leaves in camelCase (`max_testers` -> `maxTesters`); tool inputs keep snake_case."""


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True, alias_generator=CAMEL, defer_build=True)


class TestRef(Params):
    test_id: Id = Field(description="Test id")


class ListTestsParams(Params):
    status: TestStatus | None = Field(None, description="Only tests in this status")


class CreateTestParams(Params):
    name: ShortText = Field(description="Test name shown to testers")
    description: Text | None = Field(None, description="What testers should do")
    platform: Platform | None = Field(None, description="Platform under test")
    max_testers: int | None = Field(None, ge=1, le=10000, description="Maximum number of testers")


class UpdateTestParams(TestRef):
    name: ShortText | None = Field(None, description="New name")
    description: Text | None = Field(None, description="New description")
    platform: Platform | None = Field(None, description="New platform")
    max_testers: int | None = Field(None, ge=1, le=10000, description="New maximum number of testers")


class CopyTestParams(TestRef):
    name: ShortText | None = Field(None, description="Name of the copy (default: 'Copy of ...')")


class ChangeStageParams(TestRef):
    stage: TestStage = Field(description="The new stage")


class ListTestersParams(TestRef):
    search: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        None, description="Match on name or email"
    )
    status: TesterStatus | None = Field(None, description="Only testers in this status")


class TesterRef(TestRef):
    tester_id: Id = Field(description="Tester id within the test")


class TesterIdsParams(TestRef):
    tester_ids: IdList = Field(description="Tester ids (1-100)")


class MessageTestersParams(TesterIdsParams):
    subject: ShortText | None = Field(None, description="Subject line")
    message: Text = Field(description="Message body sent to each tester")


class ListIssuesParams(TestRef):
    statuses: list[IssueStatus] | None = Field(
        None, serialization_alias="filterStatuses", description="Only issues in these statuses"
    )
    priorities: list[IssuePriority] | None = Field(
        None, serialization_alias="filterPriorities", description="Only issues with these priorities"
    )
    sort_submit_date: SortOrder | None = Field(
        None, serialization_alias="sortSubmitDate", description="Sort by submission date"
    )
    sort_update_date: SortOrder | None = Field(
        None, serialization_alias="sortUpdateDate", description="Sort by last update"
    )
    since: When | None = Field(None, description="Submitted since: ISO date or Nd (N days ago)")
    until: When | None = Field(None, description="Submitted before: ISO date or Nd")
    text: str | None = Field(None, description="In title or description (any case)")


class IssueRef(TestRef):
    issue_id: Id = Field(description="Issue id within the test")


class UpdateIssueParams(IssueRef):
    status: IssueStatus | None = Field(None, description="New status")
    priority: IssuePriority | None = Field(None, description="New priority")
    notes: Text | None = Field(None, description="Internal notes (replaces the current notes)")


class ActivityRef(TestRef):
    activity_id: Id = Field(description="Activity id within the test")


class CreateActivityParams(TestRef):
    title: ShortText = Field(description="Activity title")
    type: ActivityType = Field(description="survey or task")
    description: Text | None = Field(None, description="Instructions for testers")


class UpdateActivityParams(ActivityRef):
    title: ShortText | None = Field(None, description="New title")
    description: Text | None = Field(None, description="New instructions")


class CreateActivityItemParams(ActivityRef):
    type: ActivityItemType = Field(description="question or task")
    title: Text = Field(description="Question or task text")
    required: bool | None = Field(None, description="Must testers answer it?")
    options: Annotated[list[ShortText], Field(max_length=50)] | None = Field(
        None, description="Choices for a multiple-choice question"
    )


class ActivityItemRef(ActivityRef):
    item_id: Id = Field(description="Item id within the activity")


class UpdateActivityItemParams(ActivityItemRef):
    title: Text | None = Field(None, description="New text")
    required: bool | None = Field(None, description="Must testers answer it?")
    options: Annotated[list[ShortText], Field(max_length=50)] | None = Field(None, description="New choices")


class ListInvitesParams(TestRef):
    status: InviteStatus | None = Field(None, description="Only invites in this status")


class UpdateInviteSettingsParams(TestRef):
    auto_accept: bool | None = Field(None, description="Accept applicants automatically")
    max_invites: int | None = Field(None, ge=1, le=100000, description="Cap on invites sent")
    invite_message: Text | None = Field(None, description="Text of the invitation")
    require_screener: bool | None = Field(None, description="Require the screener survey")


class UpdateInviteParams(TestRef):
    invite_id: Id = Field(description="Invite id within the test")
    status: Literal["revoked", "pending"] = Field(description="revoked to withdraw, pending to resend")


class UpdateShipmentParams(TestRef):
    shipment_id: Id = Field(description="Shipment id within the test")
    carrier: ShortText | None = Field(None, description="Carrier name, e.g. UPS")
    tracking_number: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{4,40}$")] | None = Field(
        None, description="Carrier tracking number"
    )
    status: ShipmentStatus | None = Field(None, description="New shipment status")


class ListCommunityTestersParams(Params):
    search: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        None, description="Match on name or email"
    )
    tag: Tag | None = Field(None, description="Only testers with this tag")


class CommunityTesterRef(Params):
    tester_id: Id = Field(description="Community tester id (see betatesting_list_community_testers)")


class UpdateCommunityTesterParams(CommunityTesterRef):
    first_name: ShortText | None = Field(None, description="New first name")
    last_name: ShortText | None = Field(None, description="New last name")
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        None, description="ISO 3166-1 alpha-2 country code"
    )
    custom_fields: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,50}$")], str | int | float] | None = (
        Field(None, description="Custom field values by key (see betatesting_list_custom_fields)")
    )


class NewCommunityTester(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=CAMEL, defer_build=True)
    email: EmailStr = Field(description="Email address")
    first_name: ShortText | None = Field(None, description="First name")
    last_name: ShortText | None = Field(None, description="Last name")
    tags: Annotated[list[Tag], Field(min_length=1, max_length=20)] | None = Field(None, description="Tags")


class BulkCreateCommunityTestersParams(Params):
    testers: Annotated[list[NewCommunityTester], Field(min_length=1, max_length=100)] = Field(
        description="Testers to create (1-100); existing emails are skipped by the provider"
    )


class TagsParams(CommunityTesterRef):
    tags: Annotated[list[Tag], Field(min_length=1, max_length=20)] = Field(description="Tags (1-20)")


class NoParams(Params):
    pass
