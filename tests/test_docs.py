"""The README's operation table is generated from the specs; this keeps it in sync."""

from __future__ import annotations

from pathlib import Path

from betaops.server.docs import END, START, operations_table

README = Path(__file__).parents[1] / "README.md"


def test_readme_operation_table_matches_the_specs() -> None:
    text = README.read_text()
    embedded = text[text.index(START) : text.index(END) + len(END)]
    assert embedded == operations_table(), "run `betaops docs` and paste its output into README.md"
