"""The 142 operations: generated file up to date, each operationId one readable tool, truthful effects."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from betaops.core.operation import Effect, Operation, Returns
from betaops.providers.testflight import generate_operations
from betaops.providers.testflight.operations import OPERATION_IDS, OPERATIONS
from betaops.providers.testflight.operations_generated import SPECS

SPEC_DIR = Path(generate_operations.__file__).parent / "spec"
BY_NAME = {op.name: op for op in OPERATIONS}


def openapi_operation_ids() -> set[str]:
    doc = json.loads((SPEC_DIR / "openapi-testflight-subset.json").read_text())
    return {
        op["operationId"]
        for item in doc["paths"].values()
        for method, op in item.items()
        if method in ("get", "post", "patch", "delete", "put")
    }


def test_the_committed_generated_file_is_what_the_generator_writes() -> None:
    assert generate_operations.OUTPUT.read_text() == generate_operations.generate(), (
        "operations_generated.py is stale: run python -m betaops.providers.testflight.generate_operations"
    )


def test_each_of_the_142_operation_ids_maps_to_exactly_one_tool() -> None:
    ids = openapi_operation_ids()
    assert len(ids) == 142
    assert set(OPERATION_IDS) == ids
    assert len(SPECS) == len(OPERATIONS) == 142
    names = [op.tool_name for op in OPERATIONS]
    assert len(set(names)) == 142
    for name in names:
        assert re.fullmatch(
            r"testflight_(list|get|create|update|delete|add|remove|set|send|notify|submit|give)_[a-z_]+", name
        ), name
        assert len(name) <= 64
        assert "_get_to_" not in name and "relationship" not in name  # no raw operationId shapes


def test_curated_names_for_the_memberships_people_talk_about() -> None:
    assert OPERATION_IDS["betaGroups_betaTesters_createToManyRelationship"] == "add_testers_to_beta_group"
    assert OPERATION_IDS["betaGroups_betaTesters_deleteToManyRelationship"] == "remove_testers_from_beta_group"
    assert OPERATION_IDS["builds_betaGroups_createToManyRelationship"] == "add_build_to_beta_groups"
    assert OPERATION_IDS["betaGroups_getCollection"] == "list_beta_groups"


def test_effects_and_idempotency_tell_the_truth() -> None:
    for spec, op in zip(SPECS, OPERATIONS, strict=True):
        if spec.method == "GET":
            assert op.effect is Effect.READ and op.idempotent
        elif spec.method == "DELETE":
            assert op.effect is Effect.DESTRUCTIVE and op.idempotent, op.name
        elif spec.method == "PATCH" or spec.operation_id.endswith("createToManyRelationship"):
            assert op.effect is Effect.WRITE and op.idempotent
        else:
            assert op.effect is Effect.WRITE and not op.idempotent, op.name
    destructive = {op.name for op in OPERATIONS if op.effect is Effect.DESTRUCTIVE}
    assert {"delete_beta_tester", "remove_testers_from_beta_group", "remove_tester_from_apps"} <= destructive
    assert len(destructive) == 17


def test_relationship_deletes_carry_their_body() -> None:
    op = BY_NAME["remove_testers_from_beta_group"]
    assert op.body_in_delete and op.method == "DELETE"
    params = op.params.model_validate({"beta_group_id": "g-1", "beta_tester_ids": ["t1", "t2"]})
    assert op.encode is not None
    assert op.encode(params, {}) == {"data": [{"type": "betaTesters", "id": "t1"}, {"type": "betaTesters", "id": "t2"}]}
    assert not BY_NAME["delete_beta_group"].body_in_delete


def test_writes_preview_the_resource_they_change() -> None:
    assert BY_NAME["add_testers_to_beta_group"].target == "get_beta_group"
    assert BY_NAME["update_build"].target == "get_build"
    assert BY_NAME["delete_beta_tester"].target == "get_beta_tester"
    assert BY_NAME["create_beta_group"].target is None


def test_query_parameters_are_typed_with_apple_names_on_the_wire() -> None:
    op = BY_NAME["list_beta_groups"]
    params = op.params.model_validate(
        {
            "filter_app": ["6443"],
            "fieldsets": {"betaGroups": ["name", "publicLink"]},
            "sort": ["-createdDate"],
            "include": ["builds"],
            "include_limits": {"builds": 1000},
        }
    )
    wire = params.model_dump(by_alias=True, exclude_none=True)
    assert wire == {
        "filter[app]": ["6443"],
        "fields[betaGroups]": ["name", "publicLink"],
        "sort": ["-createdDate"],
        "include": ["builds"],
        "limit[builds]": 1000,
    }
    with pytest.raises(ValidationError, match=r"include_limits\['builds'\] must be 1..1000"):
        op.params.model_validate({"include_limits": {"builds": 1001}})  # the spec's maximum
    with pytest.raises(ValidationError, match="unknown 'nmae'; allowed: name, createdDate"):
        op.params.model_validate({"fieldsets": {"betaGroups": ["nmae"]}})  # names are checked like enums
    with pytest.raises(ValidationError):
        op.params.model_validate({"filter_nmae": ["x"]})  # strict
    assert "limit" not in op.params.model_fields  # the page size comes from the tool's limit
    required = BY_NAME["list_beta_app_review_submissions"].params.model_fields["filter_build"]
    assert required.is_required()


@pytest.mark.parametrize("bad", ["../apps", "a/b", "", "x" * 65, "id?x=1"])
def test_ids_are_constrained(bad: str) -> None:
    with pytest.raises(ValidationError):
        BY_NAME["get_beta_group"].params.model_validate({"beta_group_id": bad})


def test_creates_and_updates_encode_json_api_documents() -> None:
    create = BY_NAME["create_beta_tester"]
    params = create.params.model_validate({"email": "ada@example.com", "first_name": "Ada", "beta_group_ids": ["g1"]})
    assert create.encode is not None
    assert create.encode(params, {}) == {
        "data": {
            "type": "betaTesters",
            "attributes": {"email": "ada@example.com", "firstName": "Ada"},
            "relationships": {"betaGroups": {"data": [{"type": "betaGroups", "id": "g1"}]}},
        }
    }
    update = BY_NAME["update_beta_group"]
    params = update.params.model_validate({"beta_group_id": "g1", "public_link_enabled": True})
    assert update.encode is not None
    assert update.encode(params, {}) == {
        "data": {"type": "betaGroups", "id": "g1", "attributes": {"publicLinkEnabled": True}}
    }
    link = BY_NAME["set_app_encryption_declaration_of_build"]
    params = link.params.model_validate({"build_id": "b1", "app_encryption_declaration_id": "d1"})
    assert link.encode is not None
    assert link.encode(params, {}) == {"data": {"type": "appEncryptionDeclarations", "id": "d1"}}
    with pytest.raises(ValidationError):
        create.params.model_validate({"email": "not-an-email"})


def test_lists_page_and_have_summary_fields() -> None:
    lists = [op for op in OPERATIONS if op.returns is Returns.LIST]
    assert lists and all(op.paginated for op in lists)
    testers = BY_NAME["list_beta_testers"].result
    assert testers is not None
    assert {"email", "state", "beta_group_ids"} <= set(testers.SUMMARY)  # type: ignore[attr-defined]


def test_toolsets_cover_every_operation() -> None:
    from betaops.providers.testflight.names import DEFAULT_TOOLSETS, TOOLSETS

    used = {op.toolset for op in OPERATIONS}
    assert used == set(TOOLSETS)
    assert set(DEFAULT_TOOLSETS) <= used
    assert isinstance(OPERATIONS[0], Operation)
