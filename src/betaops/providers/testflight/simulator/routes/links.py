"""To-many links changed from either end: a group's builds, a build's individual testers, and
testers removed from groups, builds or apps.

The same link can be asked for from the holder's path (`/v1/betaGroups/{id}/relationships/builds`)
or the member's (`/v1/builds/{id}/relationships/betaGroups`); both ends share one action over the
(holder, member) pairs. Additions check every pair before linking any, so a refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from betaops.providers.testflight.simulator.context import Ctx, Handler, Reply
from betaops.providers.testflight.simulator.rules import (
    after_build_added,
    check_build_for_group,
    check_tester_for_build,
    remove_tester_from_app,
)
from betaops.providers.testflight.simulator.state import Resource

Pairs = list[tuple[Resource, Resource]]
Action = Callable[[Ctx, Pairs], None]


def _both_ends(holder_type: str, member_type: str, act: Action, status: int = 204) -> tuple[Handler, Handler]:
    """The handler for the holder's path, then the one for the member's, both doing `act`."""

    def from_holder(ctx: Ctx) -> Reply:
        holder = ctx.load(holder_type)
        act(ctx, [(holder, member) for member in ctx.resolve_linkages(member_type)])
        return Reply(status)

    def from_member(ctx: Ctx) -> Reply:
        member = ctx.load(member_type)
        act(ctx, [(holder, member) for holder in ctx.resolve_linkages(holder_type)])
        return Reply(status)

    return from_holder, from_member


def _add_builds(ctx: Ctx, pairs: Pairs) -> None:
    """Link each (group, build)."""
    for i, (group, build) in enumerate(pairs):
        check_build_for_group(ctx.state, build, group, f"/data/{i}/id")
    for group, build in pairs:
        ctx.state.link(group, "builds", build.id)
        after_build_added(ctx.state, build, group)


def add_individual(ctx: Ctx, pairs: Pairs) -> None:
    """Link each (build, tester) as an individual tester, who is then invited."""
    for i, (build, tester) in enumerate(pairs):
        check_tester_for_build(ctx.state, tester, build, ctx.config.external_tester_cap, f"/data/{i}/id")
    for build, tester in pairs:
        ctx.state.link(build, "individualTesters", tester.id)
        if build.rels.get("app"):
            ctx.state.link(tester, "apps", build.rels["app"])
        if tester.attributes.get("state") in ("NOT_INVITED", "REVOKED"):
            tester.attributes["state"] = "INVITED"


def _unlink(rel: str) -> Action:
    def unlink(ctx: Ctx, pairs: Pairs) -> None:
        for holder, member in pairs:
            ctx.state.unlink(holder, rel, member.id)

    return unlink


def _remove_from_apps(ctx: Ctx, pairs: Pairs) -> None:
    for app, tester in pairs:
        remove_tester_from_app(ctx.state, tester, app.id)


group_add_builds, build_add_groups = _both_ends("betaGroups", "builds", _add_builds)
group_remove_builds, build_remove_groups = _both_ends("betaGroups", "builds", _unlink("builds"))
group_remove_testers, tester_remove_groups = _both_ends("betaGroups", "betaTesters", _unlink("betaTesters"))
build_add_testers, tester_add_builds = _both_ends("builds", "betaTesters", add_individual)
build_remove_testers, tester_remove_builds = _both_ends("builds", "betaTesters", _unlink("individualTesters"))
app_remove_testers, tester_remove_apps = _both_ends("apps", "betaTesters", _remove_from_apps, status=202)
