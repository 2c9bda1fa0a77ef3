"""Betasend wire shapes, normalised for tools, and the strict tool inputs.

What the API sends and what a tool returns differ in three documented ways, all handled here:
- Keys: some bodies use hyphens (`subscribed-date`, `list-id`, `total-emails`); tools use `_`.
- Dates: two formats (`dd-mm-yyyy hh:mm:ss` in subscriber details, `yyyy-mm-dd hh:mm:ss`
  elsewhere) become one ISO form, `yyyy-mm-ddThh:mm:ss` (the API gives no time zone, so none is
  invented). Sentinels meaning "never" become null: `0000-00-00 00:00:00`, the empty string, and
  what PHP renders for a zero or empty date (`30-11--0001 00:00:00`, `31-12-1969 19:00:00`, any
  year before 1971). An unreadable date is passed through unchanged rather than lost.
- Keyed bodies: subscriber details are keyed by email and list statistics by list id; tools
  return them as lists of records with the key inside.

Resources keep `extra="allow"` so a field the real API adds still reaches the user. Tool inputs
are strict (`extra="forbid"`); comma-separated wire parameters are typed lists here and the
client joins them with commas.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)

from betaops.providers.betasend.records import normalise_date, normalise_record

# ---------------------------------------------------------------------------- normalising

Date = Annotated[str | None, BeforeValidator(normalise_date)]


class Wire(BaseModel):
    """A provider record as a tool returns it (normalised keys and dates)."""

    model_config = ConfigDict(extra="allow", defer_build=True)  # validators built on first use: a faster start
    SUMMARY: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        return normalise_record(data)


YesNo = Literal["Yes", "No"]

# ---------------------------------------------------------------------------- resources


class Account(Wire):
    user_id: int
    domain: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    user_code: str | None = None
    mailer_settings: str | None = None
    reputation: str | None = None


class Success(Wire):
    """What a Betasend write answers when it worked: any body without `error`.

    The doc shows `{"success": "..."}` (plus `list_id` on create); real accounts also answer
    `{"message": "List added successfully", "list_id": 77}`, or a bare confirmation. Every field is
    optional and unknown ones are kept: the write happened, whatever the wording.
    """

    success: str | None = Field(None, description="The provider's confirmation message")
    message: str | None = Field(None, description="The provider's confirmation, when it says `message`")
    list_id: int | None = Field(None, description="Id of the list created")

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, data: Any) -> Any:
        """A bare string or `true` is a confirmation too; `[]`/`null` (nothing to say) is an empty one."""
        if isinstance(data, str):
            return {"message": data}
        if data is None or data is True or data == []:
            return {}
        return data


class GeneralInfo(Wire):
    subscribed: str | None = None
    subscribed_date: Date = None
    unsubscribed_date: Date = None


class ListMembership(Wire):
    list_id: int
    list_name: str | None = None
    subscribed: str | None = None
    subscribed_date: Date = None
    unsubscribed_date: Date = None


class SubscriberDetail(BaseModel):
    """One email's subscriptions; `found` is false (with `error`) when the account does not know it."""

    model_config = ConfigDict(extra="allow")
    email: str
    found: bool
    general: GeneralInfo | None = None
    lists: list[ListMembership] = Field(default_factory=list)
    error: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "found" in data:
            return data
        general = data.get("general_info") or []
        errors = data.get("error_info") or []
        return {
            "email": data.get("email"),
            "found": not errors,
            "general": general[0] if general else None,
            "lists": data.get("list_info") or [],
            "error": "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors) or None,
        }

    def describe(self) -> str:
        if not self.found:
            return f"{self.email}: not in the account yet ({self.error or 'unknown'})"
        if not self.lists:
            return f"{self.email}: in no list"
        parts = [
            f'#{m.list_id} "{m.list_name}" ({"subscribed" if m.subscribed == "Yes" else "not subscribed"})'
            for m in self.lists
        ]
        return f"{self.email}: " + ", ".join(parts)

    def subscribed_to(self, list_id: int) -> bool:
        return any(m.list_id == list_id and m.subscribed == "Yes" for m in self.lists)


