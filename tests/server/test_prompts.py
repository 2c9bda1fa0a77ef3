"""Prompts come from prompts/*.md; bad files stop start-up, missing arguments are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import MCPError
from mcp.server import MCPServer

from betaops.server.prompts import PromptFileError, load_prompts, prompts_dir
from tests.support import Box

pytestmark = pytest.mark.anyio


async def test_prompts_are_listed_and_rendered(box: Box, mode: str) -> None:
    async with box.client(mode) as client:
        listed = {p.name: p for p in (await client.list_prompts()).prompts}
        triage = listed["triage-new-issues"]
        assert triage.arguments and [a.required for a in triage.arguments] == [True, False]
        got = await client.get_prompt("triage-new-issues", {"test_id": "4105"})
    text = got.messages[0].content.text  # type: ignore[union-attr]
    assert "test_id=4105" in text and "(not given)" in text


async def test_missing_required_argument_names_it(box: Box, mode: str) -> None:
    async with box.client(mode) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt("triage-new-issues", {})
    assert "test_id" in caught.value.error.message


def test_every_shipped_prompt_file_parses() -> None:
    loaded = load_prompts(MCPServer("check"), prompts_dir())
    assert {p.name for p in loaded} >= {
        "triage-new-issues",
        "invite-testers",
        "weekly-beta-report",
        "launch-checklist",
        "tester-follow-up",
    }


@pytest.mark.parametrize(
    "content, complaint",
    [
        ("no front matter", "front matter"),
        ("---\nname: [unclosed\n---\nbody", "not valid YAML"),
        ("---\ntitle: only a title\n---\nbody", "'name' and 'description'"),
        ("---\nname: x\ndescription: y\n---\nUses {ghost}", "undeclared arguments"),
    ],
)
def test_malformed_prompt_file_names_the_file(tmp_path: Path, content: str, complaint: str) -> None:
    (tmp_path / "broken.md").write_text(content)
    with pytest.raises(PromptFileError) as caught:
        load_prompts(MCPServer("check"), tmp_path)
    assert "broken.md" in str(caught.value) and complaint in str(caught.value)
