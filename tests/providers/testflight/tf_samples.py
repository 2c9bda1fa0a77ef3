"""Arguments for one valid call of every TestFlight tool against the seeded simulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from betaops.core.operation import Operation
from betaops.providers.testflight.simulator.state import TestFlightState


def first(state: TestFlightState, rtype: str, **where: Any) -> str:
    for res in state.resources.get(rtype, {}).values():
        if all(res.attributes.get(k, res.rels.get(k)) == v for k, v in where.items()):
            return res.id
    raise LookupError(f"no {rtype} with {where}")


def member_of(state: TestFlightState, group: str) -> str:
    return str(state.resources["betaGroups"][state.ids[group]].rels["betaTesters"][0])


def outsider(state: TestFlightState, group: str) -> str:
    """A tester of the group's app who is not in the group."""
    g = state.resources["betaGroups"][state.ids[group]]
    inside = set(g.rels["betaTesters"])
    app = g.rels["app"]
    return next(
        t.id for t in state.resources["betaTesters"].values() if t.id not in inside and app in t.rels.get("apps", [])
    )


DEFAULT_IDS: dict[str, Callable[[TestFlightState], str]] = {
    "apps": lambda s: s.ids["trailhead"],
    "builds": lambda s: s.ids["trailhead.320"],
    "betaGroups": lambda s: s.ids["trailhead.qa"],
    "betaTesters": lambda s: member_of(s, "trailhead.qa"),
    "preReleaseVersions": lambda s: s.ids["trailhead.3.5.0"],
    "buildBetaDetails": lambda s: s.ids["trailhead.320.detail"],
    "betaAppReviewSubmissions": lambda s: s.ids["trailhead.331.submission"],
    "betaFeedbackCrashSubmissions": lambda s: s.ids["trailhead.crash.hostile"],
    "betaFeedbackScreenshotSubmissions": lambda s: s.ids["trailhead.screenshot.hostile"],
    "betaCrashLogs": lambda s: first(s, "betaCrashLogs"),
    "betaAppLocalizations": lambda s: first(s, "betaAppLocalizations", app=s.ids["trailhead"]),
    "betaBuildLocalizations": lambda s: first(s, "betaBuildLocalizations"),
    "betaAppReviewDetails": lambda s: s.ids["1588204131.reviewDetail"],
    "betaLicenseAgreements": lambda s: s.ids["1588204131.license"],
    "betaAppClipInvocations": lambda s: s.ids["souschef.invocation"],
    "betaAppClipInvocationLocalizations": lambda s: s.ids["souschef.invocation.localization"],
    "buildBundles": lambda s: s.ids["souschef.bundle.clip"],
    "betaRecruitmentCriteria": lambda s: s.ids["trailhead.public.criteria"],
}

# Reads whose spec requires a filter, or that need a particular resource.
READS: dict[str, Callable[[TestFlightState], dict[str, Any]]] = {
    "list_beta_app_review_details": lambda s: {"filter_app": [s.ids["trailhead"]]},
    "list_beta_app_review_submissions": lambda s: {"filter_build": [s.ids["trailhead.331"]]},
    "get_usage_of_beta_tester": lambda s: {
        "beta_tester_id": member_of(s, "trailhead.qa"),
        "filter_apps": s.ids["trailhead"],
    },
    "get_public_link_usage_of_beta_group": lambda s: {"beta_group_id": s.ids["trailhead.public"]},
    "get_recruitment_criteria_of_beta_group": lambda s: {"beta_group_id": s.ids["trailhead.public"]},
    "get_recruitment_criteria_id_of_beta_group": lambda s: {"beta_group_id": s.ids["trailhead.public"]},
    "get_compatible_build_check_of_beta_group": lambda s: {"beta_group_id": s.ids["trailhead.public"]},
    "get_compatible_build_check_id_of_beta_group": lambda s: {"beta_group_id": s.ids["trailhead.public"]},
    "get_beta_app_review_submission_of_build": lambda s: {"build_id": s.ids["trailhead.331"]},
    "get_beta_app_review_submission_id_of_build": lambda s: {"build_id": s.ids["trailhead.331"]},
    "list_beta_app_clip_invocations_of_build_bundle": lambda s: {"build_bundle_id": s.ids["souschef.bundle.clip"]},
}

