"""The seeded sandbox account: the doc's example account, lists and subscribers, plus volume.

The doc's records are reproduced exactly, so its example requests answer with its example bodies
(within what one consistent account allows; see tests/providers/betasend/test_simulator.py):
lists 1 and 5 are the only active ones among the first five (2, 3 and 4 were deleted, which is why
`subscriber01@gmail.com` still shows memberships of "Empty List" and "List Create Test"), list 1
has 7 emails (4 subscribed, 3 unsubscribed), and subscribers 15 and 16 are its newest.
Lists 6-8 add volume: "Beta Testers" has 320 subscribers, enough to page through.
"""

from __future__ import annotations

import random

from betaops.providers.betasend.simulator.config import SANDBOX_DOMAIN
from betaops.providers.betasend.simulator.state import (
    ACTIVE,
    DELETED,
    ZERO_DATE,
    Account,
    BetasendState,
    MailingList,
    Membership,
    Subscriber,
)

DOC_CODE = "axz3weqd390"  # the doc's verify-reply-email-code example
DOC_CODE_EMAIL = "myfromemail01@gmail.com"
BETA_LIST_ID = 6
BETA_LIST_SIZE = 320

_FIRST = ("Ana", "Ben", "Chloe", "Dev", "Eva", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam")
_LAST = ("Silva", "Okafor", "Nguyen", "Schmidt", "Rossi", "Kowalski", "Haddad", "Tanaka", "Moreau", "Byrne")


def _list(list_id: int, name: str, from_name: str, from_email: str, subject: str, key: str, **kw: str) -> MailingList:
    return MailingList(
        list_id=list_id,
        list_name=name,
        default_from_name=from_name,
        default_from_email=from_email,
        default_subject=subject,
        list_key=key,
        created_by="Sean S",
        company="Company1",
        address="My Address",
        city="My City",
        postal_code="33333",
        country="Bangladesh",
        state_code="My State Code",
        phone="123456789",
        status=kw.pop("status", ACTIVE),
        date_added=kw.pop("date_added"),
        **kw,
    )


def _lists() -> list[MailingList]:
    return [
        _list(
            1,
            "First List",
            "First List",
            "myfrom@gmail.com",
            "First List",
            "ZdkvDNn7jH",
            date_added="2017-01-11 21:59:16",
            click_rate="2%",
            open_rate="0%",
        ),
        _list(
            2,
            "Second List",
            "Sean",
            "seans@gmail.com",
            "",
            "Qw8PzL2mXa",
            date_added="2017-01-20 10:02:44",
            status=DELETED,
            deleted_date="2017-02-01 09:00:00",
        ),
        _list(
            3,
            "Empty List",
            "Sean",
            "seans@gmail.com",
            "",
            "Ty5NbR0cVe",
            date_added="2017-02-15 03:50:12",
            status=DELETED,
            deleted_date="2017-02-19 11:30:00",
        ),
        _list(
            4,
            "List Create Test",
            "Sean",
            "seans@gmail.com",
            "",
            "Mk3JdS9uWo",
            date_added="2017-02-15 03:52:40",
            status=DELETED,
            deleted_date="2017-02-19 11:31:00",
        ),
        _list(5, "List1", "Sean", "seans@gmail.com", "", "HnpCVJkQ9r", date_added="2017-02-20 07:09:03"),
        _list(
            BETA_LIST_ID,
            "Beta Testers",
            "Acme Beta",
            "beta@acme.example",
            "New build ready",
            "Bt6RsQ1aZp",
            date_added="2017-02-21 08:00:00",
            click_rate="11%",
            open_rate="46%",
        ),
        _list(
            7,
            "Newsletter",
            "Acme",
            "news@acme.example",
            "Acme monthly",
            "Nw7LtE4gHs",
            date_added="2017-02-22 08:00:00",
            click_rate="4%",
            open_rate="31%",
        ),
        _list(
            8,
            "iOS Beta",
            "Acme Beta",
            "beta@acme.example",
            "TestFlight build",
            "Io8BcV5fKd",
            date_added="2017-02-23 08:00:00",
            click_rate="9%",
            open_rate="52%",
        ),
    ]


def _join(state: BetasendState, sub: Subscriber, list_id: int, subscribed: str, date: str, unsub: str | None) -> None:
    lst = state.lists[list_id]
    state.memberships[(sub.subscribe_id, list_id)] = Membership(
        subscribe_id=sub.subscribe_id,
        list_id=list_id,
        subscribed=subscribed,
        subscribed_date=date,
        unsubscribed_date=unsub,
        default_from_name=lst.default_from_name,
        default_from_email=lst.default_from_email,
        default_reply_email=lst.default_reply_email,
        default_subject=lst.default_subject,
        description=lst.description,
    )


def _doc_subscribers(state: BetasendState) -> None:
    def add(sid: int, email: str, first: str, last: str, subscribed: str, date: str, unsub: str | None) -> Subscriber:
        sub = Subscriber(sid, email, first, last, subscribed, date, unsub)
        state.subscribers[sid] = sub
        return sub

    webform01 = add(1, "webformtest01@gmail.com", "WebForm", "Test01", "Yes", "2017-01-11 23:47:01", None)
    add(2, "newfieldstest01@gmail.com", "NewFields", "Test01", "Yes", "2017-01-12 08:10:00", None)
    # Never subscribed account-wide: a zero subscribed date and an empty unsubscribed date.
    subscriber01 = add(3, "subscriber01@gmail.com", "", "", "No", ZERO_DATE, "")
    add(4, "subscriber02@gmail.com", "", "", "Yes", "2017-02-15 03:56:00", None)
    add(5, "newfieldstest02@gmail.com", "NewFields", "Test02", "Yes", "2017-01-12 08:11:00", None)
    add(6, "newfieldstest03@gmail.com", "NewFields", "Test03", "Yes", "2017-01-12 08:12:00", None)
    add(7, "subscriber03@gmail.com", "", "", "Yes", "2017-02-15 03:57:00", None)
    for n in range(2, 11):  # webformtest02 .. webformtest010 are subscribers 8 .. 16
        sid = 6 + n
        add(sid, f"webformtest0{n}@gmail.com", "WebForm", "Test01", "Yes", f"2017-01-16 21:39:{21 + n:02d}", None)

    _join(state, webform01, 1, "No", "2017-01-12 07:47:01", "2017-01-14 04:26:02")
    _join(state, state.subscribers[11], 1, "No", "2017-01-16 21:39:25", "2017-01-20 10:00:00")
    _join(state, state.subscribers[12], 1, "No", "2017-01-16 21:39:26", "2017-01-21 10:00:00")
    for sid in (13, 14, 15, 16):
        _join(state, state.subscribers[sid], 1, "Yes", state.subscribers[sid].subscribed_date, "")
    _join(state, subscriber01, 3, "No", "2017-02-15 03:54:01", None)
    _join(state, subscriber01, 4, "No", "2017-02-15 03:55:11", None)
    for sid in (4, 7):
        _join(state, state.subscribers[sid], 5, "Yes", state.subscribers[sid].subscribed_date, "")
    # The doc's list-subscribers example was taken before list 1's sender address changed.
    for sid in (15, 16):
        state.memberships[(sid, 1)].default_from_email = "myfrommail@gmail.com"


def _volume(state: BetasendState, rng: random.Random) -> None:
    """Beta testers: list 6 has all of them; the newsletter and iOS beta lists overlap it."""
    for i in range(BETA_LIST_SIZE):
        sid = state.next_subscriber_id()
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        day, minute = 21 + i % 7, i % 60
        date = f"2017-02-{day:02d} {8 + i % 12:02d}:{minute:02d}:00"
        pending = i % 40 == 7
        unsubscribed = not pending and i % 9 == 4
        sub = Subscriber(
            sid,
            f"{first.lower()}.{last.lower()}{i:03d}@testers.example",
            first,
            last,
            "No" if unsubscribed else "Yes",
            date,
            f"2017-02-28 {i % 24:02d}:00:00" if unsubscribed else None,
            status="Pending" if pending else ACTIVE,
        )
        state.subscribers[sid] = sub
        _join(state, sub, BETA_LIST_ID, sub.subscribed, date, sub.unsubscribed_date or "")
        if pending:
            state.memberships[(sid, BETA_LIST_ID)].status = "Pending"
        if i % 5 == 0:
            _join(state, sub, 7, "Yes", date, "")
        if i % 13 == 0:
            _join(state, sub, 8, "Yes", date, "")


def build_state(seed: int = 7) -> BetasendState:
    """A fresh, deterministic account: same seed, same data."""
    account = Account(
        user_id=10,
        domain=SANDBOX_DOMAIN,
        email="your_email@email.com",
        first_name="first_name",
        last_name="last_name",
        user_code="333333",
        mailer_settings="Enabled",
        reputation="Trusted",
    )
    state = BetasendState(account=account)
    for lst in _lists():
        state.lists[lst.list_id] = lst
    _doc_subscribers(state)
    _volume(state, random.Random(seed))
    state.pending_codes[DOC_CODE] = DOC_CODE_EMAIL
    return state
