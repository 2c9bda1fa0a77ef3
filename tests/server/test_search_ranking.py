"""betaops_search_operations ranks what people ask for first (issue 12: a query -> its expected top 3)."""

from __future__ import annotations

import pytest
from mcp import Client

from betaops.server.app import ServerOptions, build_runtime, build_server
from betaops.settings import Settings
from tests.support import text

pytestmark = pytest.mark.anyio

# query -> a tool that must be among the first three (and, where given, first)
TABLE = [
    ("list builds", "testflight_list_builds", True),
    ("beta groups", "testflight_list_beta_groups", False),
    ("what to test", "testflight_update_beta_build_localization", False),
    ("export compliance", "testflight_set_app_encryption_declaration_of_build", False),
    ("delete issue", "betatesting_delete_issue", True),
    ("invite testers to a group", "testflight_invite_testers", False),
    ("shipments tracking", "betatesting_list_shipments", False),
    ("send reminder", "alexa_send_reminder_to_testers", True),
    ("testflight_get_build", "testflight_get_build", True),
    ("message testers", "betatesting_message_testers", False),
    ("list skills", "alexa_list_skills", False),
]


@pytest.fixture(scope="module")
def server() -> object:
    settings = Settings(_env_file=None)
    options = ServerOptions(sandbox=True)
    return build_server(settings, options, build_runtime(settings, options))


@pytest.mark.parametrize(("query", "expected", "first"), TABLE)
async def test_search_puts_the_expected_tool_in_the_top_three(
    server: object, query: str, expected: str, first: bool
) -> None:
    async with Client(server) as client:  # type: ignore[arg-type]
        found = await client.call_tool("betaops_search_operations", {"query": query, "limit": 3})
    assert found.structured_content is not None, text(found)
    top = [m["tool"] for m in found.structured_content["matches"]]
    assert expected in top, (query, top)
    if first:
        assert top[0] == expected, (query, top)


async def test_a_mistyped_name_gets_a_did_you_mean(server: object) -> None:
    async with Client(server) as client:  # type: ignore[arg-type]
        result = await client.call_tool("betaops_describe_operation", {"tool": "testflight_list_build"})
    assert result.is_error and "Did you mean testflight_list_builds" in text(result)
