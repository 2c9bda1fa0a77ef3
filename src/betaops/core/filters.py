"""Filters a provider's API lacks, applied by betaops to the items it reads.

An operation declares them (`Operation.matches`): each names a tool input, never sent to the
provider, and the item fields it is compared with. A list called with one reads every page (up to
`SCAN_LIMIT` items) and keeps what matches, so "who has not accepted?" or "this week's issues" is
one call even where the provider can only list everything.

Times are ISO 8601 (a date or a date-time) or `Nd`, N days before "now". "Now" is the
connection's clock: the simulator's in the sandbox (its data is stamped around its own date),
the real one live, so "7d" means the same week the data was written in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel

SCAN_LIMIT = 10_000  # items read at most for one filtered list

MatchHow = Literal["in", "contains", "since", "until"]
_DAYS = re.compile(r"^(\d{1,4})d$")


@dataclass(frozen=True)
class Match:
    """One filter betaops applies: `param` (a tool input) against the item's `fields`.

    "in": the field's value is one of the given ones; "contains": any of the fields contains the
    text, ignoring case; "since" / "until": the field's time is at or after / before the given one.
    """

    param: str
    fields: tuple[str, ...]
    how: MatchHow


def _valid_when(text: str) -> str:
    if _DAYS.match(text) or stamp(text) is not None:
        return text
    raise ValueError(f"{text!r} is neither an ISO date (2026-11-16) nor Nd (7d: seven days ago)")


When = Annotated[str, AfterValidator(_valid_when)]


def when(text: str, now: float) -> datetime:
    """An input time as an aware datetime; `Nd` counts back from `now` (Unix seconds)."""
    if days := _DAYS.match(text):
        return datetime.fromtimestamp(now, UTC) - timedelta(days=int(days.group(1)))
    moment = stamp(text)
    assert moment is not None, "validated by When"
    return moment


def stamp(value: Any) -> datetime | None:
    """A provider's timestamp as an aware datetime, or None when it is missing or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def active(matches: tuple[Match, ...], params: BaseModel) -> list[tuple[Match, Any]]:
    """The declared filters this call sets, with their values (enum members as their values)."""
    chosen: list[tuple[Match, Any]] = []
    for match in matches:
        value = getattr(params, match.param, None)
        if value is not None:
            chosen.append((match, [_plain(v) for v in value] if isinstance(value, list) else _plain(value)))
    return chosen


def keep(item: dict[str, Any], chosen: list[tuple[Match, Any]], now: float) -> bool:
    """Whether `item` passes every chosen filter."""
    for match, value in chosen:
        values = [item.get(f) for f in match.fields]
        if match.how == "in":
            options = value if isinstance(value, list) else [value]
            ok = any(_plain(v) in options for v in values)
        elif match.how == "contains":
            needle = str(value).casefold()
            ok = any(isinstance(v, str) and needle in v.casefold() for v in values)
        else:
            bound = when(value, now)
            times = [t for t in map(stamp, values) if t is not None]
            ok = any(t >= bound if match.how == "since" else t < bound for t in times)
        if not ok:
            return False
    return True
