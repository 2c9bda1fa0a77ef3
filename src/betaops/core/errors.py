"""One error type for every provider failure, carrying what the assistant should do next.

    ProviderError            provider, operation, status, code, message, retry_after, hint
    ├── ConfigError          credentials missing or malformed in settings (nothing was sent)
    ├── ConfirmationError    the guard refused (declined, expired, reused, changed target)
    └── UnreadableResponseError  the answer was not the JSON expected (truncated, an HTML page)

Anything raised past these is a bug; the server maps it to a generic message.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ProviderError(Exception):
    """A provider call that failed, as one actionable sentence for the assistant."""

    provider: str
    message: str
    operation: str | None = None
    status: int | None = None
    code: str | None = None
    retry_after: float | None = None
    hint: str = ""
    changed: bool | None = False  # False: nothing changed; None: unknown (response lost)
    # Whether the message may carry text that came from the provider (its error detail, names it
    # holds): then a tool result marks it as provider data. Our own words about the network or the
    # settings are not marked, so the mark keeps its meaning.
    quotes_provider: bool = True

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        head = f"{self.provider}"
        if self.operation:
            head += f" {self.operation}"
        if self.status:
            head += f" failed with HTTP {self.status}"
            if self.code:
                head += f" ({self.code})"
        else:
            head += " failed"
        text = f"{head}: {self.message}"
        if self.retry_after is not None:
            text += f" Retry after {self.retry_after:g} s."
        if self.hint:
            text += f" {self.hint}"
        if self.changed is False:
            text += " Nothing was changed."
        elif self.changed is None:
            text += " The outcome is unknown: check the current state before trying again."
        return text


@dataclass
class ConfigError(ProviderError):
    """Settings are missing or malformed; raised before any request is sent."""

    quotes_provider: bool = False  # about our settings, never the provider's text

    def __str__(self) -> str:
        return f"{self.provider}: {self.message} {self.hint}".strip()


class ConfirmationError(ProviderError):
    """The confirmation guard refused to execute a write."""


class UnreadableResponseError(ProviderError):
    """The provider answered, but not with the JSON we expected; a read may simply be asked again."""
