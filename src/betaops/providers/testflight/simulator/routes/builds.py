"""Builds, beta details, notifications, export compliance and beta app review: the writes."""

from __future__ import annotations

from betaops.providers.testflight.simulator.context import Ctx, Reply
from betaops.providers.testflight.simulator.errors import conflict
from betaops.providers.testflight.simulator.rules import check_build_testable, check_email, not_ready
from betaops.providers.testflight.simulator.state import Resource

ALREADY_SUBMITTED = frozenset({"WAITING_FOR_BETA_REVIEW", "IN_BETA_REVIEW", "BETA_APPROVED", "IN_BETA_TESTING"})


def _back_to_processing(ctx: Ctx, build: Resource) -> None:
    """Export compliance changed: the build goes through processing again (NOTES §3.6)."""
    build.attributes["processingState"] = "PROCESSING"
    detail = ctx.state.beta_detail(build)
    if detail is not None:
        detail.attributes["internalBuildState"] = "PROCESSING"
        detail.attributes["externalBuildState"] = (
            "NOT_APPLICABLE" if build.attributes.get("buildAudienceType") == "INTERNAL_ONLY" else "PROCESSING"
        )


def _attach_declaration(ctx: Ctx, build: Resource, declaration_id: str, pointer: str) -> None:
    declaration = ctx.state.get("appEncryptionDeclarations", declaration_id)
    if declaration is None:
        raise conflict(
            "ENTITY_ERROR.RELATIONSHIP.INVALID",
            f"There is no appEncryptionDeclarations resource with id '{declaration_id}'.",
            pointer,
        )
    if declaration.rels.get("app") != build.rels.get("app"):
        raise conflict(
            "ENTITY_ERROR.RELATIONSHIP.INVALID",
            f"The encryption declaration '{declaration_id}' belongs to another app.",
            pointer,
        )
    if declaration.attributes.get("appEncryptionDeclarationState") in ("REJECTED", "INVALID", "EXPIRED"):
        raise not_ready(
            "DECLARATION_NOT_APPROVED",
            f"The encryption declaration '{declaration_id}' is {declaration.attributes['appEncryptionDeclarationState']}.",
            pointer,
        )
    build.rels["appEncryptionDeclaration"] = declaration.id
    detail = ctx.state.beta_detail(build)
    if detail is not None and build.attributes.get("processingState") == "VALID":
        ctx.state.settle_beta_states(build, detail)


def update_build(ctx: Ctx) -> Reply:
    build = ctx.load("builds")
    ctx.check_update_id()
    attrs = ctx.attributes
    if "expired" in attrs and attrs["expired"] is False and build.attributes.get("expired"):
        raise conflict(
            "ENTITY_ERROR.ATTRIBUTE.INVALID",
            "An expired build cannot be made testable again.",
            "/data/attributes/expired",
        )
    if "usesNonExemptEncryption" in attrs and attrs["usesNonExemptEncryption"] is not None:
        if build.attributes.get("processingState") != "VALID":
            raise not_ready(
                "BUILD_PROCESSING",
                f"Build {build.attributes.get('version')} is {build.attributes.get('processingState')}; "
                "export compliance can be set once it is VALID.",
                "/data/attributes/usesNonExemptEncryption",
            )
        if build.attributes.get("usesNonExemptEncryption") is not None:
            raise conflict(
                "ENTITY_ERROR.ATTRIBUTE.INVALID",
                f"Build {build.attributes.get('version')} already has usesNonExemptEncryption set; it cannot be changed.",
                "/data/attributes/usesNonExemptEncryption",
            )
    declaration_id = ctx.rel_id("appEncryptionDeclaration")
    if declaration_id is not None:
        _attach_declaration(ctx, build, declaration_id, "/data/relationships/appEncryptionDeclaration/data/id")
    if attrs.get("usesNonExemptEncryption") is not None:
        build.attributes["usesNonExemptEncryption"] = attrs["usesNonExemptEncryption"]
        _back_to_processing(ctx, build)
    if attrs.get("expired") is True and not build.attributes.get("expired"):
        ctx.state.expire_build(build)
    return ctx.ok(build)


def build_set_declaration(ctx: Ctx) -> Reply:
    build = ctx.load("builds")
    data = ctx.data if isinstance(ctx.data, dict) else {}
    _attach_declaration(ctx, build, str(data.get("id")), "/data/id")
    return Reply(204)


