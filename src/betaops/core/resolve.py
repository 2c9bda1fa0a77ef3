"""Finding one thing (an app, a group, a skill, a list, a test) from what a person calls it.

People say "Trailhead", "trail crew" or paste an id. Every provider resolves such a reference
here, the same way: an id, else a name ignoring case, else a unique prefix of a name, else a
unique part of one. The first rule that matches anything decides; if it matches more than one,
the reference is ambiguous and nothing is guessed. A failure lists the choices with what tells
them apart (kind, app, id), so the next call can name exactly one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from betaops.core.errors import ProviderError

SHOWN = 20  # choices listed in an error


@dataclass(frozen=True)
class Choice:
    """One candidate: its id, the names it answers to, what distinguishes it, and the item itself."""

    id: str
    names: tuple[str, ...]
    detail: str = ""  # e.g. "external, app 'Trailhead'"
    item: Any = field(default=None, compare=False)

    def label(self) -> str:
        name = next((n for n in self.names if n), self.id)
        extra = f"{self.detail}, " if self.detail else ""
        return f"{name!r} ({extra}id {self.id})"


@dataclass(frozen=True)
class Named:
    """A tool input that may name its target: `choices` (given the provider's TaskContext) lists what
    it may name. A provider declares one per input field (`ProviderSpec.names`), once for every tool."""

    kind: str  # "skill", "test", "list": said in errors
    choices: Callable[[Any], Awaitable[list[Choice]]]


_RULES: tuple[Callable[[str, str], bool], ...] = (
    lambda name, wanted: name == wanted,
    lambda name, wanted: name.startswith(wanted),
    lambda name, wanted: wanted in name,
)


def matches(wanted: str, choices: Sequence[Choice]) -> list[Choice]:
    """The choices the first matching rule selects: id, exact name, prefix, then part of a name."""
    text = wanted.strip()
    by_id = [c for c in choices if c.id == text]
    if by_id:
        return by_id
    folded = text.casefold()
    for rule in _RULES:
        found = [c for c in choices if any(rule(n.casefold(), folded) for n in c.names if n)]
        if found:
            return found
    return []


def listing(choices: Sequence[Choice]) -> str:
    shown = "; ".join(c.label() for c in choices[:SHOWN]) or "none"
    more = f"; and {len(choices) - SHOWN} more" if len(choices) > SHOWN else ""
    return shown + more


def pick(provider: str, kind: str, wanted: str, choices: Sequence[Choice], *, where: str = "") -> Choice:
    """The one choice `wanted` names, or a ProviderError listing the candidates (nothing is changed)."""
    found = matches(wanted, choices)
    if len(found) == 1:
        return found[0]
    place = f" {where}" if where else ""
    if found:
        raise ProviderError(
            provider, f"{len(found)} {kind}s{place} match {wanted!r}.", hint=f"Name one: {listing(found)}."
        )
    raise ProviderError(provider, f"no {kind}{place} matches {wanted!r}.", hint=f"Choices: {listing(choices)}.")
