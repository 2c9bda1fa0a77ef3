"""Every tool name the assistant is shown is either listed or says how to call it (issue 12).

Prompts and messages named tools that are not on the default surface (`betatesting_get_issue`,
`betasend_list_lists`, `testflight_list_apps`); calling them answered "Unknown tool".
"""

from __future__ import annotations

import re

import pytest
from mcp import Client
from mcp.types import TextContent

from betaops.server.app import ServerOptions, build_runtime, build_server
from betaops.settings import Settings

pytestmark = pytest.mark.anyio

NAME = re.compile(r"\b(?:betatesting|testflight|alexa|betasend|betaops)_[a-z_]+[a-z]\b")


def unreachable(text: str, listed: set[str]) -> list[str]:
    """Names in `text` that are neither listed nor followed by how to call them."""
    return [
        m.group(0)
        for m in NAME.finditer(text)
        if m.group(0) not in listed and not text[m.end() :].startswith(" (through betaops_")
    ]


async def test_prompts_and_errors_name_only_reachable_tools(mode: str) -> None:
    settings = Settings(_env_file=None)
    options = ServerOptions(sandbox=True)
    runtime = build_runtime(settings, options)
    server = build_server(settings, options, runtime)
    async with Client(server, mode=mode) as client:
        listed = {t.name for t in (await client.list_tools()).tools}
        prompts = (await client.list_prompts()).prompts
        texts = []
        for prompt in prompts:
            args = {a.name: "4103" for a in prompt.arguments or []}
            got = await client.get_prompt(prompt.name, args)
            texts += [m.content.text for m in got.messages if isinstance(m.content, TextContent)]
        failed = await client.call_tool(
            "testflight_distribute_build", {"app": "No Such App", "beta_group_names": ["x"]}
        )
    assert "betatesting_get_issue" in "".join(texts)  # the prompts do name unlisted tools...
    for text in texts:
        assert unreachable(text, listed) == [], text  # ...and say how to call them
    error = "".join(b.text for b in failed.content if isinstance(b, TextContent))
    assert failed.is_error and unreachable(error, listed) == [], error
    assert runtime.reachable("List them with testflight_list_apps.") == (
        "List them with testflight_list_apps (through betaops_read_operation)."
    )
    assert runtime.reachable("Use betatesting_update_issue.") == (
        "Use betatesting_update_issue (through betaops_write_operation)."
    )
