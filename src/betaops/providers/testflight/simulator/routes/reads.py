"""The 98 GET operations: one generic implementation per path shape, plus the usage metrics.

Path shapes: `/v1/{type}` (collection), `/v1/{type}/{id}` (instance), `/v1/{type}/{id}/{rel}`
(related resources), `/v1/{type}/{id}/relationships/{rel}` (linkages). The type and relationship
come from the path, the allowed parameters from the spec.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from betaops.providers.testflight.simulator import spec
from betaops.providers.testflight.simulator.context import Ctx, Handler, Reply
from betaops.providers.testflight.simulator.errors import ApiError, not_found, param_invalid
from betaops.providers.testflight.simulator.jsonapi import apply_filters, apply_sort, document, paged
from betaops.providers.testflight.simulator.state import RELATIONS, Resource
from betaops.sim.clock import iso
from betaops.sim.routing import Route

PERIOD_DAYS = {"P7D": 7, "P30D": 30, "P90D": 90, "P365D": 365}


def _segments(path: str) -> list[str]:
    return path.split("/")[2:]


def collection(ctx: Ctx) -> Reply:
    rtype = _segments(ctx.op.path)[0]
    items = apply_sort(ctx.state, apply_filters(ctx.state, ctx.state.all(rtype), ctx.query), ctx.query)
    return Reply(200, paged(ctx.renderer, items, ctx.path, includes="include" in ctx.op.params))


def instance(ctx: Ctx) -> Reply:
    rtype = _segments(ctx.op.path)[0]
    return Reply(200, document(ctx.renderer, ctx.load(rtype), ctx.path))


def _relation(ctx: Ctx) -> tuple[Resource, str]:
    seg = _segments(ctx.op.path)
    owner = ctx.load(seg[0])
    return owner, seg[-1]


def related(ctx: Ctx) -> Reply:
    owner, name = _relation(ctx)
    rel = RELATIONS[(owner.type, name)]
    found = ctx.state.related(owner, name)
    includes = "include" in ctx.op.params
    if rel.to_many:
        items = apply_sort(ctx.state, apply_filters(ctx.state, found, ctx.query), ctx.query)
        return Reply(200, paged(ctx.renderer, items, ctx.path, includes=includes))
    if not found:
        raise ApiError(404, "NOT_FOUND", f"The {owner.type} resource '{owner.id}' has no related '{name}'.")
    return Reply(200, document(ctx.renderer, found[0], ctx.path, includes=includes))


def linkage(ctx: Ctx) -> Reply:
    owner, name = _relation(ctx)
    rel = RELATIONS[(owner.type, name)]
    found = ctx.state.related(owner, name)
    if rel.to_many:
        return Reply(200, paged(ctx.renderer, found, ctx.path, linkage=True))
    if not found:
        raise ApiError(404, "NOT_FOUND", f"The {owner.type} resource '{owner.id}' has no related '{name}'.")
    return Reply(200, {"data": ctx.renderer.linkage(found[0]), "links": {"self": f"{ctx.base}{ctx.path}"}})


def generic_read(path: str) -> Handler:
    seg = _segments(path)
    if len(seg) == 1:
        return collection
    if len(seg) == 2:
        return instance
    if len(seg) == 4 and seg[2] == "relationships":
        return linkage
    if len(seg) == 3:
        return related
    raise LookupError(f"no generic reader for {path}")


# ------------------------------------------------------------------------------- metrics


def _n(*parts: str, mod: int = 100) -> int:
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") % mod


def _point(ctx: Ctx, days: int, values: dict[str, int | float]) -> dict[str, Any]:
    end = ctx.state.now or ctx.now
    return {"start": iso(end - timedelta(days=days).total_seconds()), "end": iso(end), "values": values}


def _tester_usage(ctx: Ctx, tester_id: str, scope: str, days: int) -> dict[str, int]:
    scale = max(1, days // 7)
    sessions = _n(tester_id, scope, "sessions", mod=40) * scale
    return {
        "crashCount": _n(tester_id, scope, "crashes", mod=4) * scale if sessions else 0,
        "sessionCount": sessions,
        "feedbackCount": _n(tester_id, scope, "feedback", mod=3) * scale if sessions else 0,
    }


def _period(ctx: Ctx) -> int:
    return PERIOD_DAYS[ctx.query.other.get("period", "P30D")]


def _usages(ctx: Ctx, testers: list[Resource], scope: str) -> Reply:
    days = _period(ctx)
    wanted = ctx.query.filters.get("betaTesters")
    if wanted:
        testers = [t for t in testers if t.id in wanted[0].split(",")]
    if ctx.query.other.get("groupBy") == "betaTesters":
        q = ctx.query
        limit = q.limit or 50
        page = testers[q.offset : q.offset + limit]
        data = [
            {
                "dataPoints": [_point(ctx, days, dict(_tester_usage(ctx, t.id, scope, days)))],
                "dimensions": {
                    "betaTesters": {
                        "links": {
                            "groupBy": f"{ctx.base}{ctx.path}?groupBy=betaTesters",
                            "related": f"{ctx.base}/v1/betaTesters/{t.id}",
                        },
                        "data": t.id,
                    }
                },
            }
            for t in page
        ]
        doc = paged(ctx.renderer, testers, ctx.path, linkage=True)
        doc["data"] = data
        doc["included"] = [ctx.renderer.resource(t, with_include=False) for t in page]
        return Reply(200, doc)
    totals = {"crashCount": 0, "sessionCount": 0, "feedbackCount": 0}
    for t in testers:
        for k, v in _tester_usage(ctx, t.id, scope, days).items():
            totals[k] += v
    return _single(ctx, [{"dataPoints": [_point(ctx, days, dict(totals))]}])


def _single(ctx: Ctx, data: list[dict[str, Any]]) -> Reply:
    limit = ctx.query.limit or 50
    return Reply(
        200,
        {
            "data": data,
            "links": {"self": f"{ctx.base}{ctx.path}"},
            "meta": {"paging": {"total": len(data), "limit": limit}},
        },
    )


def app_usages(ctx: Ctx) -> Reply:
    app = ctx.load("apps")
    return _usages(ctx, list(ctx.state.iter_testers_of_app(app.id)), app.id)


def group_usages(ctx: Ctx) -> Reply:
    group = ctx.load("betaGroups")
    app_id = group.rels.get("app") or ""
    return _usages(ctx, ctx.state.related(group, "betaTesters"), app_id)


def public_link_usages(ctx: Ctx) -> Reply:
    group = ctx.load("betaGroups")
    if not group.attributes.get("publicLinkEnabled"):
        return _single(ctx, [])
    views = 40 + _n(group.id, "views", mod=900)
    accepted = views * (20 + _n(group.id, "acc", mod=50)) // 100
    unmet = _n(group.id, "unmet", mod=max(1, views - accepted))
    values: dict[str, int | float] = {
        "viewCount": views,
        "acceptedCount": accepted,
        "didNotAcceptCount": views - accepted - unmet,
        "didNotMeetCriteriaCount": unmet,
        "notRelevantRatio": round(_n(group.id, "nr") / 250, 3),
        "notClearRatio": round(_n(group.id, "nc") / 400, 3),
        "notInterestingRatio": round(_n(group.id, "ni") / 300, 3),
    }
    return _single(ctx, [{"dataPoints": [_point(ctx, 30, values)]}])


def tester_usages(ctx: Ctx) -> Reply:
    tester = ctx.load("betaTesters")
    app_id = ctx.query.filters["apps"][0]
    if ctx.state.get("apps", app_id) is None:
        raise param_invalid("filter[apps]", f"There is no app with id '{app_id}'.")
    if app_id not in (tester.rels.get("apps") or []):
        raise not_found("betaTesters", tester.id)
    days = _period(ctx)
    item = {
        "dataPoints": [_point(ctx, days, dict(_tester_usage(ctx, tester.id, app_id, days)))],
        "dimensions": {
            "apps": {
                "links": {"groupBy": f"{ctx.base}{ctx.path}?groupBy=apps", "related": f"{ctx.base}/v1/apps/{app_id}"},
                "data": app_id,
            }
        },
    }
    return _single(ctx, [item])


def build_usages(ctx: Ctx) -> Reply:
    build = ctx.load("builds")
    if build.attributes.get("processingState") != "VALID":
        return _single(ctx, [])
    b = build.id
    invites = 5 + _n(b, "inv", mod=300)
    installs = invites * (30 + _n(b, "ins", mod=60)) // 100
    sessions = installs * (2 + _n(b, "ses", mod=12))
    values = {
        "crashCount": _n(b, "crash", mod=max(1, sessions // 20 + 1)),
        "installCount": installs,
        "sessionCount": sessions,
        "feedbackCount": _n(b, "fb", mod=max(1, installs // 3 + 1)),
        "inviteCount": invites,
    }
    return _single(ctx, [{"dataPoints": [_point(ctx, 90, dict(values))]}])


def generic_reads(taken: set[tuple[str, str]]) -> list[Route[Handler]]:
    """The generic reader for every GET of the spec not `taken` by a route of its own."""
    gets = [op.path for op in spec.operations() if op.method == "GET" and ("GET", op.path) not in taken]
    return [Route("GET", path, generic_read(path)) for path in gets]
