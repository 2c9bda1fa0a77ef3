"""App Store Connect failures as one clear sentence, with advice for the ones people actually hit.

Apple answers `{"errors": [{status, code, title, detail?, source: {pointer | parameter}}]}`;
`detail` is optional in practice (live 409s omit it), and `code` is hierarchical
(`ENTITY_ERROR.ATTRIBUTE.INVALID`), so advice matches by prefix and by the request's path.
"""

from __future__ import annotations

import re
from typing import Any

import httpx2

from betaops.core.error_shape import ErrorShape

BUILD_NOT_READY = (
    "The build cannot go to that group yet: it may still be processing, be missing export compliance "
    "(answer it with testflight_update_build uses_non_exempt_encryption=false, or attach an encryption "
    "declaration), have expired, be internal-only, or (external groups) need Beta App Review first. "
    "Check it with testflight_get_build_beta_status, fix what it shows, then try again."
)
REVIEW_NOT_READY = (
    "The build is not ready for Beta App Review: it must be processed, have export compliance answered "
    "and not be submitted already; the app needs beta review details and a beta app description "
    "(testflight_update_beta_app_review_detail, testflight_update_beta_app_localization). "
    "Check the build with testflight_get_build_beta_status."
)
CONFLICT = (
    "It conflicts with what is there now (e.g. a duplicate): read the current state, then change only what differs."
)
TESTER_EXISTS = (
    "A tester with this email may already exist: find them with testflight_list_beta_testers filter_email, "
    "then add them with testflight_add_testers_to_beta_group (testflight_invite_testers does both)."
)
BAD_ATTRIBUTE = "Fix the value at {where} and call again."
RELATIONSHIP = (
    "A related resource named at {where} is the problem: it does not exist, belongs to another app, is already "
    "linked, or cannot be linked now. List the ids first (e.g. testflight_list_beta_groups, "
    "testflight_list_builds), then call again with valid ones."
)
RELATIONSHIP_REQUIRED = "Name what to link at {where} (e.g. a new tester needs at least one beta group or build)."
BETA_FULL = (
    "The app's external beta has reached its tester limit: remove testers who no longer test "
    "(testflight_remove_testers_from_app) before adding more."
)
AGREEMENT = "The Account Holder must accept the latest agreement in App Store Connect (Business) before this works."


def _one(error: Any) -> tuple[str | None, str]:
    """One JSON:API error as (its code, "title: detail (at pointer)")."""
    if not isinstance(error, dict):
        return None, str(error)
    title = str(error.get("title") or "").strip().rstrip(".")
    detail = str(error.get("detail") or "").strip().rstrip(".")
    if title and detail and title.lower() not in detail.lower():
        text = f"{title}: {detail}"
    else:
        text = detail or title or str(error.get("code") or "unknown error")
    source = error.get("source")
    if isinstance(source, dict):
        if source.get("pointer"):
            text += f" (at {source['pointer']})"
        elif source.get("parameter"):
            text += f" (parameter {source['parameter']})"
    return (str(error["code"]) if error.get("code") else None), text


# (code of the first error, every error's title/detail/source in one sentence)
parse_error = ErrorShape(code=None, message=None, items="errors", item=_one, max_items=5)


def _first_error(response: httpx2.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if isinstance(errors, list) and errors else None
    return first if isinstance(first, dict) else {}


def conflict_hint(error: dict[str, Any], method: str, path: str) -> str:
    """A 409's advice from the error's own `code` and `source`, not from the path alone.

    On `POST /v1/betaTesters` a conflict about a relationship (a group that does not exist, a full
    beta) is not a duplicate email; only an email conflict that says so is.
    """
    code = str(error.get("code") or "")
    raw = error.get("source")
    source: dict[str, Any] = raw if isinstance(raw, dict) else {}
    pointer = str(source.get("pointer") or source.get("parameter") or "")
    detail = f"{error.get('title') or ''} {error.get('detail') or ''}".lower()
    where = pointer or "the place it names"
    if "full" in detail and ("tester" in detail or "beta" in detail):
        return BETA_FULL
    if code.startswith("ENTITY_ERROR.RELATIONSHIP.REQUIRED"):
        return RELATIONSHIP_REQUIRED.format(where=where)
    if code.startswith("ENTITY_ERROR.RELATIONSHIP") or re.match(r"^/data/(relationships|\d+)(/|$)", pointer):
        return RELATIONSHIP.format(where=where)
    duplicate = "DUPLICATE" in code or any(w in detail for w in ("already exist", "duplicate", "already in use"))
    if pointer.endswith("/email") or (not pointer and "email" in detail):
        if duplicate and method == "POST" and path == "/v1/betaTesters":
            return TESTER_EXISTS
        if not duplicate:
            return BAD_ATTRIBUTE.format(where=where)
    if code.startswith("ENTITY_ERROR.ATTRIBUTE") and not duplicate:
        return BAD_ATTRIBUTE.format(where=where)
    return CONFLICT


def error_hint(response: httpx2.Response, code: str | None) -> str | None:
    """Advice for the preconditions and conflicts App Store Connect users hit most."""
    status = response.status_code
    request = response.request
    path = request.url.path if request is not None else ""
    method = request.method if request is not None else ""
    code = code or ""
    if status == 422 and (
        (path.startswith("/v1/builds/") and path.endswith("/relationships/betaGroups"))
        or (path.startswith("/v1/betaGroups/") and path.endswith("/relationships/builds"))
    ):
        return BUILD_NOT_READY
    if status == 422 and method == "POST" and path == "/v1/betaAppReviewSubmissions":
        return REVIEW_NOT_READY
    if status == 409:
        return conflict_hint(_first_error(response), method, path)
    if status == 403 and code.startswith("FORBIDDEN.REQUIRED_AGREEMENTS"):
        return AGREEMENT
    return None