class SubscribersDetails(BaseModel):
    """Subscriber details; the wire body is `{email: {general_info, list_info} | {error_info}}`."""

    subscribers: list[SubscriberDetail] = Field(description="One entry per email asked for")

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, data: Any) -> Any:
        if data is None or data == []:  # nothing to report: no subscriber details
            return {"subscribers": []}
        if isinstance(data, dict) and "subscribers" not in data:
            return {"subscribers": [{"email": email, **(info or {})} for email, info in data.items()]}
        return data

    def label(self) -> str:
        return "; ".join(s.describe() for s in self.subscribers)


class ListStatistics(Wire):
    """A list's counts; the wire body is `{"<list id>": {list_name, total-emails, ...}}`."""

    list_id: int
    list_name: str | None = None
    total_emails: int | None = None
    subscribed_emails: int | None = None
    unsubscribed_emails: int | None = None
    click_rate: str | None = None
    open_rate: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        if isinstance(data, dict) and "list_id" not in data and len(data) == 1:
            (key, value), *_ = data.items()
            if str(key).isdigit() and isinstance(value, dict):
                return {"list_id": int(key), **value}
        return data

    def label(self) -> str:
        return (
            f'list #{self.list_id} "{self.list_name}" ({self.total_emails} emails: '
            f"{self.subscribed_emails} subscribed, {self.unsubscribed_emails} unsubscribed)"
        )


class MailingList(Wire):
    SUMMARY = ("list_id", "list_name", "default_from_name", "default_from_email", "status", "date_added")
    list_id: int
    list_name: str | None = None
    default_from_name: str | None = None
    default_from_email: str | None = None
    default_reply_email: str | None = None
    default_subject: str | None = None
    list_key: str | None = None
    description: str | None = None
    created_by: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    company: str | None = None
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country: str | None = None
    state_code: str | None = None
    phone: str | None = None
    status: str | None = None
    date_added: Date = None
    deleted_date: Date = None


class ListSubscriber(Wire):
    SUMMARY = ("subscribe_id", "email", "subscribed", "status", "list_id", "subscribed_date")
    subscribe_id: int
    email: str
    subscribed: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    subscribed_date: Date = None
    time_zone: str | None = None
    unsubscribed_date: Date = None
    list_id: int | None = None
    status: str | None = None
    subscriber_status: str | None = None
    deleted_date: Date = None
    default_from_name: str | None = None
    default_from_email: str | None = None
    default_reply_email: str | None = None
    default_subject: str | None = None
    description: str | None = None
    signup_method: str | None = None
    signup_url: str | None = None
    date_added: Date = None


# ---------------------------------------------------------------------------- tool inputs

MAX_LIST_ID = 2**31 - 1
ListId = Annotated[int, Field(ge=1, le=MAX_LIST_ID)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=255, strip_whitespace=True)]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9+()./ -]{3,30}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{4,64}$")]
MAX_EMAILS = 100  # per call; our cap, the doc names none (a form field of 100 emails is ~4 KB)


def _one_or_many(value: Any) -> Any:
    """Accept a single email where a list is expected (the guard reuses a write's `email`)."""
    return [value] if isinstance(value, str) else value


Emails = Annotated[list[EmailStr], BeforeValidator(_one_or_many), Field(min_length=1, max_length=MAX_EMAILS)]
ListIds = Annotated[list[ListId], Field(min_length=1, max_length=50)]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class NoParams(Params):
    pass


class _AtLeastOne(Params):
    KEYS: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _something_to_change(self) -> _AtLeastOne:
        if all(getattr(self, k) is None for k in self.KEYS):
            raise ValueError(f"give at least one of: {', '.join(self.KEYS)}")
        return self