WRITES: dict[str, Callable[[TestFlightState], dict[str, Any]]] = {
    "create_beta_app_clip_invocation_localization": lambda s: {
        "title": "Order ahead",
        "locale": "fr-FR",
        "beta_app_clip_invocation_id": s.ids["souschef.invocation"],
    },
    "update_beta_app_clip_invocation_localization": lambda s: {
        "beta_app_clip_invocation_localization_id": s.ids["souschef.invocation.localization"],
        "title": "Cook now",
    },
    "delete_beta_app_clip_invocation_localization": lambda s: {
        "beta_app_clip_invocation_localization_id": s.ids["souschef.invocation.localization"]
    },
    "create_beta_app_clip_invocation": lambda s: {
        "url": "https://souschef.example.com/clip/order",
        "build_bundle_id": s.ids["souschef.bundle.clip"],
        "beta_app_clip_invocation_localizations": [{"title": "Order", "locale": "en-GB"}],
    },
    "update_beta_app_clip_invocation": lambda s: {
        "beta_app_clip_invocation_id": s.ids["souschef.invocation"],
        "url": "https://souschef.example.com/clip/v2",
    },
    "delete_beta_app_clip_invocation": lambda s: {"beta_app_clip_invocation_id": s.ids["souschef.invocation"]},
    "create_beta_app_localization": lambda s: {
        "app_id": s.ids["harbor"],
        "locale": "en-US",
        "description": "Notes for sailors.",
        "feedback_email": "beta@harbor.example.com",
    },
    "update_beta_app_localization": lambda s: {
        "beta_app_localization_id": DEFAULT_IDS["betaAppLocalizations"](s),
        "description": "Maps for every trail.",
    },
    "delete_beta_app_localization": lambda s: {"beta_app_localization_id": DEFAULT_IDS["betaAppLocalizations"](s)},
    "update_beta_app_review_detail": lambda s: {
        "beta_app_review_detail_id": s.ids["1588204131.reviewDetail"],
        "notes": "Use the demo account.",
    },
    "submit_build_for_beta_review": lambda s: {"build_id": s.ids["trailhead.321"]},
    "create_beta_build_localization": lambda s: {
        "build_id": s.ids["trailhead.321"],
        "locale": "de-DE",
        "whats_new": "Neue Karten.",
    },
    "update_beta_build_localization": lambda s: {
        "beta_build_localization_id": first(s, "betaBuildLocalizations"),
        "whats_new": "Offline maps.",
    },
    "delete_beta_build_localization": lambda s: {"beta_build_localization_id": first(s, "betaBuildLocalizations")},
    "delete_crash_feedback": lambda s: {"beta_feedback_crash_submission_id": s.ids["trailhead.crash.hostile"]},
    "delete_screenshot_feedback": lambda s: {
        "beta_feedback_screenshot_submission_id": s.ids["trailhead.screenshot.hostile"]
    },
    "create_beta_group": lambda s: {"name": "Summit Testers", "app_id": s.ids["trailhead"]},
    "update_beta_group": lambda s: {"beta_group_id": s.ids["trailhead.pilots"], "name": "Enterprise Pilots 2"},
    "delete_beta_group": lambda s: {"beta_group_id": s.ids["trailhead.pilots"]},
    "update_beta_license_agreement": lambda s: {
        "beta_license_agreement_id": s.ids["1588204131.license"],
        "agreement_text": "Be kind to the maps.",
    },
    "create_recruitment_criteria": lambda s: {
        "beta_group_id": s.ids["ledgerly.early"],
        "device_family_os_version_filters": [{"device_family": "IPHONE", "minimum_os_inclusive": "17.0"}],
    },
    "update_recruitment_criteria": lambda s: {
        "beta_recruitment_criterion_id": s.ids["trailhead.public.criteria"],
        "device_family_os_version_filters": [{"device_family": "IPAD", "minimum_os_inclusive": "17.0"}],
    },
    "delete_recruitment_criteria": lambda s: {"beta_recruitment_criterion_id": s.ids["trailhead.public.criteria"]},
    "send_tester_invitation": lambda s: {
        "app_id": s.ids["trailhead"],
        "beta_tester_id": s.ids["trailhead.tester.first_external"],
    },
    "create_beta_tester": lambda s: {
        "email": "new.hiker@example.com",
        "first_name": "New",
        "beta_group_ids": [s.ids["trailhead.pilots"]],
    },
    "delete_beta_tester": lambda s: {"beta_tester_id": s.ids["trailhead.tester.first_external"]},
    "update_build_beta_detail": lambda s: {
        "build_beta_detail_id": s.ids["trailhead.320.detail"],
        "auto_notify_enabled": False,
    },
    "notify_testers_of_build": lambda s: {"build_id": s.ids["trailhead.320"]},
    "update_build": lambda s: {"build_id": s.ids["trailhead.323"], "uses_non_exempt_encryption": False},
    "remove_testers_from_app": lambda s: {
        "app_id": s.ids["trailhead"],
        "beta_tester_ids": [s.ids["trailhead.tester.first_external"]],
    },
    "add_testers_to_beta_group": lambda s: {
        "beta_group_id": s.ids["trailhead.pilots"],
        "beta_tester_ids": [outsider(s, "trailhead.pilots")],
    },
    "remove_testers_from_beta_group": lambda s: {
        "beta_group_id": s.ids["trailhead.pilots"],
        "beta_tester_ids": [member_of(s, "trailhead.pilots")],
    },
    "add_builds_to_beta_group": lambda s: {
        "beta_group_id": s.ids["trailhead.qa"],
        "build_ids": [s.ids["trailhead.330"]],
    },
    "remove_builds_from_beta_group": lambda s: {
        "beta_group_id": s.ids["trailhead.crew"],
        "build_ids": list(s.resources["betaGroups"][s.ids["trailhead.crew"]].rels["builds"]),
    },
    "remove_tester_from_apps": lambda s: {
        "beta_tester_id": s.ids["trailhead.tester.first_external"],
        "app_ids": [s.ids["trailhead"]],
    },
    "add_tester_to_beta_groups": lambda s: {
        "beta_tester_id": outsider(s, "trailhead.pilots"),
        "beta_group_ids": [s.ids["trailhead.pilots"]],
    },
    "remove_tester_from_beta_groups": lambda s: {
        "beta_tester_id": member_of(s, "trailhead.pilots"),
        "beta_group_ids": [s.ids["trailhead.pilots"]],
    },
    "give_tester_access_to_builds": lambda s: {
        "beta_tester_id": member_of(s, "trailhead.pilots"),
        "build_ids": [s.ids["trailhead.320"]],
    },
    "remove_tester_access_to_builds": lambda s: {
        "beta_tester_id": s.resources["builds"][s.ids["trailhead.320"]].rels["individualTesters"][0],
        "build_ids": [s.ids["trailhead.320"]],
    },
    "set_app_encryption_declaration_of_build": lambda s: {
        "build_id": s.ids["trailhead.323"],
        "app_encryption_declaration_id": s.ids["trailhead.declaration"],
    },
    "add_build_to_beta_groups": lambda s: {
        "build_id": s.ids["trailhead.330"],
        "beta_group_ids": [s.ids["trailhead.qa"]],
    },
    "remove_build_from_beta_groups": lambda s: {
        "build_id": s.ids["trailhead.320"],
        "beta_group_ids": [s.ids["trailhead.core"]],
    },
    "give_individual_testers_access_to_build": lambda s: {
        "build_id": s.ids["trailhead.320"],
        "beta_tester_ids": [member_of(s, "trailhead.pilots")],
    },
    "remove_individual_testers_from_build": lambda s: {
        "build_id": s.ids["trailhead.320"],
        "beta_tester_ids": s.resources["builds"][s.ids["trailhead.320"]].rels["individualTesters"][:1],
    },
}


def sample(op: Operation, state: TestFlightState) -> dict[str, Any]:
    if op.name in WRITES:
        return WRITES[op.name](state)
    if op.name in READS:
        return READS[op.name](state)
    args: dict[str, Any] = {}
    for field in op.path_fields:
        rtype = op.path.split("/")[2]
        args[field] = DEFAULT_IDS[rtype](state)
    return args
