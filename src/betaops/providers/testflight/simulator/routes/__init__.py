"""TestFlight's routes in one table: the writes and the metrics, then a generic reader per other GET.

Paths are the spec's own (`/v1/builds/{id}`); every operation of the spec has exactly one route,
checked when this module loads, so a simulator never starts with an operation it cannot serve.
"""

from betaops.providers.testflight.simulator import spec
from betaops.providers.testflight.simulator.context import Handler
from betaops.providers.testflight.simulator.routes import builds, groups, links, metadata, reads
from betaops.sim.routing import Route

_OWN: tuple[Route[Handler], ...] = (
    Route("PATCH", "/v1/builds/{id}", builds.update_build),
    Route("PATCH", "/v1/builds/{id}/relationships/appEncryptionDeclaration", builds.build_set_declaration),
    Route("PATCH", "/v1/buildBetaDetails/{id}", builds.update_beta_detail),
    Route("POST", "/v1/buildBetaNotifications", builds.notify_testers),
    Route("POST", "/v1/betaAppReviewSubmissions", builds.submit_for_review),
    Route("PATCH", "/v1/betaAppReviewDetails/{id}", builds.update_review_detail),
    Route("POST", "/v1/betaGroups", groups.create_group),
    Route("PATCH", "/v1/betaGroups/{id}", groups.update_group),
    Route("DELETE", "/v1/betaGroups/{id}", groups.delete_group),
    Route("POST", "/v1/betaGroups/{id}/relationships/builds", links.group_add_builds),
    Route("DELETE", "/v1/betaGroups/{id}/relationships/builds", links.group_remove_builds),
    Route("POST", "/v1/builds/{id}/relationships/betaGroups", links.build_add_groups),
    Route("DELETE", "/v1/builds/{id}/relationships/betaGroups", links.build_remove_groups),
    Route("POST", "/v1/betaGroups/{id}/relationships/betaTesters", groups.group_add_testers),
    Route("DELETE", "/v1/betaGroups/{id}/relationships/betaTesters", links.group_remove_testers),
    Route("POST", "/v1/betaTesters/{id}/relationships/betaGroups", groups.tester_add_groups),
    Route("DELETE", "/v1/betaTesters/{id}/relationships/betaGroups", links.tester_remove_groups),
    Route("POST", "/v1/builds/{id}/relationships/individualTesters", links.build_add_testers),
    Route("DELETE", "/v1/builds/{id}/relationships/individualTesters", links.build_remove_testers),
    Route("POST", "/v1/betaTesters/{id}/relationships/builds", links.tester_add_builds),
    Route("DELETE", "/v1/betaTesters/{id}/relationships/builds", links.tester_remove_builds),
    Route("POST", "/v1/betaTesters", groups.create_tester),
    Route("DELETE", "/v1/betaTesters/{id}", groups.delete_tester),
    Route("DELETE", "/v1/betaTesters/{id}/relationships/apps", links.tester_remove_apps),
    Route("DELETE", "/v1/apps/{id}/relationships/betaTesters", links.app_remove_testers),
    Route("POST", "/v1/betaTesterInvitations", groups.create_invitation),
    Route("POST", "/v1/betaRecruitmentCriteria", groups.create_criterion),
    Route("PATCH", "/v1/betaRecruitmentCriteria/{id}", groups.update_criterion),
    Route("DELETE", "/v1/betaRecruitmentCriteria/{id}", groups.delete_criterion),
    Route("POST", "/v1/betaAppLocalizations", metadata.create_app_localization),
    Route("PATCH", "/v1/betaAppLocalizations/{id}", metadata.update_app_localization),
    Route("DELETE", "/v1/betaAppLocalizations/{id}", metadata.delete_app_localization),
    Route("POST", "/v1/betaBuildLocalizations", metadata.create_build_localization),
    Route("PATCH", "/v1/betaBuildLocalizations/{id}", metadata.update_build_localization),
    Route("DELETE", "/v1/betaBuildLocalizations/{id}", metadata.delete_build_localization),
    Route("PATCH", "/v1/betaLicenseAgreements/{id}", metadata.update_license),
    Route("POST", "/v1/betaAppClipInvocations", metadata.create_invocation),
    Route("PATCH", "/v1/betaAppClipInvocations/{id}", metadata.update_invocation),
    Route("DELETE", "/v1/betaAppClipInvocations/{id}", metadata.delete_invocation),
    Route("POST", "/v1/betaAppClipInvocationLocalizations", metadata.create_invocation_localization),
    Route("PATCH", "/v1/betaAppClipInvocationLocalizations/{id}", metadata.update_invocation_localization),
    Route("DELETE", "/v1/betaAppClipInvocationLocalizations/{id}", metadata.delete_invocation_localization),
    Route("DELETE", "/v1/betaFeedbackCrashSubmissions/{id}", metadata.delete_crash),
    Route("DELETE", "/v1/betaFeedbackScreenshotSubmissions/{id}", metadata.delete_screenshot),
    Route("GET", "/v1/apps/{id}/metrics/betaTesterUsages", reads.app_usages),
    Route("GET", "/v1/betaGroups/{id}/metrics/betaTesterUsages", reads.group_usages),
    Route("GET", "/v1/betaGroups/{id}/metrics/publicLinkUsages", reads.public_link_usages),
    Route("GET", "/v1/betaTesters/{id}/metrics/betaTesterUsages", reads.tester_usages),
    Route("GET", "/v1/builds/{id}/metrics/betaBuildUsages", reads.build_usages),
)
ROUTES: tuple[Route[Handler], ...] = (*_OWN, *reads.generic_reads({(r.method, r.path) for r in _OWN}))


def _check() -> None:
    declared = [(route.method, route.path) for route in ROUTES]
    wanted = {(op.method, op.path) for op in spec.operations()}
    if len(declared) != len(set(declared)) or set(declared) != wanted:
        raise LookupError(f"routes and spec disagree: {sorted(wanted.symmetric_difference(declared))}")


_check()