def update_beta_detail(ctx: Ctx) -> Reply:
    detail = ctx.load("buildBetaDetails")
    ctx.check_update_id()
    if ctx.attributes.get("autoNotifyEnabled") is not None:
        detail.attributes["autoNotifyEnabled"] = ctx.attributes["autoNotifyEnabled"]
    return ctx.ok(detail)


def notify_testers(ctx: Ctx) -> Reply:
    build = ctx.related_in_body("build", "builds", "/data/relationships/build/data/id")
    check_build_testable(ctx.state, build, "/data/relationships/build/data/id")
    groups = ctx.state.related(build, "betaGroups")
    if not groups and not build.rels.get("individualTesters"):
        raise not_ready(
            "NO_TESTERS",
            f"Build {build.attributes.get('version')} is in no beta group and has no individual testers: nobody to notify.",
            "/data/relationships/build/data/id",
        )
    if any(n.get("kind") == "build" and n.get("build") == build.id for n in ctx.state.notifications):
        raise conflict(
            "ENTITY_ERROR.RELATIONSHIP.INVALID",
            f"Testers were already notified about build {build.attributes.get('version')}.",
            "/data/relationships/build/data/id",
        )
    notification = ctx.state.add("buildBetaNotifications", {}, {"build": build.id})
    ctx.state.notifications.append({"kind": "build", "build": build.id, "at": ctx.stamp})
    return ctx.created(notification)


def submit_for_review(ctx: Ctx) -> Reply:
    pointer = "/data/relationships/build/data/id"
    build = ctx.related_in_body("build", "builds", pointer)
    check_build_testable(ctx.state, build, pointer)
    version = build.attributes.get("version")
    if build.attributes.get("buildAudienceType") == "INTERNAL_ONLY":
        raise not_ready(
            "INTERNAL_ONLY_BUILD",
            f"Build {version} was uploaded for internal testing only and cannot be submitted for beta app review.",
            pointer,
        )
    detail = ctx.state.beta_detail(build)
    external = detail.attributes.get("externalBuildState") if detail else None
    if external in ALREADY_SUBMITTED:
        raise conflict(
            "ENTITY_ERROR.RELATIONSHIP.INVALID",
            f"Build {version} was already submitted for beta app review (externalBuildState {external}).",
            pointer,
        )
    if external not in ("READY_FOR_BETA_SUBMISSION", "BETA_REJECTED"):
        raise not_ready("NOT_READY_FOR_SUBMISSION", f"Build {version} is {external}; it cannot be submitted.", pointer)
    app = ctx.state.one(build, "app")
    if app is not None:
        missing = _missing_review_info(ctx, app)
        if missing:
            raise not_ready(
                "MISSING_BETA_APP_INFORMATION",
                f"App '{app.attributes.get('name')}' is missing information beta app review needs: {', '.join(missing)}.",
                pointer,
            )
    submission = ctx.state.add(
        "betaAppReviewSubmissions",
        {"betaReviewState": "WAITING_FOR_REVIEW", "submittedDate": ctx.stamp},
        {"build": build.id},
    )
    if detail is not None:
        detail.attributes["externalBuildState"] = "WAITING_FOR_BETA_REVIEW"
    return ctx.created(submission)


def _missing_review_info(ctx: Ctx, app: Resource) -> list[str]:
    missing = []
    locs = ctx.state.related(app, "betaAppLocalizations")
    if not any(loc.attributes.get("description") for loc in locs):
        missing.append("beta app description (betaAppLocalizations.description)")
    if not any(loc.attributes.get("feedbackEmail") for loc in locs):
        missing.append("feedback email (betaAppLocalizations.feedbackEmail)")
    review = ctx.state.one(app, "betaAppReviewDetail")
    if review is None or not review.attributes.get("contactEmail"):
        missing.append("review contact email (betaAppReviewDetails.contactEmail)")
    return missing


def update_review_detail(ctx: Ctx) -> Reply:
    review = ctx.load("betaAppReviewDetails")
    ctx.check_update_id()
    attrs = ctx.attributes
    if attrs.get("contactEmail") is not None:
        check_email(attrs["contactEmail"], "/data/attributes/contactEmail")
    review.attributes.update({k: v for k, v in attrs.items() if v is not None})
    return ctx.ok(review)
