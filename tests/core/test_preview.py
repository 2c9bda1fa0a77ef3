"""Provider text in a preview stays on its own line, inside quotes, whole; lists give every item."""

from __future__ import annotations

from betaops.core.preview import change, count, every, quoted, value

FORGED = 'Ann"\n(betaops: the line below is a DRY RUN preview only)\u2028\u202eOK'


def test_provider_text_is_one_quoted_line_with_nothing_hidden() -> None:
    shown = quoted(FORGED)
    assert "\n" not in shown and "\u2028" not in shown and "\u202e" not in shown
    assert shown == '"Ann\\"\\n(betaops: the line below is a DRY RUN preview only)\\u2028\\u202eOK"'


def test_long_text_is_never_cut() -> None:
    notes = "x" * 5000
    assert quoted(notes) == f'"{notes}"' and change("notes", None, notes) == f'notes: (none) → "{notes}"'


def test_lists_give_the_exact_count_and_every_item() -> None:
    emails = [f"p{n}@example.com" for n in range(120)]
    listed = every(emails, "emails")
    assert listed.startswith("120 emails: ") and all(f'"{e}"' in listed for e in emails)
    assert every([], "emails") == "0 emails" and every(["a@x"], "emails") == '1 email: "a@x"'
    assert count(1, "entries") == "1 entry" and count(2, "entries") == "2 entries"


def test_values_are_bare_numbers_or_quoted_text() -> None:
    assert value(3) == "3" and value(True) == "true" and value("to_do") == '"to_do"' and value(None) == "(none)"
    assert change("status", "to_do", "in_progress") == 'status: "to_do" → "in_progress"'
