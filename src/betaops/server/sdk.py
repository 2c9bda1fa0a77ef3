"""The one adapter between betaops and the MCP SDK (mcp 2.3.0): tools, approval resolvers, round ids.

Everything that depends on how the SDK turns a Python function into a tool lives here, so a tool
is described once as (name, annotations, input model, output model, handler, approval) and the
rest of the server never builds a signature. The SDK's resolver mechanism asks the human in both
protocol eras: mid-call in the handshake era, as an `input_required` round in 2026-07-28.

`RoundCodec` is the SDK's public request-state codec hook (`RequestStateSecurity(codec=...)`): it
seals with the SDK's own AES-GCM codec and, when it unseals an inbound round, notes a digest of the
sealed bytes. That digest is the approval id of a 2026-07-28 elicitation: a replayed round carries
the same sealed bytes, so it has the same id; a new call gets a new seal and a new id.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.context import ServerRequestContext
from mcp.server.elicitation import ElicitationResult
from mcp.server.mcpserver import Context, Resolve
from mcp.server.mcpserver.tools import Tool
from mcp.server.request_state import AESGCMRequestStateCodec, RequestStateSecurity
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import BaseModel, PrivateAttr

from betaops.server.runtime import REGENERATE
from betaops.server.schema import input_schema, outline, output_schema

logger = logging.getLogger(__name__)
SDK_VERSION = "2.3.0"  # the version this adapter was written and contract-tested against

Handler = Callable[..., Awaitable[CallToolResult]]

_unsealed: ContextVar[tuple[str, str] | None] = ContextVar("betaops_unsealed_round", default=None)


class RoundCodec:
    """AES-GCM request-state sealing (the SDK's codec) that remembers which sealed round arrived."""

    def __init__(self, key: bytes) -> None:
        self._inner = AESGCMRequestStateCodec([key])

    def seal(self, payload: bytes) -> str:
        return self._inner.seal(payload)

    def unseal(self, token: str) -> bytes:
        payload = self._inner.unseal(token)
        try:
            inner = json.loads(payload).get("s")
        except ValueError:
            inner = None
        if isinstance(inner, str):
            _unsealed.set((hashlib.sha256(token.encode()).hexdigest()[:32], inner))
        return payload


def request_state_security(key: bytes) -> RequestStateSecurity:
    return RequestStateSecurity(codec=RoundCodec(key))


def round_id(ctx: Context) -> str | None:
    """The id of the sealed 2026-07-28 round this request answers, or None.

    Only a round unsealed for this very request counts: its plaintext must be the request state
    the handler sees, so a value left over from another request can never stand in.
    """
    noted = _unsealed.get()
    state = ctx.request_state
    if noted is None or state is None or noted[1] != state:
        return None
    return noted[0]


@dataclass(frozen=True)
class Approval:
    """How a write tool asks: a resolver that plans (shared) and one that asks the human."""

    plan: Callable[..., Awaitable[Any]]  # (ctx, **tool_args) -> a plan, or anything the handler reads
    ask: Callable[[Context, Any], Awaitable[Any]]  # (ctx, plan) -> Elicit[...] or a value (nobody asked)
    answer: type[BaseModel]  # the Elicit schema


def _keyword(name: str, annotation: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)


def _named(fn: Callable[..., Any], name: str, params: list[inspect.Parameter], hints: dict[str, Any]) -> Any:
    fn.__signature__ = inspect.Signature(params, return_annotation=hints.get("return", inspect.Signature.empty))  # type: ignore[attr-defined]
    fn.__annotations__ = hints
    fn.__qualname__ = fn.__name__ = name
    return fn


def make_tool(
    *,
    name: str,
    title: str | None,
    description: str,
    annotations: ToolAnnotations,
    inp: type[BaseModel],
    out: type[BaseModel],
    handler: Handler,
    approval: Approval | None = None,
    meta: dict[str, Any] | None = None,
) -> Tool:
    """An SDK tool calling `handler(ctx, args, shown, answer)`, with `args` validated by `inp`.

    `inp` is published as the input schema and enforced strictly (the SDK's own model would
    ignore unknown keys). With `approval`, `shown` is the plan the question was made from and
    `answer` the human's answer (or whatever `approval.ask` returned instead of asking).
    `meta` is the tool's `_meta` (an MCP Apps link, `server/apps.py`).
    """
    fields = list(inp.model_fields)

    async def body(ctx: Context, shown: Any = None, answer: Any = None, **kwargs: Any) -> CallToolResult:
        return await handler(ctx, inp.model_validate(kwargs), shown, answer)

    params = [_keyword("ctx", Context)]
    # A bare CallToolResult: the SDK derives no output schema (building a TypeAdapter and a strict
    # schema for `out` cost about half of a start's tool building); betaops sets its outline below and
    # the SDK validates each answer against `out`, building that adapter on the tool's first call.
    hints: dict[str, Any] = {"ctx": Context, "return": CallToolResult}
    if approval is not None:
        planner = _named(
            _adapt_plan(approval.plan, inp),
            f"plan_{name}",
            [_keyword("ctx", Context), *(_keyword(f) for f in fields)],
            {"ctx": Context},
        )
        shown_type = Annotated[Any, Resolve(planner)]

        async def ask(ctx: Context, shown: Any) -> Any:
            return await approval.ask(ctx, shown)

        asker = _named(ask, f"confirm_{name}", [_keyword("ctx", Context), _keyword("shown", shown_type)], {})
        asker.__annotations__ = {"ctx": Context, "shown": shown_type}
        answer_type = Annotated[ElicitationResult[approval.answer], Resolve(asker)]  # type: ignore[name-defined]
        params += [_keyword("shown", shown_type), _keyword("answer", answer_type)]
        hints |= {"shown": shown_type, "answer": answer_type}
        # The SDK builds a throwaway argument model from the signature (`inp` replaces it below). The
        # planner takes the arguments by name, so they must be in it; typed `Any`, they cost little.
        params += [_keyword(n, Any) for n in fields]
    # Without an approval nothing reads the arguments by name: the throwaway model stays empty, which
    # saves a model and a schema per listed tool at start.
    _named(body, name, params, hints)
    tool = Tool.from_function(
        body,
        name=name,
        title=title,
        description=description,
        annotations=annotations,
        meta=meta,
        structured_output=True,
    )
    tool.fn_metadata.arg_model = inp  # type: ignore[assignment]
    tool.parameters = input_schema(inp.model_json_schema(by_alias=False))
    shape = outline(output_schema(out.model_json_schema()))
    # `{"type": "object"}` says only what the spec already requires of structured content, so it is
    # not listed (56 tools, 1.9 KB of `--toolsets all`); the result is structured all the same.
    if shape != {"type": "object"}:
        tool.fn_metadata.output_model = out
        tool.fn_metadata.output_schema = shape
    return tool


class _ListedTool(Tool):
    """A tool as tools/list shows it, from the shipped listing (`server/listing.py`); its first call builds
    the real tool (models, resolvers) and every call runs that one."""

    _make: Callable[[], Tool] = PrivateAttr()
    _output: dict[str, Any] | None = PrivateAttr(None)
    _real: Tool | None = PrivateAttr(None)

    @property
    def output_schema(self) -> dict[str, Any] | None:
        return self._output

    def real(self) -> Tool:
        if self._real is None:
            real = self._make()
            if (real.parameters, real.output_schema) != (self.parameters, self._output):
                logger.warning("%s differs from the listing it was shown by: regenerate it (%s)", self.name, REGENERATE)
            self._real = real
        return self._real

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        return await self.real().run(arguments, context, convert_result=convert_result)


def listed_tool(shown: Mapping[str, Any], make: Callable[[], Tool]) -> Tool:
    """A tool listed as `shown` (one entry of tools/list, as JSON) that `make` builds on its first call.

    Nothing is validated or built here: start-up lists tools without building their models. The
    fields the SDK reads to list a tool and to check a call's `Mcp-Param` headers are set; `fn` and
    `fn_metadata` are not, as `run` goes to the real tool.
    """
    annotations = shown.get("annotations")
    tool = _ListedTool.model_construct(  # type: ignore[call-arg]  # no fn, fn_metadata: see above
        name=shown["name"],
        title=shown.get("title"),
        description=shown.get("description", ""),
        parameters=shown["inputSchema"],
        annotations=None if annotations is None else ToolAnnotations.model_validate(annotations),
        meta=shown.get("_meta"),
        is_async=True,
    )
    tool._make = make
    tool._output = shown.get("outputSchema")
    return tool


def _adapt_plan(plan: Callable[..., Awaitable[Any]], inp: type[BaseModel]) -> Callable[..., Awaitable[Any]]:
    async def planner(ctx: Context, **kwargs: Any) -> Any:
        return await plan(ctx, inp.model_validate(kwargs))

    return planner


# ---------------------------------------------------------------- private SDK parts (mcp 2.3.0)
# Two things betaops needs have no public API in mcp 2.3.0. They live here and nowhere else, and
# tests/server/test_sdk_contract.py fails first if an upgrade moves them.


def add_request_handler(server: MCPServer, method: str, params: type[BaseModel], handler: Callable[..., Any]) -> None:
    """Answer a request MCPServer does not (e.g. `logging/setLevel`): the low-level server's handler table."""
    server._lowlevel_server.add_request_handler(method, params, handler)


def connection_state(ctx: ServerRequestContext[Any, Any]) -> dict[str, Any]:
    """The SDK's documented per-connection scratch space; ServerSession exposes no public handle on it."""
    state: dict[str, Any] = ctx.session._connection.state
    return state
