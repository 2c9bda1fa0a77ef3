"""The 15 Betasend operations against the simulator's state, with the doc's answers and errors.

Betasend is a form-POST API (`POST /{name}`): every route is a POST, and says whether it writes.
Checks come first, so a refused request changes nothing (the error shapes are in `context.py`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from betaops.providers.betasend.simulator.config import MAX_LIMIT
from betaops.providers.betasend.simulator.context import VERIFY_SENT, Body, Call, Handler, malformed, refused
from betaops.providers.betasend.simulator.state import (
    ACTIVE,
    DELETED,
    MailingList,
    Membership,
    SentEmail,
    Subscriber,
)
from betaops.sim.routing import Route


def _active_list(call: Call, list_id: int, message: str | None = None) -> MailingList:
    lst = call.state.active_list(list_id)
    if lst is None:
        raise refused(message or f"Invalid list id : {list_id}")
    return lst


def _subscribe(call: Call, email: str, lists: list[MailingList], first: str | None, last: str | None) -> None:
    state = call.state
    sub = state.by_email(email)
    if sub is None:
        sub = Subscriber(state.next_subscriber_id(), email, first or "", last or "", "Yes", call.now, None)
        state.subscribers[sub.subscribe_id] = sub
    else:
        sub.first_name, sub.last_name = first or sub.first_name, last or sub.last_name
        if sub.subscribed != "Yes":
            sub.subscribed, sub.subscribed_date = "Yes", call.now
    for lst in lists:
        current = state.memberships.get((sub.subscribe_id, lst.list_id))
        if current is not None and current.status == ACTIVE and current.subscribed == "Yes":
            continue
        state.memberships[(sub.subscribe_id, lst.list_id)] = Membership(
            subscribe_id=sub.subscribe_id,
            list_id=lst.list_id,
            subscribed="Yes",
            subscribed_date=call.now,
            unsubscribed_date="",
            default_from_name=lst.default_from_name,
            default_from_email=lst.default_from_email,
            default_reply_email=lst.default_reply_email,
            default_subject=lst.default_subject,
            description=lst.description,
            signup_method="API",
        )


# ---------------------------------------------------------------------------- account


def account_details(call: Call) -> Body:
    return [call.state.account.wire()]


ACCOUNT_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "company",
    "address",
    "city",
    "zipcode",
    "country",
    "state",
    "phone",
)


def account_update(call: Call) -> Body:
    changes = {name: call.get(name) for name in ACCOUNT_FIELDS if call.get(name) is not None}
    if "email" in changes:
        call.email()
    for name, value in changes.items():
        setattr(call.state.account, name, value)
    return {"success": "Your contact info has been updated."}


# ---------------------------------------------------------------------------- subscribers


def subscribers_add(call: Call) -> Body:
    email = call.email()
    lists = [_active_list(call, n) for n in call.numbers("list_id")]
    _subscribe(call, email, lists, call.get("first_name"), call.get("last_name"))
    return {"success": "Subscriber added successfully"}


def subscribers_details(call: Call) -> Body:
    state = call.state
    out: dict[str, Any] = {}
    for email in call.emails():
        sub = state.by_email(email)
        if sub is None:
            out[email] = {"error_info": [{"message": "Email not subscribed"}]}
            continue
        out[email] = {
            "general_info": [sub.general_info()],
            "list_info": [m.list_info(state.lists[m.list_id]) for m in state.memberships_of(sub.subscribe_id)],
        }
    return out


def subscribers_remove(call: Call) -> Body:
    email, list_id = call.email(), call.number("list_id")
    _active_list(call, list_id)
    sub = call.state.by_email(email)
    member = call.state.memberships.get((sub.subscribe_id, list_id)) if sub is not None else None
    if member is None or member.status == DELETED or member.subscribed != "Yes":
        raise refused("Subscriber not available in this list")
    member.subscribed, member.unsubscribed_date = "No", call.now
    return {"success": "Unsubscribed Successfully"}


def subscribers_delete(call: Call) -> Body:
    state = call.state
    email, list_ids = call.email(), call.numbers("list_id")
    sub = state.by_email(email)
    if sub is None:
        raise refused("Subscriber not available in this account")
    members: list[Membership] = []
    for list_id in list_ids:
        member = state.memberships.get((sub.subscribe_id, list_id))
        if member is None or member.status == DELETED:
            raise refused(f"Subscriber not available in this list : {list_id}")
        members.append(member)
    for member in members:
        member.status, member.deleted_date = DELETED, call.now
    if not state.memberships_of(sub.subscribe_id):
        sub.status, sub.deleted_date = DELETED, call.now
    return {"success": "Deleted subscriber successfully"}


# ---------------------------------------------------------------------------- reply-email verification


def verify_reply_email(call: Call) -> Body:
    email = call.email()
    state = call.state
    seed = f"{email}:{len(state.outbox)}".encode()
    code = hashlib.sha256(seed).hexdigest()[:11]
    state.pending_codes[code] = email
    state.outbox.append(SentEmail(email, code, call.at))
    return {"success": VERIFY_SENT}


def verify_reply_email_code(call: Call) -> Body:
    code = call.required("verification_code")
    email = call.state.pending_codes.pop(code, None)
    if email is None:
        raise refused("Invalid verification code")
    call.state.verified_emails.add(email.lower())
    return {"success": "Verified code successfully"}


# ---------------------------------------------------------------------------- lists

# form field -> list attribute
LIST_FIELDS = {
    "list_name": "list_name",
    "from_name": "default_from_name",
    "reply_email": "default_from_email",
    "company": "company",
    "address": "address",
    "city": "city",
    "zipcode": "postal_code",
    "country": "country",
    "state": "state_code",
}


def _list_changes(call: Call) -> dict[str, str]:
    if call.get("reply_email") is not None:
        call.email("reply_email")
    return {attr: value for name, attr in LIST_FIELDS.items() if (value := call.get(name)) is not None}


def list_create(call: Call) -> Body:
    name = call.required("list_name")
    changes = _list_changes(call)
    state = call.state
    list_id = state.next_list_id()
    key = hashlib.sha256(f"{name}:{list_id}".encode()).hexdigest()[:10]
    lst = MailingList(
        list_id=list_id,
        list_name=name,
        list_key=key,
        created_by=f"{state.account.first_name} {state.account.last_name}".strip(),
        date_added=call.now,
    )
    for attr, value in changes.items():
        setattr(lst, attr, value)
    state.lists[list_id] = lst
    return {"success": "List added successfully", "list_id": list_id}


def list_update(call: Call) -> Body:
    lst = _active_list(call, call.number("list_id"), "Invalid list id")
    for attr, value in _list_changes(call).items():
        setattr(lst, attr, value)
    return {"success": "Lists updated successfully"}


def list_delete(call: Call) -> Body:
    lst = _active_list(call, call.number("list_id"))
    lst.status, lst.deleted_date = DELETED, call.now
    return {"success": "List deleted successfully"}


def lists(call: Call) -> Body:
    start, limit = call.offset("start", 1, 10**9), call.offset("limit", 10, MAX_LIMIT)
    list_id = call.get("list_id")
    if list_id is not None:
        found = [_active_list(call, call.number("list_id", list_id))]
    else:
        found = sorted((lst for lst in call.state.lists.values() if lst.active), key=lambda lst: lst.list_id)
    return [lst.wire() for lst in found[start - 1 : start - 1 + limit]]


def list_statistics(call: Call) -> Body:
    lst = _active_list(call, call.number("list_id"))
    members = call.state.members(lst.list_id)
    subscribed = sum(1 for m in members if m.subscribed == "Yes")
    return {
        str(lst.list_id): {
            "list_name": lst.list_name,
            "total-emails": len(members),
            "subscribed-emails": subscribed,
            "unsubscribed-emails": len(members) - subscribed,
            "click-rate": lst.click_rate,
            "open-rate": lst.open_rate,
        }
    }


def list_subscribers_add(call: Call) -> Body:
    emails = call.emails()
    lst = _active_list(call, call.number("list_id"))
    for email in emails:
        _subscribe(call, email, [lst], None, None)
    return {"success": "Subscriber added successfully"}


def list_subscribers(call: Call) -> Body:
    state = call.state
    start, limit = call.offset("start", 1, 10**9), call.offset("limit", 10, MAX_LIMIT)
    subscribed, status = call.get("subscribed"), call.get("status")
    if subscribed not in (None, "Yes", "No"):
        raise malformed(f"Invalid subscribed : {subscribed} (Yes or No)")
    if status not in (None, ACTIVE, "Pending", DELETED):
        raise malformed(f"Invalid status : {status} (Active, Pending or Deleted)")
    list_id = call.get("list_id")
    rows: list[dict[str, Any]]
    if list_id is not None:
        lst = _active_list(call, call.number("list_id", list_id))
        members = [
            m
            for m in state.memberships.values()
            if m.list_id == lst.list_id
            and (m.status == status if status else m.status != DELETED)
            and (subscribed is None or m.subscribed == subscribed)
        ]
        members.sort(key=lambda m: m.subscribe_id, reverse=True)
        rows = [m.wire(state.subscribers[m.subscribe_id]) for m in members]
    else:
        subs = [
            s
            for s in state.subscribers.values()
            if (s.status == status if status else s.status != DELETED)
            and (subscribed is None or s.subscribed == subscribed)
        ]
        subs.sort(key=lambda s: s.subscribe_id)
        rows = [s.short_wire() for s in subs]
    return rows[start - 1 : start - 1 + limit]


ROUTES: tuple[Route[Handler], ...] = (
    Route("POST", "/account-details", account_details, writes=False),
    Route("POST", "/account-update", account_update, writes=True),
    Route("POST", "/subscribers-add", subscribers_add, writes=True),
    Route("POST", "/subscribers-details", subscribers_details, writes=False),
    Route("POST", "/subscribers-remove", subscribers_remove, writes=True),
    Route("POST", "/subscribers-delete", subscribers_delete, writes=True),
    Route("POST", "/verify-reply-email", verify_reply_email, writes=True),
    Route("POST", "/verify-reply-email-code", verify_reply_email_code, writes=True),
    Route("POST", "/list-create", list_create, writes=True),
    Route("POST", "/list-update", list_update, writes=True),
    Route("POST", "/list-delete", list_delete, writes=True),
    Route("POST", "/lists", lists, writes=False),
    Route("POST", "/list-statistics", list_statistics, writes=False),
    Route("POST", "/list-subscribers-add", list_subscribers_add, writes=True),
    Route("POST", "/list-subscribers", list_subscribers, writes=False),
)
