"""Compact JSON:API controls: `include`, `fieldsets` and `include_limits` instead of one input per wire name.

Nothing becomes unreachable: every name Apple's spec allows is validated, refused with the allowed
ones listed, and shown by `betaops_describe_operation`; the listed tool leaves the long lists out.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from betaops.providers.testflight.operations_generated import SPECS
from betaops.server.schema import DESCRIBE_ONLY
from tests.providers.testflight.contract import CHECKED, checker
from tests.support import make_box, structured

pytestmark = pytest.mark.anyio
LIST_APPS = next(s for s in SPECS if s.name == "list_apps")


def _allowed(kind: str) -> dict[str, tuple[str, ...]]:
    return {q.wire: q.values for q in LIST_APPS.query if q.kind == kind}


async def test_describe_reaches_every_name_the_listed_tool_leaves_out(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED)
    async with box.client(mode) as client:
        listed = {t.name: t for t in (await client.list_tools()).tools}
        described = structured(await client.call_tool("betaops_describe_operation", {"tool": "testflight_list_apps"}))
    schema = described["input_schema"]["properties"]
    fieldsets = {f"fields[{kind}]": tuple(names) for kind, names in schema["fieldsets"][DESCRIBE_ONLY].items()}
    assert fieldsets == _allowed("fieldset") and len(fieldsets) == 25
    assert tuple(schema["include"][DESCRIBE_ONLY]) == _allowed("names")["include"]
    limits = {f"limit[{rel}]": high for rel, high in schema["include_limits"][DESCRIBE_ONLY].items()}
    assert limits == {q.wire: q.maximum for q in LIST_APPS.query if q.kind == "limit"}
    tool = listed["testflight_list_apps"]
    assert DESCRIBE_ONLY not in json.dumps(tool.input_schema)
    assert not any(name.startswith(("fields_", "limit_")) for name in tool.input_schema["properties"])


async def test_a_short_list_of_names_is_in_the_description() -> None:
    box = make_box("testflight", wrap=CHECKED)
    async with box.client() as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    include = tools["testflight_list_beta_build_localizations"].input_schema["properties"]["include"]
    assert include["description"] == "Any of: build"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"include": ["bulids"]}, "include: unknown 'bulids'; allowed: appEncryptionDeclarations, appStoreIcon"),
        ({"fieldsets": {"apps": ["nmae"]}}, "fieldsets['apps']: unknown 'nmae'; allowed: accessibilityUrl, name,"),
        (
            {"fieldsets": {"toasters": ["name"]}},
            "fieldsets: unknown 'toasters'; allowed: apps, appEncryptionDeclarations",
        ),
        ({"include_limits": {"builds": 51}}, "include_limits['builds'] must be 1..50, got 51"),
        ({"include_limits": {"bulids": 5}}, "include_limits: unknown 'bulids'; allowed: androidToIosAppMappingDetails"),
    ],
)
async def test_unknown_names_are_refused_with_the_allowed_ones_before_sending(
    arguments: dict[str, Any], message: str
) -> None:
    box = make_box("testflight", wrap=CHECKED)
    async with box.client() as client:
        result = await client.call_tool("testflight_list_apps", arguments)
    text = "\n".join(getattr(b, "text", "") for b in result.content)
    assert result.is_error and message in text, text
    assert checker(box).checked == 0


async def test_the_compact_controls_travel_as_apples_wire_names() -> None:
    box = make_box("testflight", wrap=CHECKED)
    async with box.client() as client:
        body = structured(
            await client.call_tool(
                "testflight_list_beta_groups",
                {
                    "include": ["builds"],
                    "include_limits": {"builds": 2},
                    "fieldsets": {"betaGroups": ["name", "builds"], "builds": ["version"]},
                    "fields": ["all"],
                },
            )
        )
    assert checker(box).checked == 1 and not checker(box).violations  # the contract checks the query names
    assert body["items"] and all(set(item) <= {"id", "type", "name", "build_ids", "builds"} for item in body["items"])


@pytest.mark.parametrize("limit", [-1, 0, 10_001])
async def test_a_public_link_limit_outside_1_to_10000_is_refused_before_anyone_is_asked(limit: int) -> None:
    box = make_box("testflight", wrap=CHECKED)
    group = next(iter(box.state.resources["betaGroups"]))
    async with box.client(answer="accept") as client:
        result = await client.call_tool(
            "testflight_update_beta_group",
            {"beta_group_id": group, "public_link_limit_enabled": True, "public_link_limit": limit},
        )
    text = "\n".join(getattr(b, "text", "") for b in result.content)
    assert result.is_error and "public_link_limit" in text and "nothing was changed" in text.lower(), text
    assert box.asked == [] and box.writes == 0 and checker(box).checked == 0


STATES = next(q for q in LIST_APPS.query if q.field == "filter_app_store_versions_app_store_state")


async def test_a_long_enum_is_listed_by_describe_and_checked_with_its_values_named() -> None:
    box = make_box("testflight", wrap=CHECKED)
    async with box.client() as client:
        tool = {t.name: t for t in (await client.list_tools()).tools}["testflight_list_apps"]
        described = structured(await client.call_tool("betaops_describe_operation", {"tool": "testflight_list_apps"}))
        refused = await client.call_tool("testflight_list_apps", {STATES.field: ["READY"]})
        found = await client.call_tool("testflight_list_apps", {STATES.field: ["READY_FOR_SALE"], "filter_sku": None})
    listed = tool.input_schema["properties"][STATES.field]
    assert "enum" not in json.dumps(listed) and f"({len(STATES.values)} values)" in listed["description"]
    assert tuple(described["input_schema"]["properties"][STATES.field][DESCRIBE_ONLY]) == STATES.values
    text = "\n".join(getattr(b, "text", "") for b in refused.content)
    assert (
        refused.is_error and f"{STATES.field}: unknown 'READY'; allowed: ACCEPTED, DEVELOPER_REMOVED_FROM_SALE" in text
    )
    assert not found.is_error  # a listed value, and null for an optional filter, still go through
    assert checker(box).checked == 1 and not checker(box).violations


async def test_a_long_list_of_extra_fields_is_counted_in_the_tool_and_named_by_describe() -> None:
    box = make_box("testflight", wrap=CHECKED)
    async with box.client() as client:
        tool = {t.name: t for t in (await client.list_tools()).tools}["testflight_list_builds"]
        described = structured(await client.call_tool("betaops_describe_operation", {"tool": "testflight_list_builds"}))
    assert tool.input_schema["properties"]["fields"]["description"] == "Extra fields (6), or all"
    assert "usesNonExemptEncryption" in described["input_schema"]["properties"]["fields"][DESCRIBE_ONLY]
