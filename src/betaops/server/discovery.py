"""The tools that keep the listed surface small while every operation stays reachable.

`betaops_context` says what is configured; `betaops_search_operations` finds operations by words;
`betaops_describe_operation` gives one's input schema; `betaops_call_operation` runs it with the
same validation, confirmation guard and audit as a listed tool (it is the same code path).
"""

from __future__ import annotations

import inspect
import re
from typing import Annotated, Any, Literal

from mcp.server.elicitation import ElicitationResult
from mcp.server.mcpserver import Context, Elicit, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from betaops import __version__
from betaops.core.errors import ProviderError
from betaops.server.guard import SKIP, Approve, Skip, can_ask, params_of, plan, question
from betaops.server.runtime import ConfirmMode, Runtime
from betaops.server.schema import compact
from betaops.server.tools import Entry, as_result, description, finish, invoke

PREFIX = "betaops"
WORD = re.compile(r"[a-z0-9]+")


class ProviderContext(BaseModel):
    name: str
    title: str
    mode: Literal["sandbox", "live"]
    pinned: dict[str, Any]  # defaults that tool inputs may omit
    rate_limit_remaining: int | None = None
    rate_limit: int | None = None
    operations: int


class ContextResult(BaseModel):
    server: str
    read_only: bool
    confirm: str
    providers: list[ProviderContext]
    listed_tools: int
    reachable_operations: int


class NoInput(ArgModelBase):
    model_config = ConfigDict(extra="forbid")


class SearchInput(ArgModelBase):
    model_config = ConfigDict(extra="forbid")
    query: str = Field(min_length=1, max_length=200, description="Words, e.g. 'invite testers group'")
    provider: str | None = Field(None, max_length=40, description="Only this provider")
    limit: int = Field(10, ge=1, le=25, description="Most results")


class Match(BaseModel):
    tool: str
    title: str
    summary: str
    effect: str
    listed: bool


class SearchResult(BaseModel):
    matches: list[Match]
    total: int


class DescribeInput(ArgModelBase):
    model_config = ConfigDict(extra="forbid")
    tool: str = Field(min_length=1, max_length=128, description="Tool name from betaops_search_operations")


class Description(BaseModel):
    tool: str
    title: str
    description: str
    effect: str
    listed: bool
    input_schema: dict[str, Any]


class CallInput(ArgModelBase):
    model_config = ConfigDict(extra="forbid")
    tool: str = Field(min_length=1, max_length=128, description="Tool name from betaops_search_operations")
    arguments: dict[str, Any] = Field(default_factory=dict, description="Its arguments (see describe)")
    confirm_token: str | None = Field(None, max_length=2000, description="From a preview, to execute it")


class CallOutput(BaseModel):
    model_config = ConfigDict(extra="allow")


def _lookup(runtime: Runtime, name: str) -> Entry:
    item: Entry | None = runtime.catalog.get(name)
    if item is None:
        raise ToolError(
            f"no operation named {name!r} is reachable here. Find one with {PREFIX}_search_operations. "
            "Nothing was changed."
        )
    return item


def _score(item: Entry, words: list[str]) -> int:
    op = item.action
    name = set(WORD.findall(op.tool_name.replace("_", " ")))
    text = " ".join((op.title, op.summary, op.provider, op.toolset)).lower()
    score = 0
    for word in words:
        stem = word.rstrip("s")
        if word in name or stem in name:
            score += 3
        elif stem in text:
            score += 1
    return score


def _tool(
    fn: Any, name: str, title: str, description: str, inp: type[BaseModel], out: type[BaseModel], hints: ToolAnnotations
) -> Tool:
    params = [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context)]
    extra = dict(fn.__annotations__)
    params += [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=extra[n])
        for n in extra
        if n not in ("ctx", "return")
    ]
    params += [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[f.annotation, f])
        for n, f in inp.model_fields.items()
    ]
    returns = Annotated[CallToolResult, out]
    fn.__signature__ = inspect.Signature(params, return_annotation=returns)
    fn.__annotations__ = {**extra, "ctx": Context, "return": returns}
    fn.__name__ = name
    tool = Tool.from_function(
        fn, name=name, title=title, description=description, annotations=hints, structured_output=True
    )
    return finish(tool, inp)


