"""Task-level TestFlight tools: the conversations people have, each one confirmed action with one preview.

- invite testers by email to a beta group (create missing testers, add existing ones, skip members);
- remove testers from a group by email;
- distribute a build to groups, submitting it for Beta App Review when an external group needs it;
- read a build's beta state and its newest crash and screenshot feedback.

Each write task's plan reads the current state, and its fingerprint is that state (for the invite,
the group's member emails), so a confirm token is refused if the group changed since the preview.
Runs re-read and act on what is missing only: repeating one after a partial failure does nothing twice.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError

from betaops.core.errors import ProviderError
from betaops.core.operation import Effect
from betaops.core.task import Plan, Task, TaskContext
from betaops.providers.testflight.operations import Id
from betaops.providers.testflight.settings import TestFlightSettings

PROVIDER = "testflight"
EmailText = Annotated[str, StringConstraints(min_length=1, max_length=320)]
GroupName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
CHUNK = 50  # ids per filter or relationship call


def _fail(message: str, hint: str = "", operation: str | None = None) -> ProviderError:
    return ProviderError(PROVIDER, message, operation=operation, hint=hint, changed=False)


class GroupRef(BaseModel):
    """A beta group, by id, or by name within an app."""

    model_config = ConfigDict(extra="forbid")

    beta_group_id: Id | None = Field(None, description="The beta group's id")
    beta_group_name: GroupName | None = Field(None, description="The group's name (exact), instead of its id")
    app_id: Id | None = Field(None, description="App whose group is named; default TESTFLIGHT_APP_ID")

    @model_validator(mode="after")
    def _one_group(self) -> GroupRef:
        if (self.beta_group_id is None) == (self.beta_group_name is None):
            raise ValueError("give beta_group_id or beta_group_name (with app_id), not both")
        return self


class EmailsParams(GroupRef):
    emails: list[EmailText] = Field(
        ..., min_length=1, max_length=500, description="Emails, optionally as 'First Last <email>'"
    )


class Outcome(BaseModel):
    email: str
    outcome: Literal["created", "added", "already_in_group", "removed", "not_in_group", "invalid", "failed", "unknown"]
    tester_id: str | None = None
    detail: str | None = None


class MembershipResult(BaseModel):
    beta_group_id: str
    beta_group_name: str | None = None
    outcomes: list[Outcome]
    counts: dict[str, int] = Field(description="How many emails had each outcome")


def _chunks(items: list[str], size: int = CHUNK) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def resolve_group(ctx: TaskContext, ref: GroupRef) -> dict[str, Any]:
    """The group resource (flattened), found by id or by exact name within the app."""
    if ref.beta_group_id is not None:
        return dict((await ctx.call("get_beta_group", {"beta_group_id": ref.beta_group_id})).data)
    app_id = ref.app_id or TestFlightSettings().app_id
    if app_id is None:
        raise _fail(
            "a group named without an app.",
            "Pass app_id (testflight_list_apps lists them), set TESTFLIGHT_APP_ID, or give beta_group_id.",
        )
    groups = await ctx.collect("list_beta_groups", {"filter_app": [app_id], "filter_name": [ref.beta_group_name]})
    exact = [g for g in groups if g.get("name") == ref.beta_group_name]
    if len(exact) != 1:
        known = await ctx.collect("list_beta_groups_of_app", {"app_id": app_id}, max_items=200)
        names = ", ".join(repr(g.get("name")) for g in known) or "none"
        found = "no group" if not exact else f"{len(exact)} groups"
        raise _fail(f"{found} named {ref.beta_group_name!r} in app {app_id}.", f"Groups of this app: {names}.")
    return exact[0]


def parse_emails(entries: list[str]) -> tuple[dict[str, tuple[str | None, str | None]], list[str]]:
    """({normalised email: (first, last)}, invalid entries), in the order given, duplicates folded."""
    valid: dict[str, tuple[str | None, str | None]] = {}
    invalid: list[str] = []
    for entry in entries:
        try:
            name, email = validate_email(entry.strip())
        except PydanticCustomError:
            invalid.append(entry)
            continue
        key = email.lower()
        local = email.split("@", 1)[0]
        first, _, last = name.partition(" ") if name and name != local else ("", "", "")
        valid.setdefault(key, (first or None, last or None))
    return valid, invalid


async def members(ctx: TaskContext, group_id: str) -> dict[str, str]:
    """{lower-case email: tester id} of everyone in the group."""
    testers = await ctx.collect("list_testers_in_beta_group", {"beta_group_id": group_id}, max_items=100_000)
    return {str(t["email"]).lower(): str(t["id"]) for t in testers if t.get("email")}


async def find_testers(ctx: TaskContext, emails: list[str]) -> dict[str, str]:
    """{lower-case email: tester id} of the testers that already exist in the account."""
    found: dict[str, str] = {}
    for chunk in _chunks(emails):
        for t in await ctx.collect("list_beta_testers", {"filter_email": chunk}):
            if t.get("email") and str(t["email"]).lower() in chunk:
                found[str(t["email"]).lower()] = str(t["id"])
    return found


def _counts(outcomes: list[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.outcome] = counts.get(o.outcome, 0) + 1
    return counts


def _group_label(group: dict[str, Any]) -> str:
    kind = "internal" if group.get("isInternalGroup") else "external"
    return f"beta group {group.get('name')!r} ({kind}, id {group.get('id')})"


def _list(emails: list[str], limit: int = 20) -> str:
    shown = ", ".join(emails[:limit])
    return shown + (f" and {len(emails) - limit} more" if len(emails) > limit else "")


# ---------------------------------------------------------------------------- invite


class InvitePlan(BaseModel):
    group: dict[str, Any]
    new: dict[str, tuple[str | None, str | None]]
    existing: dict[str, str]
    already: list[str]
    invalid: list[str]


async def _classify(ctx: TaskContext, params: EmailsParams) -> tuple[InvitePlan, dict[str, str]]:
    group = await resolve_group(ctx, params)
    current = await members(ctx, str(group["id"]))
    valid, invalid = parse_emails(params.emails)
    outside = [e for e in valid if e not in current]
    existing = await find_testers(ctx, outside) if outside else {}
    plan = InvitePlan(
        group=group,
        new={e: valid[e] for e in outside if e not in existing},
        existing={e: existing[e] for e in outside if e in existing},
        already=[e for e in valid if e in current],
        invalid=invalid,
    )
    return plan, current


async def plan_invite(ctx: TaskContext, params: EmailsParams) -> Plan:
    p, current = await _classify(ctx, params)
    lines = [f"Invite {len(p.new) + len(p.existing)} tester(s) to {_group_label(p.group)}."]
    if p.new:
        lines.append(f"New testers (created and invited): {_list(list(p.new))}.")
    if p.existing:
        lines.append(f"Existing testers added to the group: {_list(list(p.existing))}.")
    if p.already:
        lines.append(f"Already in the group (skipped): {_list(p.already)}.")
    if p.invalid:
        lines.append(f"Not valid emails (skipped): {_list(p.invalid)}.")
    if not p.new and not p.existing:
        lines.append("Nothing to do.")
    elif not p.group.get("isInternalGroup"):
        lines.append("Apple emails each external tester an invitation.")
    return Plan("\n".join(lines), {"group": p.group.get("id"), "members": sorted(current), "existing": p.existing})


async def run_invite(
    ctx: TaskContext, params: EmailsParams, key: str | None, plan: Plan | None = None
) -> MembershipResult:
    p, _ = await _classify(ctx, params)
    group_id = str(p.group["id"])
    outcomes = [Outcome(email=e, outcome="already_in_group") for e in p.already]
    outcomes += [Outcome(email=e, outcome="invalid", detail="not a valid email address") for e in p.invalid]
    for chunk in _chunks(list(p.existing)):
        ids = [p.existing[e] for e in chunk]
        try:
            await ctx.call("add_testers_to_beta_group", {"beta_group_id": group_id, "beta_tester_ids": ids})
            outcomes += [Outcome(email=e, outcome="added", tester_id=p.existing[e]) for e in chunk]
        except ProviderError as exc:
            kind: Any = "failed" if exc.changed is False else "unknown"
            outcomes += [Outcome(email=e, outcome=kind, tester_id=p.existing[e], detail=exc.message) for e in chunk]
    for done, (email, (first, last)) in enumerate(p.new.items(), start=1):
        args: dict[str, Any] = {"email": email, "beta_group_ids": [group_id], "first_name": first, "last_name": last}
        try:
            reply = await ctx.call("create_beta_tester", {k: v for k, v in args.items() if v is not None})
            outcomes.append(Outcome(email=email, outcome="created", tester_id=reply.data.get("id")))
        except ProviderError as exc:
            kind = "failed" if exc.changed is False else "unknown"
            outcomes.append(Outcome(email=email, outcome=kind, detail=f"{exc.message} {exc.hint}".strip()))
        await ctx.report(done, len(p.new), f"created {done} of {len(p.new)} testers")
    return MembershipResult(
        beta_group_id=group_id,
        beta_group_name=p.group.get("name"),
        outcomes=outcomes,
        counts=_counts(outcomes),
    )


# ---------------------------------------------------------------------------- remove


async def plan_remove(ctx: TaskContext, params: EmailsParams) -> Plan:
    group = await resolve_group(ctx, params)
    current = await members(ctx, str(group["id"]))
    valid, invalid = parse_emails(params.emails)
    leaving = [e for e in valid if e in current]
    absent = [e for e in valid if e not in current]
    lines = [f"Remove {len(leaving)} tester(s) from {_group_label(group)}: {_list(leaving) or 'nobody'}."]
    if absent:
        lines.append(f"Not in the group (skipped): {_list(absent)}.")
    if invalid:
        lines.append(f"Not valid emails (skipped): {_list(invalid)}.")
    if leaving:
        lines.append("They lose access to the group's builds. This cannot be undone (invite them again to restore).")
    return Plan("\n".join(lines), {"group": group.get("id"), "members": sorted(current)})


async def run_remove(
    ctx: TaskContext, params: EmailsParams, key: str | None, plan: Plan | None = None
) -> MembershipResult:
    group = await resolve_group(ctx, params)
    group_id = str(group["id"])
    current = await members(ctx, group_id)
    valid, invalid = parse_emails(params.emails)
    outcomes = [Outcome(email=e, outcome="not_in_group") for e in valid if e not in current]
    outcomes += [Outcome(email=e, outcome="invalid", detail="not a valid email address") for e in invalid]
    for chunk in _chunks([e for e in valid if e in current]):
        ids = [current[e] for e in chunk]
        try:
            await ctx.call("remove_testers_from_beta_group", {"beta_group_id": group_id, "beta_tester_ids": ids})
            outcomes += [Outcome(email=e, outcome="removed", tester_id=current[e]) for e in chunk]
        except ProviderError as exc:
            kind: Any = "failed" if exc.changed is False else "unknown"
            outcomes += [Outcome(email=e, outcome=kind, tester_id=current[e], detail=exc.message) for e in chunk]
    return MembershipResult(
        beta_group_id=group_id, beta_group_name=group.get("name"), outcomes=outcomes, counts=_counts(outcomes)
    )


# ---------------------------------------------------------------------------- build state


BUILD_INCLUDE = ["buildBetaDetail", "betaAppReviewSubmission", "preReleaseVersion", "betaGroups", "app"]


async def read_build(ctx: TaskContext, build_id: str) -> dict[str, Any]:
    reply = await ctx.call("get_build", {"build_id": build_id, "include": BUILD_INCLUDE, "limit_beta_groups": 50})
    return dict(reply.data)


def build_label(build: dict[str, Any]) -> str:
    version = (build.get("pre_release_version") or {}).get("version")
    head = f"build {version} ({build.get('version')})" if version else f"build {build.get('version')}"
    return f"{head}, id {build.get('id')}"


def blocker(build: dict[str, Any], external: bool) -> str | None:
    """Why this build cannot be given to testers now, in words, or None."""
    detail = build.get("build_beta_detail") or {}
    if build.get("expired"):
        return "it has expired; upload a new build"
    if build.get("processingState") != "VALID":
        return f"Apple is still processing it (processingState {build.get('processingState')}); try again later"
    if detail.get("internalBuildState") == "MISSING_EXPORT_COMPLIANCE":
        return (
            "export compliance is not answered; set it with testflight_update_build "
            "uses_non_exempt_encryption=false (or attach an encryption declaration)"
        )
    if external and build.get("buildAudienceType") == "INTERNAL_ONLY":
        return "it was uploaded as TestFlight Internal Only, so it cannot go to external groups"
    if external and detail.get("externalBuildState") == "BETA_REJECTED":
        return "Beta App Review rejected it; fix the issues and upload a new build"
    return None


def next_step(build: dict[str, Any]) -> str:
    problem = blocker(build, external=False)
    if problem:
        return f"Not testable yet: {problem}."
    state = (build.get("build_beta_detail") or {}).get("externalBuildState")
    return {
        "READY_FOR_BETA_SUBMISSION": "Ready: add it to groups; external groups need Beta App Review "
        "(testflight_distribute_build submits it).",
        "WAITING_FOR_BETA_REVIEW": "Waiting for Beta App Review; external testers get it once approved.",
        "IN_BETA_REVIEW": "In Beta App Review; external testers get it once approved.",
        "BETA_APPROVED": "Approved for external testing: add it to external groups.",
        "IN_BETA_TESTING": "In beta testing.",
    }.get(str(state), "Ready for internal testing.")


AppText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Version = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.]{1,32}$")]


class BuildRef(BaseModel):
    """A build by id, or by app (name, bundle id or id) and build number; the newest when no number."""

    model_config = ConfigDict(extra="forbid")

    build_id: Id | None = Field(None, description="Build id; or give app (and version)")
    app: AppText | None = Field(None, description="App name, bundle id or id; default TESTFLIGHT_APP_ID")
    version: Version | None = Field(None, description="Build number, e.g. 321; default the newest build")

    @model_validator(mode="after")
    def _one_build(self) -> BuildRef:
        if self.build_id is not None and (self.app is not None or self.version is not None):
            raise ValueError("give build_id, or app and version, not both")
        return self


async def resolve_app(ctx: TaskContext, app: str | None) -> dict[str, Any]:
    """An app by id, bundle id or exact name (human names are resolved here, not by the model)."""
    wanted = app or TestFlightSettings().app_id
    if wanted is None:
        raise _fail("no app given.", "Pass app (name, bundle id or id) or set TESTFLIGHT_APP_ID.")
    for field in ("filter_id", "filter_bundle_id", "filter_name"):
        if field == "filter_id" and not wanted.isdigit():
            continue
        found = await ctx.collect("list_apps", {field: [wanted]}, max_items=5)
        exact = [a for a in found if wanted in (a.get("id"), a.get("bundleId"), a.get("name"))]
        if len(exact) == 1:
            return exact[0]
    known = await ctx.collect("list_apps", {}, max_items=50)
    names = ", ".join(f"{a.get('name')!r} ({a.get('bundleId')})" for a in known) or "none"
    raise _fail(f"no single app matches {wanted!r}.", f"Apps: {names}.")


async def resolve_build(ctx: TaskContext, ref: BuildRef) -> str:
    if ref.build_id is not None:
        return ref.build_id
    app = await resolve_app(ctx, ref.app)
    args: dict[str, Any] = {"filter_app": [app["id"]], "sort": ["-uploadedDate"]}
    if ref.version:
        args["filter_version"] = [ref.version]
    builds = await ctx.collect("list_builds", args, max_items=1)
    if not builds:
        which = f"build {ref.version}" if ref.version else "a build"
        raise _fail(f"{app.get('name')!r} has no {which}.", "List its builds with testflight_list_builds_of_app.")
    return str(builds[0]["id"])


async def resolve_groups(ctx: TaskContext, app_id: str, ids: list[str], names: list[str]) -> list[str]:
    if not names:
        return ids
    groups = await ctx.collect("list_beta_groups", {"filter_app": [app_id]}, max_items=500)
    by_name = {str(g.get("name")): str(g["id"]) for g in groups}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise _fail(f"no group named {', '.join(map(repr, missing))} in this app.", f"Groups: {', '.join(by_name)}.")
    return list(dict.fromkeys([*ids, *(by_name[n] for n in names)]))


class DistributeParams(BuildRef):
    beta_group_ids: list[Id] = Field(default_factory=list, max_length=50, description="Groups that get the build")
    beta_group_names: list[GroupName] = Field(default_factory=list, max_length=50, description="Or their names")
    submit_for_review: bool = Field(True, description="Submit for Beta App Review if an external group needs it")

    @model_validator(mode="after")
    def _some_group(self) -> DistributeParams:
        if not self.beta_group_ids and not self.beta_group_names:
            raise ValueError("give beta_group_ids or beta_group_names")
        return self


class DistributeResult(BaseModel):
    build_id: str
    added_to: list[str] = Field(description="Group ids the build was added to")
    already_in: list[str] = Field(description="Group ids that already had it")
    review_submission_id: str | None = None
    review_state: str | None = None
    note: str


async def _distribution(ctx: TaskContext, params: DistributeParams) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    build = await read_build(ctx, await resolve_build(ctx, params))
    ids = await resolve_groups(ctx, str(build.get("app_id")), params.beta_group_ids, params.beta_group_names)
    groups = [dict((await ctx.call("get_beta_group", {"beta_group_id": g})).data) for g in ids]
    external = any(not g.get("isInternalGroup") for g in groups)
    problem = blocker(build, external)
    if problem:
        raise _fail(
            f"{build_label(build)} cannot be distributed: {problem}.",
            "Check it with testflight_get_build_beta_status.",
            operation="testflight_distribute_build",
        )
    return build, groups


def _needs_review(build: dict[str, Any], groups: list[dict[str, Any]], params: DistributeParams) -> bool:
    state = (build.get("build_beta_detail") or {}).get("externalBuildState")
    external = any(not g.get("isInternalGroup") for g in groups)
    return params.submit_for_review and external and state == "READY_FOR_BETA_SUBMISSION"


async def plan_distribute(ctx: TaskContext, params: DistributeParams) -> Plan:
    build, groups = await _distribution(ctx, params)
    have = set(build.get("beta_group_ids") or [])
    adding = [g for g in groups if g["id"] not in have]
    lines = [
        f"Give {build_label(build)} to {len(adding)} group(s): {', '.join(_group_label(g) for g in adding) or 'none'}."
    ]
    if len(adding) < len(groups):
        lines.append(f"Already there: {', '.join(_group_label(g) for g in groups if g['id'] in have)}.")
    state = (build.get("build_beta_detail") or {}).get("externalBuildState")
    if _needs_review(build, groups, params):
        lines.append("Then submit it for Beta App Review (needed before external testers get it).")
    elif any(not g.get("isInternalGroup") for g in groups):
        lines.append(f"External beta state: {state}; no review submission is made.")
    fingerprint = {"groups": sorted(have), "state": state, "processing": build.get("processingState")}
    return Plan("\n".join(lines), fingerprint)


async def run_distribute(
    ctx: TaskContext, params: DistributeParams, key: str | None, plan: Plan | None = None
) -> DistributeResult:
    build, groups = await _distribution(ctx, params)
    have = set(build.get("beta_group_ids") or [])
    adding = [g["id"] for g in groups if g["id"] not in have]
    if adding:
        await ctx.call("add_build_to_beta_groups", {"build_id": build["id"], "beta_group_ids": adding})
    submission_id = review_state = None
    note = f"{build_label(build)} is in {len(groups)} group(s)."
    if _needs_review(build, groups, params):
        try:
            reply = await ctx.call("submit_build_for_beta_review", {"build_id": build["id"]})
        except ProviderError as exc:
            exc.message = f"the build was added to the groups, but the review submission failed: {exc.message}"
            raise
        submission_id, review_state = reply.data.get("id"), reply.data.get("betaReviewState")
        note += " Submitted for Beta App Review; external testers get it once approved."
    return DistributeResult(
        build_id=build["id"],
        added_to=adding,
        already_in=[g["id"] for g in groups if g["id"] in have],
        review_submission_id=submission_id,
        review_state=review_state,
        note=note,
    )


class BuildStatusParams(BuildRef):
    feedback_items: int = Field(5, ge=0, le=20, description="Newest crash and screenshot reports to show (0-20)")


class BuildBetaStatus(BaseModel):
    build_id: str
    label: str
    app_id: str | None = None
    processing_state: str | None = None
    expired: bool | None = None
    uploaded_date: str | None = None
    internal_state: str | None = None
    external_state: str | None = None
    groups: list[dict[str, Any]] = Field(description="id, name, isInternalGroup of each group with the build")
    review_state: str | None = Field(None, description="Beta App Review state, when submitted")
    crash_count: int | None = None
    screenshot_count: int | None = None
    recent_crashes: list[dict[str, Any]]
    recent_screenshots: list[dict[str, Any]]
    next_step: str


async def _feedback(ctx: TaskContext, name: str, app_id: str, build_id: str, n: int) -> tuple[int | None, list[Any]]:
    op = ctx.operations[name]
    params = op.params.model_validate({"app_id": app_id, "filter_build": [build_id], "sort": ["-createdDate"]})
    reply = await ctx.client.call(op, params, page_state=ctx.client.config.pagination.first(max(n, 1)))
    assert reply.page is not None
    keep = ("id", "createdDate", "comment", "email", "deviceModel", "osVersion", "appPlatform", "architecture")
    items = [{k: v for k, v in item.items() if k in keep} for item in reply.page.items[:n]]
    total = (
        reply.page.total
        if reply.page.total is not None
        else (len(reply.page.items) if not reply.page.next_state else None)
    )
    return total, items


async def run_status(
    ctx: TaskContext, params: BuildStatusParams, key: str | None, plan: Plan | None = None
) -> BuildBetaStatus:
    build_id = await resolve_build(ctx, params)
    build = await read_build(ctx, build_id)
    detail = build.get("build_beta_detail") or {}
    review = build.get("beta_app_review_submission") or {}
    app_id = build.get("app_id")
    crashes: tuple[int | None, list[Any]] = (None, [])
    shots: tuple[int | None, list[Any]] = (None, [])
    if app_id:
        crashes = await _feedback(ctx, "list_crash_feedback_of_app", app_id, build_id, params.feedback_items)
        shots = await _feedback(ctx, "list_screenshot_feedback_of_app", app_id, build_id, params.feedback_items)
    groups = [
        {"id": g.get("id"), "name": g.get("name"), "isInternalGroup": g.get("isInternalGroup")}
        for g in build.get("beta_groups") or []
    ]
    return BuildBetaStatus(
        build_id=build_id,
        label=build_label(build),
        app_id=app_id,
        processing_state=build.get("processingState"),
        expired=build.get("expired"),
        uploaded_date=build.get("uploadedDate"),
        internal_state=detail.get("internalBuildState"),
        external_state=detail.get("externalBuildState"),
        groups=groups,
        review_state=review.get("betaReviewState"),
        crash_count=crashes[0],
        screenshot_count=shots[0],
        recent_crashes=crashes[1],
        recent_screenshots=shots[1],
        next_step=next_step(build),
    )


TASKS: tuple[Task, ...] = (
    Task(
        PROVIDER,
        "invite_testers",
        "Invite testers to a beta group",
        "Invite people by email to a beta group: creates testers that do not exist, adds existing ones, "
        "skips members and invalid emails, and reports each email's outcome. Safe to repeat.",
        EmailsParams,
        MembershipResult,
        Effect.WRITE,
        True,
        "testers",
        run=run_invite,
        plan=plan_invite,
    ),
    Task(
        PROVIDER,
        "remove_testers_from_group",
        "Remove testers from a beta group",
        "Remove people from a beta group by email; reports each email's outcome.",
        EmailsParams,
        MembershipResult,
        Effect.DESTRUCTIVE,
        True,
        "testers",
        run=run_remove,
        plan=plan_remove,
    ),
    Task(
        PROVIDER,
        "distribute_build",
        "Distribute a build to beta groups",
        "Add a build to beta groups (by name or id) and submit it for Beta App Review when an external "
        "group needs it; says why when the build is not ready.",
        DistributeParams,
        DistributeResult,
        Effect.WRITE,
        True,
        "builds",
        run=run_distribute,
        plan=plan_distribute,
    ),
    Task(
        PROVIDER,
        "get_build_beta_status",
        "Get a build's beta status",
        "A build's processing and beta state, groups, review, newest crash and screenshot feedback, next step.",
        BuildStatusParams,
        BuildBetaStatus,
        Effect.READ,
        True,
        "builds",
        run=run_status,
    ),
)