class UpdateAccountParams(_AtLeastOne):
    KEYS = ("email", "first_name", "last_name", "company", "address", "city", "zipcode", "country", "state", "phone")
    email: EmailStr | None = Field(None, description="New account email address")
    first_name: Name | None = Field(None, description="First name")
    last_name: Name | None = Field(None, description="Last name")
    company: Line | None = Field(None, description="Company")
    address: Line | None = Field(None, description="Address")
    city: Name | None = Field(None, description="City")
    zipcode: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 -]{2,12}$")] | None = Field(
        None, description="Zip or postal code"
    )
    country: Name | None = Field(None, description="Country")
    state: Name | None = Field(None, description="State")
    phone: Phone | None = Field(None, description="Phone number")


class AddSubscriberParams(Params):
    email: EmailStr = Field(description="Email address to subscribe")
    list_id: ListIds = Field(description="Ids of the lists to subscribe it to (see betasend_list_lists)")
    first_name: Name | None = Field(None, description="Subscriber's first name")
    last_name: Name | None = Field(None, description="Subscriber's last name")


class SubscriberDetailsParams(Params):
    email: Emails = Field(description=f"Email addresses to look up (1-{MAX_EMAILS})")


class UnsubscribeParams(Params):
    email: EmailStr = Field(description="Email address to unsubscribe")
    list_id: ListId = Field(description="Id of the list to unsubscribe it from")


class DeleteSubscriberParams(Params):
    email: EmailStr = Field(description="Email address to delete")
    list_id: ListIds = Field(description="Ids of the lists to delete it from")


class VerifyReplyEmailParams(Params):
    email: EmailStr = Field(description="Reply (from) address to verify; a code is emailed to it")


class VerifyCodeParams(Params):
    verification_code: Code = Field(description="The code from the verification email")


class CreateListParams(Params):
    list_name: Line = Field(description="List name")
    from_name: Name | None = Field(None, description="Default From name")
    reply_email: EmailStr | None = Field(None, description="Default From address (verify it first)")
    company: Line | None = Field(None, description="Company name (shown in the footer)")
    address: Line | None = Field(None, description="Postal address")
    city: Name | None = Field(None, description="City")
    zipcode: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 -]{2,12}$")] | None = Field(
        None, description="Zip or postal code"
    )
    country: Name | None = Field(None, description="Country")
    state: Name | None = Field(None, description="State")


class ListRef(Params):
    list_id: ListId = Field(description="List id (see betasend_list_lists)")


class UpdateListParams(_AtLeastOne):
    KEYS = ("list_name", "from_name", "reply_email", "company", "address", "city", "zipcode", "country", "state")
    list_id: ListId = Field(description="List id (see betasend_list_lists)")
    list_name: Line | None = Field(None, description="New list name")
    from_name: Name | None = Field(None, description="New default From name")
    reply_email: EmailStr | None = Field(None, description="New default From address")
    company: Line | None = Field(None, description="Company name")
    address: Line | None = Field(None, description="Postal address")
    city: Name | None = Field(None, description="City")
    zipcode: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 -]{2,12}$")] | None = Field(
        None, description="Zip or postal code"
    )
    country: Name | None = Field(None, description="Country")
    state: Name | None = Field(None, description="State")


class ListListsParams(Params):
    list_id: ListId | None = Field(None, description="Only this list (omit for every list)")


class AddListSubscribersParams(Params):
    email: Emails = Field(description=f"Email addresses to subscribe (1-{MAX_EMAILS})")
    list_id: ListId = Field(description="Id of the list")


class ListSubscribersParams(Params):
    list_id: ListId | None = Field(None, description="Only this list's subscribers (omit for the whole account)")
    subscribed: YesNo | None = Field(None, description="Only subscribed (Yes) or unsubscribed (No) ones")
    status: Literal["Active", "Pending", "Deleted"] | None = Field(None, description="Only this status")
