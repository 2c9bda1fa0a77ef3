"""What a handler receives (`Ctx`) and returns (`Reply`), and helpers shared by the route modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from betaops.providers.testflight.simulator import spec
from betaops.providers.testflight.simulator.config import SimConfig
from betaops.providers.testflight.simulator.errors import conflict, not_found
from betaops.providers.testflight.simulator.jsonapi import Query, Renderer
from betaops.providers.testflight.simulator.state import Resource, TestFlightState
from betaops.sim.clock import iso


@dataclass
class Reply:
    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Ctx:
    state: TestFlightState
    config: SimConfig
    op: spec.Op
    path: str  # the request path, e.g. /v1/builds/abc
    path_params: dict[str, str]
    query: Query
    body: dict[str, Any]
    base: str  # scheme://host, for links
    now: float

    @property
    def id(self) -> str:
        return self.path_params["id"]

    @property
    def renderer(self) -> Renderer:
        return Renderer(self.state, self.base, self.query)

    @property
    def stamp(self) -> str:
        return iso(self.now)

    def load(self, rtype: str, rid: str | None = None) -> Resource:
        rid = self.id if rid is None else rid
        res = self.state.get(rtype, rid)
        if res is None:
            raise not_found(rtype, rid)
        return res

    # -- body access -----------------------------------------------------------------

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def attributes(self) -> dict[str, Any]:
        data = self.data if isinstance(self.data, dict) else {}
        return dict(data.get("attributes") or {})

    def rel_id(self, name: str) -> str | None:
        """The id of a to-one relationship in the request body, if given."""
        rel = (self.data.get("relationships") or {}).get(name) if isinstance(self.data, dict) else None
        data = rel.get("data") if isinstance(rel, dict) else None
        return data.get("id") if isinstance(data, dict) else None

    def rel_ids(self, name: str) -> list[str]:
        rel = (self.data.get("relationships") or {}).get(name) if isinstance(self.data, dict) else None
        data = rel.get("data") if isinstance(rel, dict) else None
        return [d["id"] for d in data] if isinstance(data, list) else []

    def linkage_ids(self) -> list[str]:
        """`{"data": [{"type", "id"}, ...]}` bodies of relationship POST/DELETE."""
        return [d["id"] for d in self.data] if isinstance(self.data, list) else []

    def related_in_body(self, name: str, rtype: str, pointer: str) -> Resource:
        """A to-one in the body that must exist: a missing target is 409 ENTITY_ERROR.RELATIONSHIP.INVALID."""
        rid = self.rel_id(name)
        res = self.state.get(rtype, rid) if rid else None
        if res is None:
            raise conflict(
                "ENTITY_ERROR.RELATIONSHIP.INVALID",
                f"The relationship '{name}' refers to a {rtype} resource '{rid}' that does not exist.",
                pointer,
            )
        return res

    def check_update_id(self) -> None:
        data = self.data if isinstance(self.data, dict) else {}
        if data.get("id") != self.id:
            raise conflict(
                "ENTITY_ERROR.ATTRIBUTE.INVALID",
                f"The id in the request body ('{data.get('id')}') does not match the id in the path ('{self.id}').",
                "/data/id",
            )

    # -- replies -----------------------------------------------------------------

    def created(self, res: Resource) -> Reply:
        body = {"data": self.renderer.resource(res, with_include=False), "links": {"self": self.location(res)}}
        return Reply(201, body, {"Location": self.location(res)})

    def ok(self, res: Resource) -> Reply:
        body = {"data": self.renderer.resource(res, with_include=False), "links": {"self": f"{self.base}{self.path}"}}
        return Reply(200, body)

    def location(self, res: Resource) -> str:
        return f"{self.base}/v1/{res.type}/{res.id}"

    def resolve_linkages(self, rtype: str) -> list[Resource]:
        """Every id of a linkage body must exist: otherwise 409, nothing changed."""
        return self.resolve(rtype, self.linkage_ids(), "/data/{i}/id")

    def resolve(self, rtype: str, ids: list[str], pointer: str) -> list[Resource]:
        """Every one of `ids` must be an `rtype`: otherwise 409 at `pointer` (with `{i}` the index)."""
        out = []
        for i, rid in enumerate(ids):
            res = self.state.get(rtype, rid)
            if res is None:
                raise conflict(
                    "ENTITY_ERROR.RELATIONSHIP.INVALID",
                    f"There is no {rtype} resource with id '{rid}'.",
                    pointer.format(i=i),
                )
            out.append(res)
        return out


Handler = Callable[[Ctx], Reply]


Check = Callable[[dict[str, Any]], None]  # refuses attributes it does not accept


def updater(rtype: str, check: Check | None = None) -> Handler:
    """PATCH of plain attributes: the body's id must be the path's, `check` may refuse, then every
    attribute given (not null) is set."""

    def update(ctx: Ctx) -> Reply:
        res = ctx.load(rtype)
        ctx.check_update_id()
        if check is not None:
            check(ctx.attributes)
        res.attributes.update({k: v for k, v in ctx.attributes.items() if v is not None})
        return ctx.ok(res)

    return update


def deleter(rtype: str, status: int = 204) -> Handler:
    """DELETE of a resource nothing else is removed with."""

    def delete(ctx: Ctx) -> Reply:
        ctx.state.remove(rtype, ctx.load(rtype).id)
        return Reply(status)

    return delete
