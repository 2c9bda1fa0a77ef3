"""Every one of the 142 operations, once, against the seeded simulator, checked against Apple's spec.

The sample table is keyed by operationId and driven from `spec/operations.json`: a test fails if
an operation has no sample, so the table cannot silently fall behind the spec.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from betaops.providers.testflight.simulator import TestFlightState, build_state
from tests.providers.testflight.contract import operations, sim_harness

pytestmark = pytest.mark.anyio

OPS_FILE = Path(__file__).resolve().parents[3] / "src/betaops/providers/testflight/spec/operations.json"
OPERATIONS = json.loads(OPS_FILE.read_text())["operations"]
APP = "1588204131"


@dataclass
class Sample:
    id: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None


def ref(rtype: str, rid: str) -> dict[str, str]:
    return {"type": rtype, "id": rid}


def one(rtype: str, rid: str) -> dict[str, Any]:
    return {"data": ref(rtype, rid)}


def many(rtype: str, *rids: str) -> dict[str, Any]:
    return {"data": [ref(rtype, r) for r in rids]}


def first_of(st: TestFlightState, rtype: str, pred: Callable[[Any], bool] = lambda r: True) -> str:
    return next(r.id for r in st.all(rtype) if pred(r))


def default_ids(st: TestFlightState) -> dict[str, str]:
    """Which resource a related/linkage read is asked about, per owner type."""
    ids = st.ids
    return {
        "apps": APP,
        "betaAppLocalizations": first_of(st, "betaAppLocalizations", lambda r: r.rels["app"] == APP),
        "betaAppReviewDetails": APP,
        "betaAppReviewSubmissions": ids["trailhead.331.submission"],
        "betaBuildLocalizations": first_of(
            st, "betaBuildLocalizations", lambda r: r.rels["build"] == ids["trailhead.320"]
        ),
        "betaFeedbackCrashSubmissions": ids["trailhead.crash.hostile"],
        "betaFeedbackScreenshotSubmissions": ids["trailhead.screenshot.hostile"],
        "betaGroups": ids["trailhead.public"],
        "betaLicenseAgreements": APP,
        "betaTesters": ids["trailhead.tester.first_external"],
        "buildBetaDetails": ids["trailhead.320.detail"],
        "buildBundles": ids["souschef.bundle.clip"],
        "builds": ids["trailhead.320"],
        "preReleaseVersions": ids["trailhead.3.5.0"],
        "betaAppClipInvocations": ids["souschef.invocation"],
        "betaAppClipInvocationLocalizations": ids["souschef.invocation.localization"],
        "betaRecruitmentCriteria": ids["trailhead.public.criteria"],
        "betaCrashLogs": st.get("betaFeedbackCrashSubmissions", ids["trailhead.crash.hostile"]).rels["crashLog"],  # type: ignore[union-attr]
    }


def samples(st: TestFlightState) -> dict[str, Sample]:
    ids = st.ids
    b320, b321, b323 = ids["trailhead.320"], ids["trailhead.321"], ids["trailhead.323"]
    crew, pilots, core = ids["trailhead.crew"], ids["trailhead.pilots"], ids["trailhead.core"]
    maya, ext = ids["trailhead.staff.maya"], ids["trailhead.tester.first_external"]
    crew_member = st.get("betaGroups", crew).rels["betaTesters"][0]  # type: ignore[union-attr]
    individual = st.get("builds", b320).rels["individualTesters"][0]  # type: ignore[union-attr]
    d = default_ids(st)
    inv, inv_loc = ids["souschef.invocation"], ids["souschef.invocation.localization"]
    return {
        # apps
        "apps_getCollection": Sample(
            query={
                "filter[bundleId]": "com.northpeak.trailhead,io.ledgerly.app",
                "sort": "-name",
                "include": "betaGroups,builds",
                "limit[builds]": "5",
                "fields[apps]": "name,bundleId,betaGroups,builds",
            }
        ),
        "apps_getInstance": Sample(APP, {"include": "betaAppReviewDetail,betaLicenseAgreement,preReleaseVersions"}),
        # app clips
        "betaAppClipInvocationLocalizations_createInstance": Sample(
            body={
                "data": {
                    "type": "betaAppClipInvocationLocalizations",
                    "attributes": {"title": "Démarrer un minuteur", "locale": "fr-FR"},
                    "relationships": {"betaAppClipInvocation": one("betaAppClipInvocations", inv)},
                }
            }
        ),
        "betaAppClipInvocationLocalizations_updateInstance": Sample(
            inv_loc,
            body={
                "data": {
                    "type": "betaAppClipInvocationLocalizations",
                    "id": inv_loc,
                    "attributes": {"title": "Start a 5-minute timer"},
                }
            },
        ),
        "betaAppClipInvocationLocalizations_deleteInstance": Sample(inv_loc),
        "betaAppClipInvocations_createInstance": Sample(
            body={
                "data": {
                    "type": "betaAppClipInvocations",
                    "attributes": {"url": "https://souschef.example.com/clip/shopping"},
                    "relationships": {
                        "buildBundle": one("buildBundles", ids["souschef.bundle.clip"]),
                        "betaAppClipInvocationLocalizations": many("betaAppClipInvocationLocalizations", "${loc-1}"),
                    },
                },
                "included": [
                    {
                        "type": "betaAppClipInvocationLocalizations",
                        "id": "${loc-1}",
                        "attributes": {"title": "Shopping list", "locale": "en-US"},
                    }
                ],
            }
        ),
        "betaAppClipInvocations_getInstance": Sample(inv, {"include": "betaAppClipInvocationLocalizations"}),
        "betaAppClipInvocations_updateInstance": Sample(
            inv,
            body={
                "data": {
                    "type": "betaAppClipInvocations",
                    "id": inv,
                    "attributes": {"url": "https://souschef.example.com/clip/timer?m=5"},
                }
            },
        ),
        "betaAppClipInvocations_deleteInstance": Sample(inv),
        # beta app localizations
        "betaAppLocalizations_getCollection": Sample(
            query={"filter[app]": APP, "filter[locale]": "en-US,de-DE", "include": "app"}
        ),
        "betaAppLocalizations_createInstance": Sample(
            body={
                "data": {
                    "type": "betaAppLocalizations",
                    "attributes": {
                        "locale": "ja",
                        "description": "ベータ版をテストしてください。",
                        "feedbackEmail": "beta@northpeak.example.com",
                    },
                    "relationships": {"app": one("apps", APP)},
                }
            }
        ),
        "betaAppLocalizations_getInstance": Sample(d["betaAppLocalizations"]),
        "betaAppLocalizations_updateInstance": Sample(
            d["betaAppLocalizations"],
            body={
                "data": {
                    "type": "betaAppLocalizations",
                    "id": d["betaAppLocalizations"],
                    "attributes": {"description": "Updated description"},
                }
            },
        ),
        "betaAppLocalizations_deleteInstance": Sample(d["betaAppLocalizations"]),
        # review details and submissions
        "betaAppReviewDetails_getCollection": Sample(query={"filter[app]": APP}),
        "betaAppReviewDetails_getInstance": Sample(APP, {"include": "app"}),
        "betaAppReviewDetails_updateInstance": Sample(
            APP,
            body={
                "data": {
                    "type": "betaAppReviewDetails",
                    "id": APP,
                    "attributes": {
                        "demoAccountRequired": True,
                        "demoAccountName": "reviewer@example.com",
                        "demoAccountPassword": "hunter2-beta",
                    },
                }
            },
        ),
        "betaAppReviewSubmissions_getCollection": Sample(
            query={"filter[build]": ids["trailhead.331"], "include": "build"}
        ),
        "betaAppReviewSubmissions_createInstance": Sample(
            body={"data": {"type": "betaAppReviewSubmissions", "relationships": {"build": one("builds", b321)}}}
        ),
        "betaAppReviewSubmissions_getInstance": Sample(ids["trailhead.331.submission"]),
        # build localizations
        "betaBuildLocalizations_getCollection": Sample(query={"filter[build]": b320}),
        "betaBuildLocalizations_createInstance": Sample(
            body={
                "data": {
                    "type": "betaBuildLocalizations",
                    "attributes": {"locale": "fr-FR", "whatsNew": "Testez le partage de sentiers."},
                    "relationships": {"build": one("builds", b321)},
                }
            }
        ),
        "betaBuildLocalizations_getInstance": Sample(d["betaBuildLocalizations"], {"include": "build"}),
        "betaBuildLocalizations_updateInstance": Sample(
            d["betaBuildLocalizations"],
            body={
                "data": {
                    "type": "betaBuildLocalizations",
                    "id": d["betaBuildLocalizations"],
                    "attributes": {"whatsNew": "Focus on battery use."},
                }
            },
        ),
        "betaBuildLocalizations_deleteInstance": Sample(d["betaBuildLocalizations"]),
        # feedback
        "betaCrashLogs_getInstance": Sample(d["betaCrashLogs"]),
        "betaFeedbackCrashSubmissions_getInstance": Sample(
            d["betaFeedbackCrashSubmissions"], {"include": "build,tester"}
        ),
        "betaFeedbackCrashSubmissions_deleteInstance": Sample(d["betaFeedbackCrashSubmissions"]),
        "betaFeedbackScreenshotSubmissions_getInstance": Sample(
            d["betaFeedbackScreenshotSubmissions"], {"include": "tester"}
        ),
        "betaFeedbackScreenshotSubmissions_deleteInstance": Sample(d["betaFeedbackScreenshotSubmissions"]),
        # groups
        "betaGroups_getCollection": Sample(
            query={
                "filter[app]": APP,
                "filter[isInternalGroup]": "false",
                "sort": "name",
                "include": "builds,betaRecruitmentCriteria",
                "limit[builds]": "1000",
            }
        ),
        "betaGroups_createInstance": Sample(
            body={
                "data": {
                    "type": "betaGroups",
                    "attributes": {
                        "name": "Beta Squad",
                        "publicLinkEnabled": True,
                        "publicLinkLimitEnabled": True,
                        "publicLinkLimit": 500,
                    },
                    "relationships": {"app": one("apps", APP), "builds": many("builds", b320)},
                }
            }
        ),
        "betaGroups_getInstance": Sample(
            ids["trailhead.public"], {"include": "app,betaTesters", "limit[betaTesters]": "50"}
        ),
        "betaGroups_updateInstance": Sample(
            crew,
            body={
                "data": {
                    "type": "betaGroups",
                    "id": crew,
                    "attributes": {"name": "Trail Crew (EU)", "feedbackEnabled": False},
                }
            },
        ),
        "betaGroups_deleteInstance": Sample(pilots),
        # license agreements
        "betaLicenseAgreements_getCollection": Sample(query={"filter[app]": APP}),
        "betaLicenseAgreements_getInstance": Sample(APP),
        "betaLicenseAgreements_updateInstance": Sample(
            APP,
            body={
                "data": {
                    "type": "betaLicenseAgreements",
                    "id": APP,
                    "attributes": {"agreementText": "New agreement text."},
                }
            },
        ),
        # recruitment criteria
        "betaRecruitmentCriteria_createInstance": Sample(
            body={
                "data": {
                    "type": "betaRecruitmentCriteria",
                    "attributes": {
                        "deviceFamilyOsVersionFilters": [{"deviceFamily": "IPHONE", "minimumOsInclusive": "18.0"}]
                    },
                    "relationships": {"betaGroup": one("betaGroups", crew)},
                }
            }
        ),
        "betaRecruitmentCriteria_updateInstance": Sample(
            d["betaRecruitmentCriteria"],
            body={
                "data": {
                    "type": "betaRecruitmentCriteria",
                    "id": d["betaRecruitmentCriteria"],
                    "attributes": {
                        "deviceFamilyOsVersionFilters": [
                            {"deviceFamily": "IPAD", "minimumOsInclusive": "17.0", "maximumOsInclusive": "18.2"}
                        ]
                    },
                }
            },
        ),
        "betaRecruitmentCriteria_deleteInstance": Sample(d["betaRecruitmentCriteria"]),
        "betaRecruitmentCriterionOptions_getCollection": Sample(),
        # testers and invitations
        "betaTesterInvitations_createInstance": Sample(
            body={
                "data": {
                    "type": "betaTesterInvitations",
                    "relationships": {"app": one("apps", APP), "betaTester": one("betaTesters", ext)},
                }
            }
        ),
        "betaTesters_getCollection": Sample(
            query={
                "filter[apps]": APP,
                "filter[inviteType]": "EMAIL",
                "sort": "lastName",
                "limit": "200",
                "include": "betaGroups",
                "fields[betaTesters]": "firstName,lastName,email,state,betaGroups",
            }
        ),
        "betaTesters_createInstance": Sample(
            body={
                "data": {
                    "type": "betaTesters",
                    "attributes": {"firstName": "Ada", "lastName": None, "email": "ada.new@example.com"},
                    "relationships": {"betaGroups": many("betaGroups", crew)},
                }
            }
        ),
        "betaTesters_getInstance": Sample(ext, {"include": "apps,betaGroups,builds"}),
        "betaTesters_deleteInstance": Sample(ext),
        # build beta details, notifications, builds
        "buildBetaDetails_getCollection": Sample(query={"filter[build]": f"{b320},{b321}", "include": "build"}),
        "buildBetaDetails_getInstance": Sample(d["buildBetaDetails"]),
        "buildBetaDetails_updateInstance": Sample(
            d["buildBetaDetails"],
            body={
                "data": {
                    "type": "buildBetaDetails",
                    "id": d["buildBetaDetails"],
                    "attributes": {"autoNotifyEnabled": False},
                }
            },
        ),
        "buildBetaNotifications_createInstance": Sample(
            body={"data": {"type": "buildBetaNotifications", "relationships": {"build": one("builds", b320)}}}
        ),
        "builds_getCollection": Sample(
            query={
                "filter[app]": APP,
                "filter[processingState]": "VALID,PROCESSING",
                "filter[expired]": "false",
                "exists[usesNonExemptEncryption]": "true",
                "sort": "-uploadedDate",
                "include": "buildBetaDetail,preReleaseVersion",
                "fields[builds]": "version,uploadedDate,processingState,buildBetaDetail,preReleaseVersion",
            }
        ),
        "builds_getInstance": Sample(
            b320,
            {
                "include": "app,betaGroups,individualTesters,appEncryptionDeclaration,betaAppReviewSubmission,betaBuildLocalizations"
            },
        ),
        "builds_updateInstance": Sample(
            b323, body={"data": {"type": "builds", "id": b323, "attributes": {"usesNonExemptEncryption": False}}}
        ),
        "preReleaseVersions_getCollection": Sample(
            query={
                "filter[app]": APP,
                "filter[platform]": "IOS",
                "sort": "-version",
                "include": "builds",
                "limit[builds]": "10",
            }
        ),
        "preReleaseVersions_getInstance": Sample(ids["trailhead.3.5.0"]),
        # relationship writes
        "apps_betaTesters_deleteToManyRelationship": Sample(APP, body=many("betaTesters", ext)),
        "betaGroups_betaTesters_createToManyRelationship": Sample(crew, body=many("betaTesters", maya)),
        "betaGroups_betaTesters_deleteToManyRelationship": Sample(crew, body=many("betaTesters", crew_member)),
        "betaGroups_builds_createToManyRelationship": Sample(crew, body=many("builds", b321)),
        "betaGroups_builds_deleteToManyRelationship": Sample(crew, body=many("builds", b320)),
        "betaTesters_apps_deleteToManyRelationship": Sample(ext, body=many("apps", APP)),
        "betaTesters_betaGroups_createToManyRelationship": Sample(maya, body=many("betaGroups", pilots)),
        "betaTesters_betaGroups_deleteToManyRelationship": Sample(maya, body=many("betaGroups", core)),
        "betaTesters_builds_createToManyRelationship": Sample(ext, body=many("builds", b321)),
        "betaTesters_builds_deleteToManyRelationship": Sample(individual, body=many("builds", b320)),
        "builds_appEncryptionDeclaration_updateToOneRelationship": Sample(
            b323, body=one("appEncryptionDeclarations", ids["trailhead.declaration"])
        ),
        "builds_betaGroups_createToManyRelationship": Sample(b321, body=many("betaGroups", crew)),
        "builds_betaGroups_deleteToManyRelationship": Sample(b320, body=many("betaGroups", crew)),
        "builds_individualTesters_createToManyRelationship": Sample(b321, body=many("betaTesters", ext)),
        "builds_individualTesters_deleteToManyRelationship": Sample(b320, body=many("betaTesters", individual)),
        # metrics
        "apps_betaTesterUsages_getMetrics": Sample(APP, {"period": "P30D", "groupBy": "betaTesters", "limit": "5"}),
        "betaGroups_betaTesterUsages_getMetrics": Sample(crew, {"period": "P7D"}),
        "betaGroups_publicLinkUsages_getMetrics": Sample(ids["trailhead.public"]),
        "betaTesters_betaTesterUsages_getMetrics": Sample(ext, {"filter[apps]": APP, "period": "P90D"}),
        "builds_betaBuildUsages_getMetrics": Sample(b320),
    }


def sample_for(op: dict[str, Any], st: TestFlightState) -> Sample:
    table = samples(st)
    if op["operationId"] in table:
        return table[op["operationId"]]
    # related and linkage reads: the owner type's default resource, default parameters
    owner = op["path"].split("/")[2]
    if "{id}" in op["path"]:
        return Sample(default_ids(st)[owner])
    raise KeyError(op["operationId"])


def test_operation_table_matches_the_spec() -> None:
    assert len(OPERATIONS) == 142
    assert {o["operationId"] for o in OPERATIONS} == {o.operation_id for o in operations()}
    st = build_state()
    for op in OPERATIONS:
        sample_for(op, st)  # raises if any operation lacks a sample
    assert set(samples(st)) <= {o["operationId"] for o in OPERATIONS}


@pytest.mark.parametrize("op", OPERATIONS, ids=[o["operationId"] for o in OPERATIONS])
async def test_operation_succeeds_and_conforms(op: dict[str, Any]) -> None:
    h = sim_harness()
    sample = sample_for(op, h.state)
    path = op["path"].replace("{id}", sample.id or "")
    async with h.client as client:
        kwargs: dict[str, Any] = {"params": sample.query}
        if sample.body is not None:
            kwargs["json"] = sample.body
        response = await client.request(op["method"], path, **kwargs)
    assert response.status_code == int(op["success_status"]), response.text
    assert response.headers["X-Rate-Limit"].startswith("user-hour-lim:3600;user-hour-rem:")
    if response.status_code == 201:
        assert response.headers["Location"] == response.json()["data"]["links"]["self"]
    h.transport.assert_clean()
    assert h.transport.operations_seen == {op["operationId"]}
