"""Provider text is untrusted: strip what hides or reorders what a human reads, and any credential.

Tester-written text (issue bodies, names, messages) reaches the model as data. Zero-width,
bidirectional-override and other invisible format characters can smuggle instructions past a
human reviewer, so they are removed from every string before it leaves the client layer.

A provider may also echo a credential (an error body that repeats the API key, a token endpoint
that repeats the refresh token). `Redactor` replaces every configured secret value, and anything
shaped like a bearer token or a JWT, with `[redacted]` in the same place, so no tool result, error,
log line or audit record can carry one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

# C0/C1 controls except tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# Invisible characters that are not Cf: variation selectors (which can carry hidden bytes), line and
# paragraph separators, and letters or symbols that render blank (Hangul fillers, the braille blank).
_HIDDEN = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\u2028\u2029\u115f\u1160\u3164\uffa0\u2800]")


def clean_text(text: str) -> str:
    text = _CONTROL.sub("", text)
    if text.isascii():  # no format character is ASCII: skip the per-character look-up (most text)
        return text
    # Cf = format characters: zero-width spaces/joiners, bidi embeddings/overrides/isolates, BOM, tags.
    return _HIDDEN.sub("", "".join(ch for ch in text if unicodedata.category(ch) != "Cf"))


def clean(value: Any) -> Any:
    """Return `value` (parsed JSON) with every string cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean(v) for k, v in value.items()}
    return value


# A character `clean` removes reaches JSON text either raw (a control byte or any non-ASCII byte) or
# escaped (\uXXXX, \b, \f). Bytes with neither hold nothing to remove, so their values skip the walk.
_MAY_HIDE = re.compile(rb"[^\x20-\x7e\t\n\r]|\\[ubf]")


def clean_json(content: bytes) -> Any:
    """Parse a JSON body and clean every string in it (cheaply, when the bytes show there is nothing to clean)."""
    data = json.loads(content)
    return clean(data) if _MAY_HIDE.search(content) else data


# ---------------------------------------------------------------------------- secrets

REDACTED = "[redacted]"
MIN_SECRET_CHARS = 8  # shorter configured values would redact ordinary words
# Credentials recognisable by their form, whoever issued them: whatever follows "Bearer ", a JWT
# (header.payload.signature, base64url JSON, so it starts "eyJ"), Login with Amazon access and
# refresh tokens ("Atza|", "Atzr|"), BetaTesting keys ("btst_").
_CREDENTIAL_FORMS = (
    r"(?i:(?P<scheme>\bbearer\s+))[A-Za-z0-9_.~+/=|%-]{8,}",
    r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*",
    r"(?<![A-Za-z0-9])Atz[ar](?:\||%7[Cc])[A-Za-z0-9_.~+/=|%-]{8,}",
    r"(?<![A-Za-z0-9])btst_[A-Za-z0-9]{16,}",
)


def _variants(secret: str) -> set[str]:
    """A secret as a provider might echo it: verbatim, URL-encoded (a form body), JSON-escaped."""
    return {secret, quote(secret, safe=""), quote_plus(secret, safe=""), json.dumps(secret)[1:-1]}


@lru_cache(maxsize=64)
def _pattern(secrets: frozenset[str]) -> re.Pattern[str]:
    literal = sorted({v for s in secrets for v in _variants(s)}, key=len, reverse=True)
    return re.compile("|".join([*(re.escape(v) for v in literal), *_CREDENTIAL_FORMS]))


def _replace(match: re.Match[str]) -> str:
    return (match.group("scheme") or "") + REDACTED


def _usable(secrets: Iterable[str]) -> frozenset[str]:
    return frozenset(s for s in secrets if s and len(s) >= MIN_SECRET_CHARS)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret value (and anything shaped like a credential) replaced by `[redacted]`."""
    return _pattern(_usable(secrets)).sub(_replace, text)


class Redactor:
    """Scrubs provider text of credentials, at the one place it enters (the client layer).

    `secrets` is asked each time, so tokens issued or rotated while the process runs are covered
    as soon as they exist.
    """

    def __init__(self, secrets: Callable[[], Iterable[str]] = tuple) -> None:
        self._secrets = secrets

    def _compiled(self) -> re.Pattern[str]:
        return _pattern(_usable(self._secrets()))

    def text(self, text: str) -> str:
        return self._compiled().sub(_replace, text)

    def value(self, data: Any, pattern: re.Pattern[str] | None = None) -> Any:
        """`data` (parsed JSON) with every string, keys included, scrubbed."""
        found = pattern or self._compiled()

        def walk(value: Any) -> Any:
            if isinstance(value, str):
                return found.sub(_replace, value) if found.search(value) else value
            if isinstance(value, list):
                return [walk(v) for v in value]
            if isinstance(value, dict):
                return {walk(k) if isinstance(k, str) else k: walk(v) for k, v in value.items()}
            return value

        return walk(data)

    def body(self, data: Any, raw: bytes) -> Any:
        """Parsed `data` scrubbed, walked only when its raw bytes show something to scrub.

        JSON may escape `/` as `\\/` (PHP does), which the raw check undoes; other escapes of the
        characters credentials are made of are not produced by JSON encoders.
        """
        pattern = self._compiled()
        text = raw.decode("utf-8", "replace").replace("\\/", "/")
        return self.value(data, pattern) if pattern.search(text) else data