def build_meta_tools(runtime: Runtime, listed: set[str]) -> list[Tool]:
    read = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

    async def context(ctx: Context, **_: Any) -> CallToolResult:
        providers = [
            ProviderContext(
                name=name,
                title=conn.spec.title,
                mode="sandbox" if conn.sandbox else "live",
                pinned={k: v for k, v in conn.defaults.items() if v is not None},
                rate_limit_remaining=conn.client.rate.remaining,
                rate_limit=conn.client.rate.limit,
                operations=sum(1 for e in runtime.catalog.values() if e.action.provider == name),
            )
            for name, conn in runtime.connections.items()
        ]
        result = ContextResult(
            server=f"betaops {__version__}",
            read_only=runtime.read_only,
            confirm=str(runtime.confirm),
            providers=providers,
            listed_tools=len(listed),
            reachable_operations=len(runtime.catalog),
        )
        return as_result(result.model_dump(mode="json"))

    context.__annotations__ = {}

    async def search(ctx: Context, **kwargs: Any) -> CallToolResult:
        args = SearchInput.model_validate(kwargs)
        words = WORD.findall(args.query.lower())
        scored = [
            (_score(item, words), item)
            for item in runtime.catalog.values()
            if args.provider is None or item.action.provider == args.provider
        ]
        hits = sorted((p for p in scored if p[0] > 0), key=lambda p: (-p[0], p[1].name))
        matches = [
            Match(
                tool=item.name,
                title=item.action.title,
                summary=item.action.summary,
                effect=str(item.action.effect),
                listed=item.name in listed,
            )
            for _, item in hits[: args.limit]
        ]
        return as_result(SearchResult(matches=matches, total=len(hits)).model_dump(mode="json"))

    search.__annotations__ = {}

    async def describe(ctx: Context, **kwargs: Any) -> CallToolResult:
        item = _lookup(runtime, DescribeInput.model_validate(kwargs).tool)
        result = Description(
            tool=item.name,
            title=item.action.title,
            description=description(item.action, runtime.confirm),
            effect=str(item.action.effect),
            listed=item.name in listed,
            input_schema=compact(item.inp.model_json_schema(by_alias=False)),
        )
        return as_result(result.model_dump(mode="json"))

    describe.__annotations__ = {}

    async def ask(
        ctx: Context, tool: str, arguments: dict[str, Any], confirm_token: str | None
    ) -> Elicit[Approve] | Skip:
        item = runtime.catalog.get(tool)
        if item is None or not item.action.is_write or confirm_token or runtime.confirm is ConfirmMode.NEVER:
            return SKIP
        if not can_ask(ctx):
            return SKIP
        try:
            args = item.inp.model_validate(arguments)
            return question(await plan(runtime, item.action, params_of(item.action, args)))
        except (ValidationError, ProviderError):
            return SKIP  # the call itself reports it, with "nothing was changed"

    ask.__qualname__ = ask.__name__ = "confirm_betaops_call_operation"

    async def call(ctx: Context, approval: Any = None, **kwargs: Any) -> CallToolResult:
        request = CallInput.model_validate(kwargs)
        item = _lookup(runtime, request.tool)
        arguments = dict(request.arguments)
        if request.confirm_token:
            arguments["confirm_token"] = request.confirm_token
        try:
            args = item.inp.model_validate(arguments)
        except ValidationError as exc:
            outcome = " Nothing was changed." if item.action.is_write else ""
            raise ToolError(f"invalid arguments for {item.name}: {exc}.{outcome}") from exc
        return await invoke(runtime, item, args, approval, ctx)

    call.__annotations__ = {"approval": Annotated[ElicitationResult[Approve], Resolve(ask)]}

    writes = not runtime.read_only
    call_hints = ToolAnnotations(
        read_only_hint=not writes, destructive_hint=writes, idempotent_hint=False, open_world_hint=True
    )
    return [
        _tool(
            context,
            f"{PREFIX}_context",
            "What is configured",
            "Providers configured, sandbox or live, pinned defaults, rate-limit headroom. Call it first; "
            "unlisted operations are reachable with betaops_search_operations.",
            NoInput,
            ContextResult,
            read,
        ),
        _tool(
            search,
            f"{PREFIX}_search_operations",
            "Find an operation",
            "Search every reachable operation (listed or not) by words in its name, summary, provider or resource.",
            SearchInput,
            SearchResult,
            read,
        ),
        _tool(
            describe,
            f"{PREFIX}_describe_operation",
            "Describe an operation",
            "One operation's description and input schema, to call it with betaops_call_operation.",
            DescribeInput,
            Description,
            read,
        ),
        _tool(
            call,
            f"{PREFIX}_call_operation",
            "Call an operation",
            "Run any reachable operation by name, validated and guarded exactly like a listed tool: "
            "writes need the user's approval (asked, or preview + confirm_token).",
            CallInput,
            CallOutput,
            call_hints,
        ),
    ]
