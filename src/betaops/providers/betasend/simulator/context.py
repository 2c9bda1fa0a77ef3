"""What a Betasend simulator handler is given (`Call`) and how it refuses (`ApiError`).

Failures follow the doc's one shape, `{"error": {"<code>": "<meaning>", "messages": "..."}}`.
What the request asks for that the account cannot do (an unknown list id, a subscriber not in a
list, a wrong verification code) answers HTTP 200 with that body, as the doc presents those
answers as ordinary response objects; input that is malformed (a missing parameter, a bad email
or number) answers HTTP 406 with the same body, per the doc's error table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from betaops.providers.betasend.simulator.state import BetasendState

EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[A-Za-z]{2,}$")
VERIFY_SENT = "Verification Code was sent, Please Check your mail"


class ApiError(Exception):
    """A refused request: the HTTP status and the doc's error body."""

    def __init__(self, message: str, *, status: int = 200, code: int = 406, meaning: str = "Not Acceptable") -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {str(code): meaning, "messages": message}}


def refused(message: str) -> ApiError:
    """The account cannot do what was asked: HTTP 200 with an error body."""
    return ApiError(message)


def malformed(message: str) -> ApiError:
    """The input is not in the proper format: HTTP 406."""
    return ApiError(message, status=406)


@dataclass
class Call:
    state: BetasendState
    form: dict[str, str]
    now: str  # yyyy-mm-dd hh:mm:ss
    at: float

    def get(self, name: str) -> str | None:
        value = self.form.get(name, "").strip()
        return value or None

    def required(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise malformed(f"Missing parameter : {name}")
        return value

    def email(self, name: str = "email") -> str:
        value = self.required(name)
        if not EMAIL.match(value):
            raise malformed(f"Invalid email address : {value}")
        return value

    def emails(self) -> list[str]:
        values = list(dict.fromkeys(v.strip() for v in self.required("email").split(",") if v.strip()))
        for value in values:
            if not EMAIL.match(value):
                raise malformed(f"Invalid email address : {value}")
        return values

    def number(self, name: str, value: str | None = None) -> int:
        text = value if value is not None else self.required(name)
        if not text.isdigit() or int(text) < 1:
            raise malformed(f"Invalid {name.replace('_', ' ')} : {text}")
        return int(text)

    def numbers(self, name: str) -> list[int]:
        return list(dict.fromkeys(self.number(name, v.strip()) for v in self.required(name).split(",")))

    def offset(self, name: str, default: int, top: int) -> int:
        value = self.get(name)
        number = default if value is None else self.number(name, value)
        if number > top:
            raise malformed(f"Invalid {name} : {number} (at most {top})")
        return number


Body = Any
Handler = Callable[[Call], Body]
