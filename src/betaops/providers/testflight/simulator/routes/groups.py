"""Beta groups, testers, invitations and recruitment criteria: the writes."""

from __future__ import annotations

import hashlib

from betaops.providers.testflight.simulator.context import Ctx, Reply, deleter
from betaops.providers.testflight.simulator.errors import conflict
from betaops.providers.testflight.simulator.routes.links import add_individual
from betaops.providers.testflight.simulator.rules import (
    PUBLIC_LINK_LIMIT_MAX,
    add_tester_to_group,
    after_build_added,
    check_build_for_group,
    check_email,
    check_tester_for_build,
    not_ready,
)
from betaops.providers.testflight.simulator.state import Resource

# ------------------------------------------------------------------------------ groups


def _check_group_name(ctx: Ctx, app_id: str, name: object, exclude: str | None = None) -> None:
    if not isinstance(name, str) or not name.strip():
        raise conflict(
            "ENTITY_ERROR.ATTRIBUTE.INVALID", "A beta group needs a non-empty name.", "/data/attributes/name"
        )
    for group in ctx.state.all("betaGroups"):
        if group.id != exclude and group.rels.get("app") == app_id and group.attributes.get("name") == name:
            raise conflict(
                "ENTITY_ERROR.ATTRIBUTE.INVALID",
                f"A beta group named '{name}' already exists for this app.",
                "/data/attributes/name",
            )


def _apply_public_link(group: Resource, attrs: dict[str, object]) -> None:
    internal = bool(group.attributes.get("isInternalGroup"))
    if internal and any(attrs.get(k) for k in ("publicLinkEnabled", "publicLinkLimitEnabled")):
        raise conflict(
            "ENTITY_ERROR.ATTRIBUTE.INVALID",
            "Internal groups cannot have a public link.",
            "/data/attributes/publicLinkEnabled",
        )
    limit = attrs.get("publicLinkLimit")
    if limit is not None and (not isinstance(limit, int) or not 1 <= limit <= PUBLIC_LINK_LIMIT_MAX):
        raise conflict(
            "ENTITY_ERROR.ATTRIBUTE.INVALID",
            f"publicLinkLimit must be between 1 and {PUBLIC_LINK_LIMIT_MAX}.",
            "/data/attributes/publicLinkLimit",
        )
    for key, value in attrs.items():
        if value is not None:
            group.attributes[key] = value
    if group.attributes.get("publicLinkEnabled") and not group.attributes.get("publicLinkId"):
        token = hashlib.sha256(group.id.encode()).hexdigest()[:8]
        link_id = "".join(c.upper() if i % 3 == 0 else c for i, c in enumerate(token))
        group.attributes["publicLinkId"] = link_id
        group.attributes["publicLink"] = f"https://testflight.apple.com/join/{link_id}"


def create_group(ctx: Ctx) -> Reply:
    app = ctx.related_in_body("app", "apps", "/data/relationships/app/data/id")
    attrs = ctx.attributes
    _check_group_name(ctx, app.id, attrs.get("name"))
    internal = bool(attrs.get("isInternalGroup"))
    if not internal and not any(
        g.rels.get("app") == app.id and g.attributes.get("isInternalGroup") for g in ctx.state.all("betaGroups")
    ):
        raise not_ready(
            "INTERNAL_GROUP_REQUIRED",
            f"App '{app.attributes.get('name')}' has no internal group yet: create an internal group "
            "before creating external groups.",
            "/data/attributes/isInternalGroup",
        )
    if attrs.get("hasAccessToAllBuilds") and not internal:
        raise conflict(
            "ENTITY_ERROR.ATTRIBUTE.INVALID",
            "Only internal groups can have access to all builds.",
            "/data/attributes/hasAccessToAllBuilds",
        )
    builds = [ctx.state.get("builds", b) for b in ctx.rel_ids("builds")]
    testers = [ctx.state.get("betaTesters", t) for t in ctx.rel_ids("betaTesters")]
    for kind, found, ids in (
        ("builds", builds, ctx.rel_ids("builds")),
        ("betaTesters", testers, ctx.rel_ids("betaTesters")),
    ):
        for i, (res, rid) in enumerate(zip(found, ids, strict=True)):
            if res is None:
                raise conflict(
                    "ENTITY_ERROR.RELATIONSHIP.INVALID",
                    f"There is no {kind} resource with id '{rid}'.",
                    f"/data/relationships/{kind}/data/{i}/id",
                )
    group = Resource("betaGroups", "pending", {"isInternalGroup": internal})
    group.rels = {"app": app.id, "builds": [], "betaTesters": []}
    for i, build in enumerate(b for b in builds if b is not None):
        check_build_for_group(ctx.state, build, group, f"/data/relationships/builds/data/{i}/id")
    group = ctx.state.add(
        "betaGroups",
        {
            "name": attrs["name"],
            "createdDate": ctx.stamp,
            "isInternalGroup": internal,
            "hasAccessToAllBuilds": bool(attrs.get("hasAccessToAllBuilds")) if internal else False,
            "publicLinkEnabled": False,
            "publicLinkLimitEnabled": False,
            "feedbackEnabled": attrs.get("feedbackEnabled", True) is not False,
            "iosBuildsAvailableForAppleSiliconMac": False,
            "iosBuildsAvailableForAppleVision": False,
        },
        {"app": app.id, "builds": [], "betaTesters": [], "betaRecruitmentCriteria": None},
    )
    _apply_public_link(
        group, {k: attrs.get(k) for k in ("publicLinkEnabled", "publicLinkLimitEnabled", "publicLinkLimit")}
    )
    for build in (b for b in builds if b is not None):
        ctx.state.link(group, "builds", build.id)
        after_build_added(ctx.state, build, group)
    for tester in (t for t in testers if t is not None):
        add_tester_to_group(ctx.state, tester, group, ctx.config.external_tester_cap, strict=False)
    return ctx.created(group)


