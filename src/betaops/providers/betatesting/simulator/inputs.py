"""Reading query strings and JSON bodies the way the provider does, with its 422 wording.

Messages follow the provider's documented style, e.g. "The status field must be one of: ...".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


class ApiError(Exception):
    """An error response: `{"error": error, "message": message}` with `status`."""

    def __init__(self, status: int, error: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.headers = dict(headers or {})


def invalid(message: str) -> ApiError:
    return ApiError(422, "Validation failed", message)


def not_found(kind: str, ident: object) -> ApiError:
    return ApiError(404, "Not found", f"{kind} {ident} not found")


def need(value: T | None) -> T:
    """The value of a field read with `required=True` (which has already raised if it was missing)."""
    assert value is not None
    return value


def assign(record: object, **fields: object) -> None:
    """A PATCH: set the fields the request gave (not None); read them all first, so a refused
    request changes nothing."""
    for name, value in fields.items():
        if value is not None:
            setattr(record, name, value)


def _choices(choices: type[StrEnum] | Sequence[str]) -> list[str]:
    return [c.value for c in choices] if isinstance(choices, type) else list(choices)


class Input:
    """Typed, validated access to request fields; `from_query` values arrive as strings."""

    def __init__(self, data: Mapping[str, Any], *, from_query: bool, prefix: str = "") -> None:
        self.data = data
        self.from_query = from_query
        self.prefix = prefix  # e.g. "testers.3." for a row of a bulk request

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def _get(self, name: str, required: bool) -> Any:
        value = self.data.get(name)
        if value is None or (self.from_query and value == ""):
            if required:
                raise invalid(f"The {self.prefix}{name} field is required.")
            return None
        return value

    def string(
        self, name: str, *, required: bool = False, max_len: int = 255, pattern: str | None = None
    ) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise invalid(f"The {self.prefix}{name} field must be a string.")
        if not value.strip():
            raise invalid(
                f"The {self.prefix}{name} field is required."
                if required
                else f"The {self.prefix}{name} field must not be empty."
            )
        if len(value) > max_len:
            raise invalid(f"The {self.prefix}{name} field must not be greater than {max_len} characters.")
        if pattern and not re.fullmatch(pattern, value):
            raise invalid(f"The {self.prefix}{name} field format is invalid.")
        return value

    def enum(self, name: str, choices: type[StrEnum] | Sequence[str], *, required: bool = False) -> str | None:
        value = self._get(name, required)
        allowed = _choices(choices)
        if value is None:
            return None
        if value not in allowed:
            raise invalid(f"The {self.prefix}{name} field must be one of: {', '.join(allowed)}.")
        return str(value)

    def enum_list(self, name: str, choices: type[StrEnum] | Sequence[str]) -> list[str] | None:
        value = self._get(name, False)
        allowed = _choices(choices)
        if value is None:
            return None
        values = value.split(",") if isinstance(value, str) else value
        if not isinstance(values, list) or any(v not in allowed for v in values):
            raise invalid(f"The {self.prefix}{name} field must contain only: {', '.join(allowed)}.")
        return [str(v) for v in values]

    def integer(self, name: str, *, lo: int, hi: int, required: bool = False, default: int | None = None) -> int | None:
        value = self._get(name, required)
        if value is None:
            return default
        if self.from_query and isinstance(value, str) and re.fullmatch(r"-?\d{1,10}", value):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise invalid(f"The {self.prefix}{name} field must be an integer.")
        if value < lo:
            raise invalid(f"The {self.prefix}{name} field must be at least {lo}.")
        if value > hi:
            raise invalid(f"The {self.prefix}{name} field must not be greater than {hi}.")
        return value

    def boolean(self, name: str, *, required: bool = False) -> bool | None:
        value = self._get(name, required)
        if value is None:
            return None
        if self.from_query and value in ("true", "false", "1", "0"):
            return value in ("true", "1")
        if not isinstance(value, bool):
            raise invalid(f"The {self.prefix}{name} field must be true or false.")
        return value

    def array(self, name: str, *, required: bool = False, max_items: int = 100) -> list[Any] | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, list):
            raise invalid(f"The {self.prefix}{name} field must be an array.")
        if not value:
            raise invalid(f"The {self.prefix}{name} field must have at least 1 item.")
        if len(value) > max_items:
            raise invalid(f"The {self.prefix}{name} field must not have more than {max_items} items.")
        return value

    def id_list(self, name: str, *, required: bool = False) -> list[int] | None:
        values = self.array(name, required=required)
        if values is None:
            return None
        for i, v in enumerate(values):
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise invalid(f"The {self.prefix}{name}.{i} field must be a positive integer.")
        return list(dict.fromkeys(values))

    def string_list(
        self,
        name: str,
        *,
        required: bool = False,
        max_items: int = 50,
        max_len: int = 255,
        pattern: str | None = None,
    ) -> list[str] | None:
        values = self.array(name, required=required, max_items=max_items)
        if values is None:
            return None
        for i, v in enumerate(values):
            if not isinstance(v, str) or not v.strip() or len(v) > max_len:
                raise invalid(
                    f"The {self.prefix}{name}.{i} field must be a non-empty string of at most {max_len} characters."
                )
            if pattern and not re.fullmatch(pattern, v):
                raise invalid(f"The {self.prefix}{name}.{i} field format is invalid.")
        return [str(v) for v in values]

    def mapping(self, name: str) -> dict[str, Any] | None:
        value = self._get(name, False)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise invalid(f"The {self.prefix}{name} field must be an object.")
        return value


def paginate(
    items: Iterable[Any], query: Input, render: Callable[[Any], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """One page of `items` in the provider's `{"data": [...], "meta": {...}}` envelope.

    `render` turns a record into its JSON, for the page's rows only (a long list costs one page).
    """
    page = need(query.integer("page", lo=1, hi=100_000, default=1))
    per_page = need(query.integer("per_page", lo=1, hi=MAX_PER_PAGE, default=DEFAULT_PER_PAGE))
    rows = list(items)
    start = (page - 1) * per_page
    meta = {
        "current_page": page,
        "last_page": max(1, math.ceil(len(rows) / per_page)),
        "per_page": per_page,
        "total": len(rows),
    }
    shown = rows[start : start + per_page]
    return {"data": [render(r) for r in shown] if render is not None else shown, "meta": meta}
