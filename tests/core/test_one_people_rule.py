"""One people rule everywhere: the same list names the same people at every provider.

The same person written twice ("Ada Lovelace <ADA@Example.com>" and "ada@example.com") is one
person to every invite flow, so nobody is invited twice and every report counts one.
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from betaops.core.invites import parse_people
from betaops.providers.alexa.simulator.seed import DEMO_SKILL_ID
from tests.support import confirming, make_box

pytestmark = pytest.mark.anyio
ADA = ["Ada Lovelace <ADA@Example.com>", "ada@example.com"]

# Each provider's own invite tool, with these people.
CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "betatesting": ("betatesting_invite_testers", {"people": ADA, "tags": ["wave3"]}),
    "testflight": (
        "testflight_invite_testers",
        {"emails": ADA, "beta_group_name": "Trail Crew", "app_id": "1588204131"},
    ),
    "alexa": ("alexa_invite_testers", {"emails": ADA, "skill_id": DEMO_SKILL_ID}),
    "betasend": ("betasend_add_subscribers_to_lists", {"subscribers": [{"email": e} for e in ADA], "list_ids": [5]}),
}


def test_the_rule_folds_case_and_keeps_the_display_name() -> None:
    people, invalid = parse_people(ADA)
    assert invalid == [] and list(people) == ["ada@example.com"]
    assert people["ada@example.com"].entry == "Ada Lovelace <ada@example.com>"


@pytest.mark.parametrize("provider", list(CALLS))
async def test_one_person_written_twice_is_invited_once(provider: str) -> None:
    box = make_box()
    tool, args = CALLS[provider]
    async with Client(box.server) as client:
        preview = await client.call_tool(tool, args)
        assert preview.structured_content is not None, preview.content
        done = await client.call_tool(tool, {**args, **confirming(preview)})
    body = done.structured_content
    assert body is not None and body["status"] == "executed", done.content
    result = body["result"]  # every invite tool answers in the one per-person vocabulary
    assert result["counts"] == {"invited": 1}, result
    assert [o["email"] for o in result["outcomes"]] == ["ada@example.com"], result
