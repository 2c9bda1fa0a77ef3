"""Adding a provider is one spec in the registry: a toy provider, registered only here, gets the rest.

The toy is a real (tiny) simulator, an ASGI app, declared the way every provider is: settings,
operations, a sandbox and an invite capability. Registered in `PROVIDERS` for this test only, it
is connected, listed, searchable, readable through discovery, an invite target of
`betaops_invite_testers`, and has a status resource, with nothing in `server/` or `core/` told;
the test harness (`make_box`) builds its sandbox from the registry like any other provider's.
"""

from __future__ import annotations

import json

import httpx2
import pytest
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from betaops.core.auth import StaticBearer
from betaops.core.http import ProviderConfig
from betaops.core.invite_target import InviteCapability, Prepared, TargetRef
from betaops.core.invites import InviteResult, Person, PersonOutcome, parse_people
from betaops.core.operation import Effect, Operation, Returns
from betaops.core.pagination import PageNumberPagination
from betaops.core.provider import Parts, ProviderSpec
from betaops.core.sandbox import Simulator
from betaops.core.task import Plan, Task, TaskContext
from betaops.providers import PROVIDERS
from betaops.settings import Settings
from tests.support import confirming, make_box

pytestmark = pytest.mark.anyio
KEY = "toy-sandbox-key"


class ToySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TOY_", extra="ignore")
    api_key: SecretStr | None = Field(None, description="Toy API key")


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Member(BaseModel):
    email: str = Field(description="Member email")


class AddMembers(BaseModel):
    model_config = ConfigDict(extra="forbid")
    emails: list[str] = Field(min_length=1, description="Emails to add")


def toy_members() -> list[str]:
    """The toy simulator's seed state."""
    return ["old@example.com"]


def toy_app(members: list[str], sim_config: None) -> Starlette:
    """The toy provider's simulator: a member list behind a bearer key."""

    def authorised(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {KEY}"

    async def list_members(request: Request) -> JSONResponse:
        if not authorised(request):
            return JSONResponse({"message": "bad key"}, status_code=401)
        return JSONResponse([{"email": e} for e in members])

    async def add_members(request: Request) -> JSONResponse:
        if not authorised(request):
            return JSONResponse({"message": "bad key"}, status_code=401)
        members.extend(e for e in (await request.json())["emails"] if e not in members)
        return JSONResponse([{"email": e} for e in members])

    return Starlette(routes=[Route("/members", list_members), Route("/members", add_members, methods=["POST"])])


OPERATIONS = (
    Operation(
        provider="toy",
        name="list_members",
        title="List members",
        summary="List the toy club's members.",
        method="GET",
        path="/members",
        params=NoParams,
        result=Member,
        returns=Returns.ITEMS,
        effect=Effect.READ,
        idempotent=True,
        toolset="members",
    ),
    Operation(
        provider="toy",
        name="add_members",
        title="Add members",
        summary="Add people to the toy club.",
        method="POST",
        path="/members",
        params=AddMembers,
        result=Member,
        returns=Returns.ITEMS,
        effect=Effect.WRITE,
        idempotent=True,
        toolset="members",
    ),
)


async def plan_invite(ctx: TaskContext, params: AddMembers) -> Plan:
    present = {m["email"] for m in (await ctx.call("list_members", {})).data}
    new = [e for e in params.emails if e not in present]
    return Plan(f"Add {len(new)} member(s) to the toy club.", sorted(present), new, noop=not new)


async def run_invite(ctx: TaskContext, params: AddMembers, key: str | None, plan: Plan | None) -> InviteResult:
    assert plan is not None and plan.bound
    await ctx.call("add_members", {"emails": plan.bound}, idempotency_key=key)
    return InviteResult.of(
        [PersonOutcome(email=e, outcome="invited" if e in plan.bound else "already_there") for e in params.emails]
    )


INVITE = Task(
    provider="toy",
    name="invite_members",
    title="Invite members",
    summary="Invite people to the toy club.",
    params=AddMembers,
    result=InviteResult,
    effect=Effect.WRITE,
    idempotent=True,
    toolset="members",
    run=run_invite,
    plan=plan_invite,
)


def prepare(target: TargetRef, people: dict[str, Person]) -> Prepared:
    return Prepared(AddMembers(emails=list(people)), "Toy club")


def config(settings: Settings, base_url: str, auth: httpx2.Auth) -> ProviderConfig:
    return ProviderConfig(
        name="toy",
        base_url=base_url,
        auth=auth,
        credential_hint="Check TOY_API_KEY.",
        pagination=PageNumberPagination(),
        timeout_s=settings.timeout_s,
    )


def live(settings: Settings) -> ProviderConfig:
    raise AssertionError("the toy provider is sandbox-only")


TOY = ProviderSpec(
    name="toy",
    title="Toy club",
    parts=Parts(
        operations=OPERATIONS,
        tasks=(INVITE,),
        invite=InviteCapability(target="Toy club", task=INVITE, prepare=prepare),
    ),
    toolsets={"members": "The club's members"},
    default_toolsets=("members",),
    configured=lambda s: s.of(ToySettings).api_key is not None,
    config=config,
    live=live,
    simulator=Simulator(
        base_url="http://toy.sandbox",
        app=f"{__name__}:toy_app",
        state=f"{__name__}:toy_members",
        auth=lambda _: StaticBearer(SecretStr(KEY)),
    ),
    setup_hint="set TOY_API_KEY",
    settings=ToySettings,
    core_tools=("list_members",),
)


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> ProviderSpec:
    monkeypatch.setitem(PROVIDERS, "toy", TOY)
    return TOY


async def test_a_registered_provider_is_connected_discoverable_invitable_and_has_status(toy: ProviderSpec) -> None:
    box = make_box(toolsets=None)  # every registered provider, the toy included, on the default surface
    people = ["Ada Lovelace <ADA@example.com>", "ada@example.com", "old@example.com"]
    async with box.client() as client:
        names = {t.name for t in (await client.list_tools()).tools}
        found = await client.call_tool("betaops_search_operations", {"query": "toy club members"})
        read = await client.call_tool("betaops_read_operation", {"tool": "toy_list_members", "arguments": {}})
        args = {"people": people, "targets": [{"provider": "toy"}]}
        preview = await client.call_tool("betaops_invite_testers", args)
        done = await client.call_tool("betaops_invite_testers", {**args, **confirming(preview)})
        status = await client.read_resource("betaops://status/toy")
    assert "toy_list_members" in names  # a core tool, listed by default
    assert "toy_list_members" in str(found.structured_content)
    assert read.structured_content is not None and "old@example.com" in str(read.structured_content)
    assert done.structured_content is not None and done.structured_content["status"] == "executed", done.content
    (report,) = done.structured_content["result"]["targets"]
    assert report["counts"] == {"invited": 1, "already_there": 1}
    assert parse_people(people)[0].keys() == {"ada@example.com", "old@example.com"}
    body = json.loads(status.contents[0].text)  # type: ignore[union-attr]
    assert body["provider"] == "toy" and body["mode"] == "sandbox" and body["operations"] == 3
