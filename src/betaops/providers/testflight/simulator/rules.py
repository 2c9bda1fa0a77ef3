"""TestFlight's business rules (NOTES §3.6-3.7), shared by every route that links builds and testers.

Which error each broken rule gives:
- a build that cannot be distributed (still processing, failed, expired, missing export compliance,
  INTERNAL_ONLY to an external group, rejected in beta review) -> 422 `ENTITY_UNPROCESSABLE`, with
  `meta.reason` naming the rule and a detail saying what to do;
- data that conflicts with what exists (a tester already in the group, a duplicate locale or group
  name, an invalid email, a full beta) -> 409 `ENTITY_ERROR.*`;
- a link to another app's resource -> 409 `ENTITY_ERROR.RELATIONSHIP.INVALID`.
"""

from __future__ import annotations

import re

from betaops.providers.testflight.simulator.errors import ApiError, conflict
from betaops.providers.testflight.simulator.state import READY_EXTERNAL, Resource, TestFlightState

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$")
WHATS_NEW_MAX = 4000
PUBLIC_LINK_LIMIT_MAX = 10_000


def not_ready(reason: str, detail: str, pointer: str | None = None) -> ApiError:
    return ApiError(422, "ENTITY_UNPROCESSABLE", detail, pointer=pointer, meta={"reason": reason})


def check_email(email: object, pointer: str = "/data/attributes/email") -> str:
    if not isinstance(email, str) or not EMAIL.match(email):
        raise conflict("ENTITY_ERROR.ATTRIBUTE.INVALID", f"'{email}' is not a valid email address.", pointer)
    return email


def check_locale(locale: object, pointer: str = "/data/attributes/locale") -> str:
    if not isinstance(locale, str) or not LOCALE.match(locale):
        raise conflict("ENTITY_ERROR.ATTRIBUTE.INVALID", f"'{locale}' is not a valid locale.", pointer)
    return locale


def same_app(state: TestFlightState, a: Resource, b: Resource, pointer: str | None = None) -> None:
    app_a, app_b = state.app_of(a), state.app_of(b)
    if app_a is not None and app_b is not None and app_a.id != app_b.id:
        raise conflict(
            "ENTITY_ERROR.RELATIONSHIP.INVALID",
            f"The {a.type} '{a.id}' belongs to app '{app_a.id}' but the {b.type} '{b.id}' belongs to app '{app_b.id}'.",
            pointer,
        )


def check_build_testable(state: TestFlightState, build: Resource, pointer: str | None = None) -> None:
    """The rules every distribution shares: processed, not expired, export compliance settled."""
    attrs = build.attributes
    version = attrs.get("version")
    state_ = attrs.get("processingState")
    if state_ == "PROCESSING":
        raise not_ready(
            "BUILD_PROCESSING",
            f"Build {version} ('{build.id}') is still processing; wait until its processingState is VALID.",
            pointer,
        )
    if state_ in ("FAILED", "INVALID"):
        raise not_ready(
            "BUILD_INVALID",
            f"Build {version} ('{build.id}') failed processing ({state_}) and cannot be tested.",
            pointer,
        )
    if attrs.get("expired"):
        raise not_ready(
            "BUILD_EXPIRED", f"Build {version} ('{build.id}') has expired and can no longer be tested.", pointer
        )
    detail = state.beta_detail(build)
    internal = detail.attributes.get("internalBuildState") if detail else None
    if internal == "MISSING_EXPORT_COMPLIANCE" or attrs.get("usesNonExemptEncryption") is None:
        raise not_ready(
            "MISSING_EXPORT_COMPLIANCE",
            f"Build {version} ('{build.id}') is missing export compliance: set usesNonExemptEncryption "
            "(and attach an app encryption declaration if it is true) first.",
            pointer,
        )