def update_group(ctx: Ctx) -> Reply:
    group = ctx.load("betaGroups")
    ctx.check_update_id()
    attrs = ctx.attributes
    if "name" in attrs:
        _check_group_name(ctx, group.rels.get("app") or "", attrs["name"], exclude=group.id)
    _apply_public_link(group, attrs)
    return ctx.ok(group)


def delete_group(ctx: Ctx) -> Reply:
    group = ctx.load("betaGroups")
    criterion = group.rels.get("betaRecruitmentCriteria")
    ctx.state.remove("betaGroups", group.id)
    if criterion:
        ctx.state.remove("betaRecruitmentCriteria", criterion)
    return Reply(204)


def _add_testers(ctx: Ctx, group: Resource, testers: list[Resource], pointer: str = "/data/{i}/id") -> None:
    """All or nothing: check every tester first, then link."""
    members = set(group.rels.get("betaTesters") or [])
    app_id = group.rels.get("app")
    new_external = 0
    for i, tester in enumerate(testers):
        if tester.id in members:
            raise conflict(
                "ENTITY_ERROR.RELATIONSHIP.INVALID",
                f"The tester '{tester.id}' is already a member of the group '{group.attributes.get('name')}'.",
                pointer.format(i=i),
            )
        members.add(tester.id)
        if app_id and not group.attributes.get("isInternalGroup"):
            external = ctx.state.external_tester_ids(app_id)
            if tester.id not in external:
                new_external += 1
                if len(external) + new_external > ctx.config.external_tester_cap:
                    raise conflict(
                        "ENTITY_ERROR.RELATIONSHIP.INVALID",
                        f"This beta is full: app '{app_id}' already has {len(external)} external testers, "
                        f"the maximum of {ctx.config.external_tester_cap}.",
                        pointer.format(i=i),
                    )
    for tester in testers:
        add_tester_to_group(ctx.state, tester, group, ctx.config.external_tester_cap)


def group_add_testers(ctx: Ctx) -> Reply:
    group = ctx.load("betaGroups")
    _add_testers(ctx, group, ctx.resolve_linkages("betaTesters"))
    return Reply(204)


def tester_add_groups(ctx: Ctx) -> Reply:
    tester = ctx.load("betaTesters")
    groups = ctx.resolve_linkages("betaGroups")
    # check all before changing anything
    for i, group in enumerate(groups):
        if tester.id in (group.rels.get("betaTesters") or []):
            raise conflict(
                "ENTITY_ERROR.RELATIONSHIP.INVALID",
                f"The tester '{tester.id}' is already a member of the group '{group.attributes.get('name')}'.",
                f"/data/{i}/id",
            )
    for i, group in enumerate(groups):
        _add_testers(ctx, group, [tester], pointer=f"/data/{i}/id")
    return Reply(204)


# ----------------------------------------------------------------------------- testers


