"""Task-level TestFlight tools: the conversations people have, each one confirmed action with one preview.

- invite testers by email to a beta group (create missing testers, add existing ones, skip members);
- remove testers from a group by email;
- distribute a build to groups, submitting it for Beta App Review when an external group needs it;
- read a build's beta state and its newest crash and screenshot feedback.

Each write's plan resolves every name once (the group, the build, "newest", the tester ids) and
binds the result: the guard re-plans after approval and refuses if anything differs, and the run
acts on `plan.bound` only, so it never reaches a build or group the human did not see. A repeat
after a partial failure plans again from what is there, so nothing is done twice.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from betaops.core.errors import ProviderError
from betaops.core.images import WithImages, attach_images
from betaops.core.invites import InviteResult, PersonOutcome, after_error, parse_people
from betaops.core.model import Model
from betaops.core.operation import Effect
from betaops.core.preview import every, quoted, value
from betaops.core.resolve import Choice, pick
from betaops.core.task import Plan, Task, TaskContext
from betaops.providers.testflight.operations import Id

PROVIDER = "testflight"
EmailText = Annotated[str, StringConstraints(min_length=1, max_length=320)]
GroupName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
AppText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
CHUNK = 50  # ids per filter or relationship call


def _fail(message: str, hint: str = "", operation: str | None = None) -> ProviderError:
    return ProviderError(PROVIDER, message, operation=operation, hint=hint, changed=False)


class GroupRef(Model):
    """A beta group, by id, or by name within an app."""

    model_config = ConfigDict(extra="forbid")

    beta_group_id: Id | None = Field(None, description="The beta group's id")
    beta_group_name: GroupName | None = Field(None, description="The group's name (or a prefix), instead of its id")
    app_id: AppText | None = Field(None, description="App (name or id) of a named group; default TESTFLIGHT_APP_ID")

    @model_validator(mode="after")
    def _one_group(self) -> GroupRef:
        if (self.beta_group_id is None) == (self.beta_group_name is None):
            raise ValueError("give beta_group_id or beta_group_name (with app_id), not both")
        return self


class EmailsParams(GroupRef):
    emails: list[EmailText] = Field(
        ..., min_length=1, max_length=500, description="Emails, optionally as 'First Last <email>'"
    )


class GroupInviteResult(InviteResult):
    beta_group_id: str
    beta_group_name: str | None = None


class Removal(Model):
    email: str
    outcome: Literal["removed", "not_in_group", "invalid", "failed", "unknown"]
    tester_id: str | None = None
    detail: str | None = None


class RemoveResult(Model):
    beta_group_id: str
    beta_group_name: str | None = None
    outcomes: list[Removal]
    counts: dict[str, int] = Field(description="How many emails had each outcome")


def _chunks(items: list[str], size: int = CHUNK) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def group_choice(group: dict[str, Any]) -> Choice:
    """A group as a candidate: internal or external, and its app, tell same-named groups apart."""
    kind = "internal" if group.get("isInternalGroup") else "external"
    app = (group.get("app") or {}).get("name") or group.get("app_id")
    return Choice(str(group["id"]), (str(group.get("name") or ""),), f"{kind}, app {app!r}" if app else kind, group)


async def resolve_group(ctx: TaskContext, ref: GroupRef) -> dict[str, Any]:
    """The group resource (flattened), found by id, or by name (any case, a prefix) in its app or in any app."""
    if ref.beta_group_id is not None:
        return dict((await ctx.call("get_beta_group", {"beta_group_id": ref.beta_group_id})).data)
    assert ref.beta_group_name is not None
    app = ref.app_id or ctx.pinned.get("app_id")
    where = {"filter_app": [str((await resolve_app(ctx, app))["id"])]} if app else {}
    groups = await ctx.collect("list_beta_groups", where, max_items=500)
    return dict(pick(PROVIDER, "group", ref.beta_group_name, [group_choice(g) for g in groups]).item)


def parse_emails(entries: list[str]) -> tuple[dict[str, tuple[str | None, str | None]], list[str]]:
    """({lower-case email: (first, last)}, invalid entries): the shared people rule, as this flow binds it."""
    people, invalid = parse_people(entries)
    return {e: (p.first_name, p.last_name) for e, p in people.items()}, invalid


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


def _counts(outcomes: list[Removal]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.outcome] = counts.get(o.outcome, 0) + 1
    return counts


class GroupFacts(Model):
    """A group as the human saw it: a renamed or re-flagged group changes the plan."""

    id: str
    name: str | None = None
    internal: bool


def _facts(group: dict[str, Any]) -> GroupFacts:
    return GroupFacts(id=str(group["id"]), name=group.get("name"), internal=bool(group.get("isInternalGroup")))


def _group_label(group: GroupFacts) -> str:
    kind = "internal" if group.internal else "external"
    return f"beta group {quoted(group.name)} ({kind}, id {group.id})"


def _person(email: str, name: tuple[str | None, str | None]) -> str:
    full = " ".join(p for p in name if p)
    return f"{full} <{email}>" if full else email


# ---------------------------------------------------------------------------- invite


class InviteBound(Model):
    group: GroupFacts
    create: dict[str, tuple[str | None, str | None]] = Field(description="email -> (first, last) of new testers")
    add: dict[str, str] = Field(description="email -> tester id of existing testers outside the group")
    already: list[str]
    invalid: list[str]


async def plan_invite(ctx: TaskContext, params: EmailsParams) -> Plan:
    group = _facts(await resolve_group(ctx, params))
    current = await members(ctx, group.id)
    valid, invalid = parse_emails(params.emails)
    outside = [e for e in valid if e not in current]
    existing = await find_testers(ctx, outside) if outside else {}
    b = InviteBound(
        group=group,
        create={e: valid[e] for e in outside if e not in existing},
        add={e: existing[e] for e in outside if e in existing},
        already=[e for e in valid if e in current],
        invalid=invalid,
    )
    count = len(b.create) + len(b.add)
    if count:
        lines = [f"Invite {count} tester(s) to {_group_label(group)}."]
    else:
        lines = [f"Nothing will change: nobody to invite to {_group_label(group)}."]
    if b.create:
        named = (_person(e, n) for e, n in b.create.items())
        lines.append(f"New testers, created and invited: {every(named, 'emails')}.")
    if b.add:
        lines.append(f"Existing testers added to the group: {every(b.add, 'emails')}.")
    if b.already:
        lines.append(f"Already in the group (skipped): {every(b.already, 'emails')}.")
    if b.invalid:
        lines.append(f"Not valid emails (skipped): {every(b.invalid, 'entries')}.")
    if count and not group.internal:
        lines.append("Apple emails each external tester an invitation.")
    fingerprint = {"group": group.model_dump(), "members": sorted(current)}
    return Plan("\n".join(lines), fingerprint, b.model_dump(mode="json"), noop=not count)


async def run_invite(ctx: TaskContext, params: EmailsParams, key: str | None, plan: Plan | None) -> GroupInviteResult:
    assert plan is not None, "a write runs with its approved plan"
    b = InviteBound.model_validate(plan.bound)
    outcomes = [PersonOutcome(email=e, outcome="already_there") for e in b.already]
    outcomes += [PersonOutcome(email=e, outcome="invalid", detail="not a valid email address") for e in b.invalid]
    for chunk in _chunks(list(b.add)):
        ids = [b.add[e] for e in chunk]
        try:
            await ctx.call("add_testers_to_beta_group", {"beta_group_id": b.group.id, "beta_tester_ids": ids})
            outcomes += [PersonOutcome(email=e, outcome="invited") for e in chunk]
        except ProviderError as exc:
            outcomes += after_error(chunk, exc)
    for done, (email, (first, last)) in enumerate(b.create.items(), start=1):
        args: dict[str, Any] = {"email": email, "beta_group_ids": [b.group.id], "first_name": first, "last_name": last}
        try:
            await ctx.call("create_beta_tester", {k: v for k, v in args.items() if v is not None})
            outcomes.append(PersonOutcome(email=email, outcome="invited", detail="new tester"))
        except ProviderError as exc:
            outcomes += after_error([email], exc)
        await ctx.report(done, len(b.create), f"created {done} of {len(b.create)} testers")
    return GroupInviteResult.of(outcomes, beta_group_id=b.group.id, beta_group_name=b.group.name)


# ---------------------------------------------------------------------------- remove


class RemoveBound(Model):
    group: GroupFacts
    remove: dict[str, str] = Field(description="email -> tester id of the members who leave")
    absent: list[str]
    invalid: list[str]


async def plan_remove(ctx: TaskContext, params: EmailsParams) -> Plan:
    group = _facts(await resolve_group(ctx, params))
    current = await members(ctx, group.id)
    valid, invalid = parse_emails(params.emails)
    b = RemoveBound(
        group=group,
        remove={e: current[e] for e in valid if e in current},
        absent=[e for e in valid if e not in current],
        invalid=invalid,
    )
    if b.remove:
        lines = [f"Remove {len(b.remove)} tester(s) from {_group_label(group)}."]
        lines.append(f"Leaving: {every(b.remove, 'emails')}.")
    else:
        lines = [f"Nothing will change: none of these emails is in {_group_label(group)}."]
    if b.absent:
        lines.append(f"Not in the group (skipped): {every(b.absent, 'emails')}.")
    if b.invalid:
        lines.append(f"Not valid emails (skipped): {every(b.invalid, 'entries')}.")
    if b.remove:
        lines.append("They lose access to the group's builds. This cannot be undone (invite them again to restore).")
    fingerprint = {"group": group.model_dump(), "members": sorted(current)}
    return Plan("\n".join(lines), fingerprint, b.model_dump(mode="json"), noop=not b.remove)


async def run_remove(ctx: TaskContext, params: EmailsParams, key: str | None, plan: Plan | None) -> RemoveResult:
    assert plan is not None, "a write runs with its approved plan"
    b = RemoveBound.model_validate(plan.bound)
    outcomes = [Removal(email=e, outcome="not_in_group") for e in b.absent]
    outcomes += [Removal(email=e, outcome="invalid", detail="not a valid email address") for e in b.invalid]
    for chunk in _chunks(list(b.remove)):
        ids = [b.remove[e] for e in chunk]
        try:
            await ctx.call("remove_testers_from_beta_group", {"beta_group_id": b.group.id, "beta_tester_ids": ids})
            outcomes += [Removal(email=e, outcome="removed", tester_id=b.remove[e]) for e in chunk]
        except ProviderError as exc:
            kind: Any = "failed" if exc.changed is False else "unknown"
            outcomes += [Removal(email=e, outcome=kind, tester_id=b.remove[e], detail=exc.message) for e in chunk]
    return RemoveResult(
        beta_group_id=b.group.id, beta_group_name=b.group.name, outcomes=outcomes, counts=_counts(outcomes)
    )


# ---------------------------------------------------------------------------- build state


BUILD_INCLUDE = ["buildBetaDetail", "betaAppReviewSubmission", "preReleaseVersion", "betaGroups", "app"]


async def read_build(ctx: TaskContext, build_id: str) -> dict[str, Any]:
    reply = await ctx.call(
        "get_build", {"build_id": build_id, "include": BUILD_INCLUDE, "include_limits": {"betaGroups": 50}}
    )
    return dict(reply.data)


def build_label(build: dict[str, Any]) -> str:
    version = (build.get("pre_release_version") or {}).get("version")
    number = build.get("version")
    return f"build {quoted(f'{version} ({number})' if version else number)} (id {build.get('id')})"


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


Version = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.]{1,32}$")]


class BuildRef(Model):
    """A build by id, or by app (name, bundle id or id) and build number; the newest when no number."""

    model_config = ConfigDict(extra="forbid")

    build_id: Id | None = Field(None, description="Build id; or give app (and version)")
    app: AppText | None = Field(None, description="App name (or prefix), bundle id or id")
    version: Version | None = Field(None, description="Build number, e.g. 321; default the newest build")

    @model_validator(mode="after")
    def _one_build(self) -> BuildRef:
        if self.build_id is not None and (self.app is not None or self.version is not None):
            raise ValueError("give build_id, or app and version, not both")
        return self


async def resolve_app(ctx: TaskContext, app: str | None) -> dict[str, Any]:
    """An app by id, bundle id, SKU or name (any case, a prefix): human names are resolved here, not by the model."""
    wanted = app or ctx.pinned.get("app_id")
    if wanted is None:
        raise _fail("no app given.", "Pass app (name, bundle id or id) or set TESTFLIGHT_APP_ID.")
    apps = await ctx.collect("list_apps", {}, max_items=500)
    choices = [
        Choice(
            str(a["id"]),
            (str(a.get("name") or ""), str(a.get("bundleId") or ""), str(a.get("sku") or "")),
            str(a.get("bundleId") or ""),
            a,
        )
        for a in apps
    ]
    return dict(pick(PROVIDER, "app", wanted, choices).item)


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
    choices = [group_choice(g) for g in groups]
    picked = [pick(PROVIDER, "group", name, choices, where="in this app").id for name in names]
    return list(dict.fromkeys([*ids, *picked]))


class DistributeParams(BuildRef):
    beta_group_ids: list[Id] = Field(default_factory=list, max_length=50, description="Groups that get the build")
    beta_group_names: list[GroupName] = Field(default_factory=list, max_length=50, description="Or their names")
    submit_for_review: bool = Field(True, description="Submit for Beta App Review if an external group needs it")

    @model_validator(mode="after")
    def _some_group(self) -> DistributeParams:
        if not self.beta_group_ids and not self.beta_group_names:
            raise ValueError("give beta_group_ids or beta_group_names")
        return self


class DistributeResult(Model):
    build_id: str
    added_to: list[str] = Field(description="Group ids the build was added to")
    already_in: list[str] = Field(description="Group ids that already had it")
    review_submission_id: str | None = None
    review_state: str | None = None
    note: str


class DistributeBound(Model):
    build_id: str
    build: str = Field(description="The build's label, as previewed")
    add: list[GroupFacts]
    already: list[GroupFacts]
    submit_for_review: bool


async def plan_distribute(ctx: TaskContext, params: DistributeParams) -> Plan:
    build = await read_build(ctx, await resolve_build(ctx, params))
    ids = await resolve_groups(ctx, str(build.get("app_id")), params.beta_group_ids, params.beta_group_names)
    groups = [_facts((await ctx.call("get_beta_group", {"beta_group_id": g})).data) for g in ids]
    external = any(not g.internal for g in groups)
    problem = blocker(build, external)
    if problem:
        raise _fail(
            f"{build_label(build)} cannot be distributed: {problem}.",
            "Check it with testflight_get_build_beta_status.",
            operation="testflight_distribute_build",
        )
    have = set(build.get("beta_group_ids") or [])
    state = (build.get("build_beta_detail") or {}).get("externalBuildState")
    b = DistributeBound(
        build_id=str(build["id"]),
        build=build_label(build),
        add=[g for g in groups if g.id not in have],
        already=[g for g in groups if g.id in have],
        submit_for_review=params.submit_for_review and external and state == "READY_FOR_BETA_SUBMISSION",
    )
    noop = not b.add and not b.submit_for_review
    if noop:
        lines = [f"Nothing will change: {b.build} is already in every group asked."]
    else:
        lines = [f"Give {b.build} to {len(b.add)} group(s)."]
    if b.add:
        lines.append(f"Added to: {', '.join(_group_label(g) for g in b.add)}.")
    if b.already:
        lines.append(f"Already there: {', '.join(_group_label(g) for g in b.already)}.")
    if b.submit_for_review:
        lines.append("Then submit it for Beta App Review (needed before external testers get it).")
    elif external:
        lines.append(f"External beta state: {value(state)}; no review submission is made.")
    processing = build.get("processingState")
    fingerprint = {"build": b.build_id, "groups": sorted(have), "state": state, "processing": processing}
    return Plan("\n".join(lines), fingerprint, b.model_dump(mode="json"), noop=noop)


async def run_distribute(
    ctx: TaskContext, params: DistributeParams, key: str | None, plan: Plan | None
) -> DistributeResult:
    assert plan is not None, "a write runs with its approved plan"
    b = DistributeBound.model_validate(plan.bound)
    adding = [g.id for g in b.add]
    if adding:
        await ctx.call("add_build_to_beta_groups", {"build_id": b.build_id, "beta_group_ids": adding})
    submission_id = review_state = None
    note = f"{b.build} is in {len(b.add) + len(b.already)} group(s)."
    if b.submit_for_review:
        try:
            reply = await ctx.call("submit_build_for_beta_review", {"build_id": b.build_id})
        except ProviderError as exc:
            exc.message = f"the build was added to the groups, but the review submission failed: {exc.message}"
            raise
        submission_id, review_state = reply.data.get("id"), reply.data.get("betaReviewState")
        note += " Submitted for Beta App Review; external testers get it once approved."
    return DistributeResult(
        build_id=b.build_id,
        added_to=adding,
        already_in=[g.id for g in b.already],
        review_submission_id=submission_id,
        review_state=review_state,
        note=note,
    )


class BuildStatusParams(BuildRef):
    feedback_items: int = Field(5, ge=0, le=20, description="Newest crash and screenshot reports shown")


class BuildBetaStatus(WithImages):
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


async def _feedback(
    ctx: TaskContext, name: str, app_id: str, build_id: str, n: int
) -> tuple[int | None, list[Any], list[str]]:
    """(total, the newest n reports, their screenshots' download links)."""
    op = ctx.operations[name]
    params = op.params.model_validate({"app_id": app_id, "filter_build": [build_id], "sort": ["-createdDate"]})
    reply = await ctx.client.call(op, params, page_state=ctx.client.config.pagination.first(max(n, 1)))
    assert reply.page is not None
    keep = ("id", "createdDate", "comment", "email", "deviceModel", "osVersion", "appPlatform", "architecture")
    newest = reply.page.items[:n]
    items = [{k: v for k, v in item.items() if k in keep} for item in newest]
    urls = [
        str(s["url"]) for item in newest for s in item.get("screenshots") or [] if isinstance(s, dict) and s.get("url")
    ]
    total = (
        reply.page.total
        if reply.page.total is not None
        else (len(reply.page.items) if not reply.page.next_state else None)
    )
    return total, items, urls


async def run_status(
    ctx: TaskContext, params: BuildStatusParams, key: str | None, plan: Plan | None = None
) -> BuildBetaStatus:
    build_id = await resolve_build(ctx, params)
    build = await read_build(ctx, build_id)
    detail = build.get("build_beta_detail") or {}
    review = build.get("beta_app_review_submission") or {}
    app_id = build.get("app_id")
    crashes: tuple[int | None, list[Any], list[str]] = (None, [], [])
    shots: tuple[int | None, list[Any], list[str]] = (None, [], [])
    if app_id:
        crashes = await _feedback(ctx, "list_crash_feedback_of_app", app_id, build_id, params.feedback_items)
        shots = await _feedback(ctx, "list_screenshot_feedback_of_app", app_id, build_id, params.feedback_items)
    groups = [
        {"id": g.get("id"), "name": g.get("name"), "isInternalGroup": g.get("isInternalGroup")}
        for g in build.get("beta_groups") or []
    ]
    status = BuildBetaStatus(
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
    await attach_images(status, ctx.client, shots[2])
    return status


TASKS: tuple[Task, ...] = (
    Task(
        provider=PROVIDER,
        name="invite_testers",
        title="Invite testers to a beta group",
        summary="Invite people by email to a beta group: creates testers that do not exist, adds existing ones, "
        "skips members and invalid emails, and reports each email's outcome. Safe to repeat.",
        params=EmailsParams,
        result=GroupInviteResult,
        effect=Effect.WRITE,
        idempotent=True,
        toolset="testers",
        run=run_invite,
        plan=plan_invite,
    ),
    Task(
        provider=PROVIDER,
        name="remove_testers_from_group",
        title="Remove testers from a beta group",
        summary="Remove people from a beta group by email; reports each email's outcome.",
        params=EmailsParams,
        result=RemoveResult,
        effect=Effect.DESTRUCTIVE,
        idempotent=True,
        toolset="testers",
        run=run_remove,
        plan=plan_remove,
    ),
    Task(
        provider=PROVIDER,
        name="distribute_build",
        title="Distribute a build to beta groups",
        summary="Add a build to beta groups (by name or id) and submit it for Beta App Review when an external "
        "group needs it; says why when the build is not ready.",
        params=DistributeParams,
        result=DistributeResult,
        effect=Effect.WRITE,
        idempotent=True,
        toolset="builds",
        run=run_distribute,
        plan=plan_distribute,
    ),
    Task(
        provider=PROVIDER,
        name="get_build_beta_status",
        title="Get a build's beta status",
        summary="A build's processing and beta state, groups, review, newest crash and screenshot feedback, next step.",
        params=BuildStatusParams,
        result=BuildBetaStatus,
        effect=Effect.READ,
        idempotent=True,
        toolset="builds",
        run=run_status,
    ),
)
