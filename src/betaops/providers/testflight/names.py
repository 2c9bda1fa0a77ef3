"""Curated naming for the generated TestFlight tools: where the mechanical name reads poorly.

The generator derives `list_beta_groups`, `get_build_of_beta_app_review_submission`,
`add_individual_testers_to_build` and so on from the operationId; the entries here replace a
name a person would not say. Toolsets group operations by what a conversation is about.
"""

from __future__ import annotations

import re

NAMES: dict[str, str] = {
    # membership: the verbs people use
    "betaGroups_betaTesters_createToManyRelationship": "add_testers_to_beta_group",
    "betaGroups_betaTesters_deleteToManyRelationship": "remove_testers_from_beta_group",
    "betaGroups_betaTesters_getToManyRelated": "list_testers_in_beta_group",
    "betaGroups_betaTesters_getToManyRelationship": "list_tester_ids_in_beta_group",
    "builds_betaGroups_createToManyRelationship": "add_build_to_beta_groups",
    "builds_betaGroups_deleteToManyRelationship": "remove_build_from_beta_groups",
    "betaGroups_builds_createToManyRelationship": "add_builds_to_beta_group",
    "betaGroups_builds_deleteToManyRelationship": "remove_builds_from_beta_group",
    "betaGroups_builds_getToManyRelated": "list_builds_in_beta_group",
    "betaGroups_builds_getToManyRelationship": "list_build_ids_in_beta_group",
    "betaTesters_betaGroups_createToManyRelationship": "add_tester_to_beta_groups",
    "betaTesters_betaGroups_deleteToManyRelationship": "remove_tester_from_beta_groups",
    "betaTesters_builds_createToManyRelationship": "give_tester_access_to_builds",
    "betaTesters_builds_deleteToManyRelationship": "remove_tester_access_to_builds",
    "betaTesters_apps_deleteToManyRelationship": "remove_tester_from_apps",
    "apps_betaTesters_deleteToManyRelationship": "remove_testers_from_app",
    "builds_individualTesters_createToManyRelationship": "give_individual_testers_access_to_build",
    "builds_individualTesters_deleteToManyRelationship": "remove_individual_testers_from_build",
    # action-like creates
    "betaTesterInvitations_createInstance": "send_tester_invitation",
    "buildBetaNotifications_createInstance": "notify_testers_of_build",
    "betaAppReviewSubmissions_createInstance": "submit_build_for_beta_review",
    # feedback: Apple's resource names are long
    "betaFeedbackCrashSubmissions_getInstance": "get_crash_feedback",
    "betaFeedbackCrashSubmissions_deleteInstance": "delete_crash_feedback",
    "betaFeedbackCrashSubmissions_crashLog_getToOneRelated": "get_crash_log_of_crash_feedback",
    "betaFeedbackCrashSubmissions_crashLog_getToOneRelationship": "get_crash_log_id_of_crash_feedback",
    "betaFeedbackScreenshotSubmissions_getInstance": "get_screenshot_feedback",
    "betaFeedbackScreenshotSubmissions_deleteInstance": "delete_screenshot_feedback",
    "apps_betaFeedbackCrashSubmissions_getToManyRelated": "list_crash_feedback_of_app",
    "apps_betaFeedbackCrashSubmissions_getToManyRelationship": "list_crash_feedback_ids_of_app",
    "apps_betaFeedbackScreenshotSubmissions_getToManyRelated": "list_screenshot_feedback_of_app",
    "apps_betaFeedbackScreenshotSubmissions_getToManyRelationship": "list_screenshot_feedback_ids_of_app",
    # build beta details and the compatible-build check
    "builds_buildBetaDetail_getToOneRelated": "get_beta_detail_of_build",
    "builds_buildBetaDetail_getToOneRelationship": "get_beta_detail_id_of_build",
    "betaGroups_betaRecruitmentCriterionCompatibleBuildCheck_getToOneRelated": (
        "get_compatible_build_check_of_beta_group"
    ),
    "betaGroups_betaRecruitmentCriterionCompatibleBuildCheck_getToOneRelationship": (
        "get_compatible_build_check_id_of_beta_group"
    ),
    "betaGroups_betaRecruitmentCriteria_getToOneRelated": "get_recruitment_criteria_of_beta_group",
    "betaGroups_betaRecruitmentCriteria_getToOneRelationship": "get_recruitment_criteria_id_of_beta_group",
    "betaRecruitmentCriteria_createInstance": "create_recruitment_criteria",
    "betaRecruitmentCriteria_updateInstance": "update_recruitment_criteria",
    "betaRecruitmentCriteria_deleteInstance": "delete_recruitment_criteria",
    "betaRecruitmentCriterionOptions_getCollection": "list_recruitment_criterion_options",
    # metrics
    "betaTesters_betaTesterUsages_getMetrics": "get_usage_of_beta_tester",
    "builds_betaBuildUsages_getMetrics": "get_usage_of_build",
    "apps_betaTesterUsages_getMetrics": "get_tester_usage_of_app",
    "betaGroups_betaTesterUsages_getMetrics": "get_tester_usage_of_beta_group",
    "betaGroups_publicLinkUsages_getMetrics": "get_public_link_usage_of_beta_group",
}