def create_tester(ctx: Ctx) -> Reply:
    attrs = ctx.attributes
    email = check_email(attrs.get("email"))
    group_ids, build_ids = ctx.rel_ids("betaGroups"), ctx.rel_ids("builds")
    if not group_ids and not build_ids:
        raise conflict(
            "ENTITY_ERROR.RELATIONSHIP.REQUIRED",
            "A new tester must be added to at least one beta group or build (relationships.betaGroups or builds).",
            "/data/relationships",
        )
    groups = ctx.resolve("betaGroups", group_ids, "/data/relationships/betaGroups/data/{i}/id")
    builds = ctx.resolve("builds", build_ids, "/data/relationships/builds/data/{i}/id")
    existing = next(
        (t for t in ctx.state.all("betaTesters") if str(t.attributes.get("email", "")).lower() == email.lower()), None
    )
    if existing is not None:
        new_groups = [g for g in groups if existing.id not in (g.rels.get("betaTesters") or [])]
        new_builds = [b for b in builds if existing.id not in (b.rels.get("individualTesters") or [])]
        if not new_groups and not new_builds:
            raise conflict(
                "ENTITY_ERROR.ATTRIBUTE.INVALID",
                f"A tester with email '{email}' already exists in every group and build given.",
                "/data/attributes/email",
            )
        groups, builds, tester = new_groups, new_builds, existing
    else:
        tester = Resource("betaTesters", "pending", {}, {"apps": []})
    # check everything before creating anything
    for i, build in enumerate(builds):
        check_tester_for_build(
            ctx.state, tester, build, ctx.config.external_tester_cap, f"/data/relationships/builds/data/{i}/id"
        )
    for i, group in enumerate(groups):
        app_id = group.rels.get("app")
        if app_id and not group.attributes.get("isInternalGroup"):
            external = ctx.state.external_tester_ids(app_id)
            if tester.id not in external and len(external) >= ctx.config.external_tester_cap:
                raise conflict(
                    "ENTITY_ERROR.RELATIONSHIP.INVALID",
                    f"This beta is full: app '{app_id}' already has {len(external)} external testers, "
                    f"the maximum of {ctx.config.external_tester_cap}.",
                    f"/data/relationships/betaGroups/data/{i}/id",
                )
    if existing is None:
        tester = ctx.state.add(
            "betaTesters",
            {
                "firstName": attrs.get("firstName"),
                "lastName": attrs.get("lastName"),
                "email": email,
                "inviteType": "EMAIL",
                "state": "NOT_INVITED",
                "appDevices": [],
            },
            {"apps": []},
        )
    for group in groups:
        add_tester_to_group(ctx.state, tester, group, ctx.config.external_tester_cap, strict=False)
    add_individual(ctx, [(build, tester) for build in builds])
    return ctx.created(tester)


delete_tester = deleter("betaTesters", 202)


def create_invitation(ctx: Ctx) -> Reply:
    app = ctx.related_in_body("app", "apps", "/data/relationships/app/data/id")
    tester_id = ctx.rel_id("betaTester")
    tester = None
    if tester_id is not None:
        tester = ctx.related_in_body("betaTester", "betaTesters", "/data/relationships/betaTester/data/id")
        if app.id not in (tester.rels.get("apps") or []):
            raise conflict(
                "ENTITY_ERROR.RELATIONSHIP.INVALID",
                f"The tester '{tester.id}' is not a tester of app '{app.id}': add them to a group or build first.",
                "/data/relationships/betaTester/data/id",
            )
        if tester.attributes.get("state") in ("NOT_INVITED", "REVOKED"):
            tester.attributes["state"] = "INVITED"
    invitation = ctx.state.add(
        "betaTesterInvitations", {}, {"app": app.id, "betaTester": tester.id if tester else None}
    )
    ctx.state.notifications.append(
        {"kind": "invitation", "app": app.id, "tester": tester.id if tester else None, "at": ctx.stamp}
    )
    return ctx.created(invitation)


# ---------------------------------------------------------------- recruitment criteria


def create_criterion(ctx: Ctx) -> Reply:
    group = ctx.related_in_body("betaGroup", "betaGroups", "/data/relationships/betaGroup/data/id")
    if group.attributes.get("isInternalGroup"):
        raise conflict(
            "ENTITY_ERROR.RELATIONSHIP.INVALID",
            "Recruitment criteria apply to external groups with a public link, not internal groups.",
            "/data/relationships/betaGroup/data/id",
        )
    if group.rels.get("betaRecruitmentCriteria"):
        raise conflict(
            "ENTITY_ERROR.RELATIONSHIP.INVALID",
            f"The group '{group.attributes.get('name')}' already has recruitment criteria; update them instead.",
            "/data/relationships/betaGroup/data/id",
        )
    criterion = ctx.state.add(
        "betaRecruitmentCriteria",
        {"lastModifiedDate": ctx.stamp, "deviceFamilyOsVersionFilters": ctx.attributes["deviceFamilyOsVersionFilters"]},
    )
    group.rels["betaRecruitmentCriteria"] = criterion.id
    return ctx.created(criterion)


def update_criterion(ctx: Ctx) -> Reply:
    criterion = ctx.load("betaRecruitmentCriteria")
    ctx.check_update_id()
    if "deviceFamilyOsVersionFilters" in ctx.attributes:
        criterion.attributes["deviceFamilyOsVersionFilters"] = ctx.attributes["deviceFamilyOsVersionFilters"]
        criterion.attributes["lastModifiedDate"] = ctx.stamp
    return ctx.ok(criterion)


delete_criterion = deleter("betaRecruitmentCriteria")
