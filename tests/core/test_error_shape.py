"""One error parser for every provider: each declares where its body keeps the code and message."""

from __future__ import annotations

from typing import Any

import httpx2

from betaops.core.error_shape import ErrorShape


def answer(status: int, body: Any = None, text: str | None = None) -> httpx2.Response:
    return httpx2.Response(status, json=body) if text is None else httpx2.Response(status, text=text)


def test_code_and_message_are_read_where_the_shape_says() -> None:
    body = {"error": "Validation failed", "message": "The status field must be one of: draft"}
    assert ErrorShape()(answer(422, body)) == ("Validation failed", "The status field must be one of: draft")
    assert ErrorShape(code="code")(answer(400, {"code": "INVALID"})) == ("INVALID", "INVALID")


def test_a_listed_error_is_shown_each_and_a_long_list_is_cut_with_a_count() -> None:
    shape = ErrorShape(code="code", items="violations", max_items=2)
    body = {"message": "Request is not valid.", "violations": [{"code": f"E{n}", "message": f"m{n}"} for n in range(5)]}
    assert shape(answer(400, body)) == ("E0", "Request is not valid: m0; m1 (and 3 more)")


def test_an_answer_that_says_nothing_known_is_reported_by_its_status_line() -> None:
    assert ErrorShape()(answer(502, text="<html>Bad gateway</html>")) == (None, "Bad Gateway")
    assert ErrorShape()(answer(500, {"unexpected": True})) == (None, "Internal Server Error")
    assert ErrorShape()(answer(400, ["a", "b"])) == (None, "['a', 'b']")