# Plural resource type -> singular snake name, where dropping the final "s" is wrong.
SINGULAR: dict[str, str] = {
    "betaRecruitmentCriteria": "beta_recruitment_criterion",
    "preReleaseVersions": "pre_release_version",
}

# By the operationId's first segment (and for app sub-resources, by the related resource).
TOOLSET_OF_TAG: dict[str, str] = {
    "apps": "apps",
    "betaAppClipInvocationLocalizations": "app_clips",
    "betaAppClipInvocations": "app_clips",
    "buildBundles": "app_clips",
    "betaAppLocalizations": "localizations",
    "betaBuildLocalizations": "localizations",
    "betaAppReviewDetails": "review",
    "betaAppReviewSubmissions": "review",
    "betaLicenseAgreements": "review",
    "betaCrashLogs": "feedback",
    "betaFeedbackCrashSubmissions": "feedback",
    "betaFeedbackScreenshotSubmissions": "feedback",
    "betaGroups": "groups",
    "betaRecruitmentCriteria": "recruitment",
    "betaRecruitmentCriterionOptions": "recruitment",
    "betaTesterInvitations": "testers",
    "betaTesters": "testers",
    "buildBetaDetails": "builds",
    "buildBetaNotifications": "builds",
    "builds": "builds",
    "preReleaseVersions": "builds",
}

TOOLSET_OF_APP_RELATION: dict[str, str] = {
    "betaAppLocalizations": "localizations",
    "betaAppReviewDetail": "review",
    "betaFeedbackCrashSubmissions": "feedback",
    "betaFeedbackScreenshotSubmissions": "feedback",
    "betaGroups": "groups",
    "betaLicenseAgreement": "review",
    "betaTesters": "testers",
    "builds": "builds",
    "preReleaseVersions": "builds",
}

TOOLSETS: dict[str, str] = {
    "apps": "Apps and their TestFlight settings",
    "builds": "Builds, pre-release versions, build beta details and tester notifications",
    "groups": "Beta groups: create, edit, membership, builds, public links",
    "testers": "Beta testers: invite, find, add to or remove from groups, apps and builds",
    "feedback": "Tester feedback: crash and screenshot submissions, crash logs",
    "review": "Beta App Review: details, submissions and the beta license agreement",
    "localizations": "Beta app and build localizations (descriptions, What to Test)",
    "metrics": "Usage metrics for testers, groups, builds and public links",
    "app_clips": "App Clip invocations for testers",
    "recruitment": "Public-link recruitment criteria",
}

DEFAULT_TOOLSETS: tuple[str, ...] = ("apps", "builds", "groups", "testers", "feedback")

# A resource type's reads include these related resources (with only these fields) unless told
# otherwise: a group names its app, so a listing of groups says which app each belongs to.
DEFAULT_INCLUDE: dict[str, dict[str, list[str]]] = {"betaGroups": {"app": ["name"]}}
TYPE_OF_RELATION: dict[str, str] = {"app": "apps"}

# Fields a list shows per item unless more are asked for (relationship ids always show).
SUMMARY: dict[str, tuple[str, ...]] = {
    "apps": ("name", "bundleId", "sku", "primaryLocale"),
    "betaGroups": ("name", "isInternalGroup", "hasAccessToAllBuilds", "publicLinkEnabled", "publicLink", "createdDate"),
    "betaTesters": ("firstName", "lastName", "email", "inviteType", "state"),
    "builds": ("version", "uploadedDate", "processingState", "expired", "buildAudienceType", "minOsVersion"),
    "buildBetaDetails": ("autoNotifyEnabled", "internalBuildState", "externalBuildState"),
    "preReleaseVersions": ("version", "platform"),
    "betaAppReviewSubmissions": ("betaReviewState", "submittedDate"),
    "betaFeedbackCrashSubmissions": ("createdDate", "comment", "email", "deviceModel", "osVersion", "appPlatform"),
    "betaFeedbackScreenshotSubmissions": ("createdDate", "comment", "email", "deviceModel", "osVersion"),
    "betaAppLocalizations": ("locale", "description", "feedbackEmail"),
    "betaBuildLocalizations": ("locale", "whatsNew"),
}


def snake(name: str) -> str:
    """`betaGroups` -> `beta_groups`; `builds.processingState` -> `builds_processing_state`."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name.replace(".", "_")).lower()


def singular(plural: str) -> str:
    """`betaGroups` -> `beta_group`: the snake name of one resource of a plural type or relationship."""
    if plural in SINGULAR:
        return SINGULAR[plural]
    text = snake(plural)
    return text[:-1] if text.endswith("s") else text
