"""`betaops_approve`: the approval card's Approve and Decline buttons (an app-only tool).

The card sends back the sealed approval its write result carried in `_meta` (`server/apps.py`) and
the human's choice. The approval is the card's confirmation token: verified for the exact tool,
arguments and summary, then redeemed by the guard like any token (`guard.by_card`), so its nonce is
claimed in the same single-use record. Without a valid approval nothing is planned or sent.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from betaops.core.errors import ConfirmationError, ProviderError
from betaops.core.model import Model
from betaops.server import guard
from betaops.server.apps import APPROVE_TOOL, CARD, shows_apps, unseal
from betaops.server.executor import error_result, write_result
from betaops.server.runtime import Runtime
from betaops.server.sdk import make_tool

REFUSED = "the approval card's buttons call this tool in a host that shows MCP Apps; nothing was changed."


class ApproveInput(ArgModelBase):
    model_config = ConfigDict(extra="forbid")

    approval: str = Field(max_length=100_000, description="The card's sealed approval, from the result's _meta")
    approve: bool = Field(description="The user's click: Approve (true) or Decline (false)")


class ApproveOutput(Model):
    model_config = ConfigDict(extra="allow")


def approve_tool(runtime: Runtime) -> Any:
    """The app-only tool; listed only to clients that show Apps (see `apps.for_app_hosts`)."""

    async def handler(ctx: Context, args: BaseModel, shown: Any, answer: Any) -> CallToolResult:
        assert isinstance(args, ApproveInput)

        async def progress(done: int, total: int | None, message: str) -> None:
            await ctx.report_progress(done, total, message)

        try:
            if not shows_apps(ctx):
                raise ConfirmationError("betaops", REFUSED, operation=APPROVE_TOOL)
            sealed = unseal(args.approval)
            if sealed.tool not in runtime.catalog or not runtime.catalog[sealed.tool].action.is_write:
                raise ConfirmationError(
                    "betaops", "the approval names no write of this server.", operation=APPROVE_TOOL
                )
            item = runtime.catalog[sealed.tool]
            try:
                inner = item.inp.model_validate(sealed.arguments)
            except ValidationError:
                raise ConfirmationError("betaops", "the approval's arguments are not valid.") from None
            outcome = await guard.by_card(
                runtime, item.action, inner, sealed.token, sealed.summary, args.approve, progress
            )
        except ProviderError as exc:
            return error_result(exc, runtime)
        return write_result(runtime, item, outcome)

    return make_tool(
        name=APPROVE_TOOL,
        title="Approve or decline a change",
        description="App-only: the user's click on an approval card. Nothing runs without the card's approval.",
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True
        ),
        inp=ApproveInput,
        out=ApproveOutput,
        handler=handler,
        meta={"ui": {"resourceUri": CARD, "visibility": ["app"]}},
    )