def check_build_for_group(state: TestFlightState, build: Resource, group: Resource, pointer: str | None = None) -> None:
    same_app(state, build, group, pointer)
    check_build_testable(state, build, pointer)
    if group.attributes.get("isInternalGroup"):
        return
    version = build.attributes.get("version")
    if build.attributes.get("buildAudienceType") == "INTERNAL_ONLY":
        raise not_ready(
            "INTERNAL_ONLY_BUILD",
            f"Build {version} ('{build.id}') was uploaded for internal testing only (buildAudienceType "
            f"INTERNAL_ONLY) and cannot be added to the external group '{group.attributes.get('name')}'.",
            pointer,
        )
    detail = state.beta_detail(build)
    external = detail.attributes.get("externalBuildState") if detail else None
    if external not in READY_EXTERNAL:
        raise not_ready(
            "BETA_REVIEW_REQUIRED",
            f"Build {version} ('{build.id}') is in external state {external} and must pass beta app review "
            f"before it can be added to the external group '{group.attributes.get('name')}'.",
            pointer,
        )


def after_build_added(state: TestFlightState, build: Resource, group: Resource) -> None:
    """An added build starts testing in that group's audience."""
    detail = state.beta_detail(build)
    if detail is None:
        return
    if group.attributes.get("isInternalGroup"):
        if detail.attributes.get("internalBuildState") == "READY_FOR_BETA_TESTING":
            detail.attributes["internalBuildState"] = "IN_BETA_TESTING"
    elif detail.attributes.get("externalBuildState") in ("READY_FOR_BETA_TESTING", "BETA_APPROVED"):
        detail.attributes["externalBuildState"] = "IN_BETA_TESTING"


def add_tester_to_group(
    state: TestFlightState,
    tester: Resource,
    group: Resource,
    cap: int,
    *,
    pointer: str | None = None,
    strict: bool = True,
) -> bool:
    """Link a tester to a group (and so to its app). 409 if already there (when strict) or the beta is full."""
    members = group.rels.setdefault("betaTesters", [])
    if tester.id in members:
        if strict:
            raise conflict(
                "ENTITY_ERROR.RELATIONSHIP.INVALID",
                f"The tester '{tester.id}' is already a member of the group '{group.attributes.get('name')}'.",
                pointer,
            )
        return False
    app_id = group.rels.get("app")
    if not group.attributes.get("isInternalGroup") and app_id:
        external = state.external_tester_ids(app_id)
        if tester.id not in external and len(external) >= cap:
            raise conflict(
                "ENTITY_ERROR.RELATIONSHIP.INVALID",
                f"This beta is full: app '{app_id}' already has {len(external)} external testers, the maximum of {cap}.",
                pointer,
            )
    members.append(tester.id)
    if app_id:
        state.link(tester, "apps", app_id)
    if tester.attributes.get("state") in ("NOT_INVITED", "REVOKED"):
        tester.attributes["state"] = "INVITED"
    return True


def check_tester_for_build(
    state: TestFlightState, tester: Resource, build: Resource, cap: int, pointer: str | None = None
) -> None:
    """Individual testers are external testers of the build's app: the build must be testable, the beta not full."""
    check_build_testable(state, build, pointer)
    app_id = build.rels.get("app")
    if app_id:
        external = state.external_tester_ids(app_id) | {
            t for b in state.all("builds") if b.rels.get("app") == app_id for t in b.rels.get("individualTesters") or []
        }
        if tester.id not in external and len(external) >= cap:
            raise conflict(
                "ENTITY_ERROR.RELATIONSHIP.INVALID",
                f"This beta is full: app '{app_id}' already has {len(external)} external testers, the maximum of {cap}.",
                pointer,
            )


def remove_tester_from_app(state: TestFlightState, tester: Resource, app_id: str) -> None:
    state.unlink(tester, "apps", app_id)
    for group in state.all("betaGroups"):
        if group.rels.get("app") == app_id:
            state.unlink(group, "betaTesters", tester.id)
    for build in state.all("builds"):
        if build.rels.get("app") == app_id:
            state.unlink(build, "individualTesters", tester.id)
