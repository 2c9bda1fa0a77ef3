"""`core.shapes.fit`: validated where the answer fits the model, as received (bounded) where it does not."""

from __future__ import annotations

import json

from betaops.core.shapes import EMPTY, MAX_RAW_CHARS, PARTLY, UNEXPECTED, bounded, fit
from betaops.providers.betasend.models import ListStatistics, Success
from betaops.providers.betatesting import models as bt


def test_a_fitting_item_is_validated_and_has_no_note() -> None:
    data, note = fit(bt.Issue, {"id": 3, "title": "Crash", "status": "to_do", "priority": "high", "extra": 1})
    assert note is None
    assert data["id"] == 3 and data["status"] == "to_do" and data["extra"] == 1 and data["notes"] is None


def test_betasend_create_list_answering_message_and_list_id_fits_the_success_model() -> None:
    """The issue's example: a write that succeeded must not fail on its answer's shape."""
    data, note = fit(Success, {"message": "List added successfully", "list_id": 77})
    assert note is None and data["list_id"] == 77 and data["message"] == "List added successfully"


def test_an_item_that_does_not_fit_comes_back_as_received_with_a_note() -> None:
    raw = {"updated": 2}
    data, note = fit(bt.Tester, raw)
    assert data == raw and note == UNEXPECTED


def test_an_empty_answer_is_none_with_a_note_not_an_error() -> None:
    empties: tuple[object, ...] = (None, [], {}, "")
    for empty in empties:
        data, note = fit(ListStatistics, empty)
        assert data is None and note == EMPTY


def test_many_keeps_valid_items_validated_and_odd_ones_raw() -> None:
    items = [{"id": 1, "email": "a@example.com"}, {"weird": True}, {"id": 2}]
    data, note = fit(bt.Tester, items, many=True)
    assert note == PARTLY
    assert data[0]["email"] == "a@example.com" and data[0]["status"] is None  # validated: every field present
    assert data[1] == {"weird": True}
    assert data[2]["id"] == 2


def test_many_with_no_valid_item_or_not_a_list_says_unexpected() -> None:
    assert fit(bt.Tester, [{"nope": 1}], many=True) == ([{"nope": 1}], UNEXPECTED)
    assert fit(bt.Tester, {"data": {"updated": 2}}, many=True) == ({"data": {"updated": 2}}, UNEXPECTED)
    assert fit(bt.Tester, None, many=True) == ([], None)
    assert fit(bt.Tester, [], many=True) == ([], None)


def test_raw_answers_are_bounded_to_about_4000_characters_of_json() -> None:
    huge = {"rows": [{"n": i, "text": "x" * 50} for i in range(500)], "tail": "y" * 10_000}
    data, note = fit(bt.Tester, huge)
    assert note == UNEXPECTED
    assert len(json.dumps(data)) <= MAX_RAW_CHARS + 200
    long_list = [{"n": i} for i in range(2_000)]
    cut = bounded(long_list)
    assert len(json.dumps(cut)) <= MAX_RAW_CHARS + 100 and "more items" in cut[-1]
    assert bounded("z" * 10_000).endswith("[cut]")


def test_non_json_values_become_strings() -> None:
    data, note = fit(bt.Tester, {"when": object()})
    assert note == UNEXPECTED and isinstance(data["when"], str)
