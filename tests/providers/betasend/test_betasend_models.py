"""Betasend's two date formats and its "never" sentinels normalise to one ISO form or null."""

from __future__ import annotations

import pytest

from betaops.providers.betasend.models import ListStatistics, SubscribersDetails
from betaops.providers.betasend.provider import body_error
from betaops.providers.betasend.records import normalise_date, normalise_record


@pytest.mark.parametrize(
    ("wire", "tool"),
    [
        ("2017-01-16 21:39:31", "2017-01-16T21:39:31"),
        ("16-01-2017 21:39:31", "2017-01-16T21:39:31"),
        ("2017-01-16", "2017-01-16T00:00:00"),
        ("2017-01-16T21:39:31", "2017-01-16T21:39:31"),
        ("0000-00-00 00:00:00", None),
        ("30-11--0001 00:00:00", None),
        ("31-12-1969 19:00:00", None),
        ("01-01-1970 00:00:00", None),
        ("", None),
        ("soon", "soon"),  # unreadable: kept, not lost
        ("2017-13-40 00:00:00", "2017-13-40 00:00:00"),
        (None, None),
    ],
)
def test_dates(wire: str | None, tool: str | None) -> None:
    assert normalise_date(wire) == tool


def test_records_get_underscored_keys_and_dates() -> None:
    record = {"list-id": 1, "subscribed-date": "12-01-2017 07:47:01", "unsubscribed-date": "31-12-1969 19:00:00"}
    assert normalise_record(record) == {
        "list_id": 1,
        "subscribed_date": "2017-01-12T07:47:01",
        "unsubscribed_date": None,
    }


def test_keyed_bodies_become_records() -> None:
    stats = ListStatistics.model_validate({"1": {"list_name": "First List", "total-emails": 7, "click-rate": "2%"}})
    assert (stats.list_id, stats.total_emails, stats.click_rate) == (1, 7, "2%")
    details = SubscribersDetails.model_validate({"a-b@x.example": {"general_info": [], "list_info": []}})
    assert details.subscribers[0].email == "a-b@x.example"  # hyphens in emails are kept


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (
            {"error": {"406": "Not Acceptable", "messages": "Invalid list id : 10"}},
            ("406", "Not Acceptable: Invalid list id : 10"),
        ),
        ({"error": {"406": "Not Acceptable", "messages": ["a", "b"]}}, ("406", "Not Acceptable: a; b")),
        ({"error": "Server Error"}, (None, "Server Error")),
        ({"success": "Subscriber added successfully"}, None),
        ([{"list_id": 1}], None),
        ({"error@x.example": {"error_info": []}}, None),
    ],
)
def test_any_body_with_error_is_a_failure(body: object, found: tuple[str | None, str] | None) -> None:
    assert body_error(body) == found
