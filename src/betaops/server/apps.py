"""MCP Apps (`io.modelcontextprotocol/ui`): the approval card, the triage board and the invite report.

Three small static documents (`server/ui/`, no build step, nothing fetched: every style and script
is inline, and each declares an empty CSP) are served as `ui://` resources. A tool that shows one
carries `_meta.ui.resourceUri`; the app-only `betaops_approve` (`server/approve.py`) carries
`visibility: ["app"]`, which a host keeps out of the model's tool list.

Per client, from its declared capabilities: a client that shows Apps (the extension with the app
MIME type) gets the `_meta.ui` links, the app-only tool, the `ui://` resources and approval cards;
any other client gets the tools/list, resources and results it got before Apps existed, byte for
byte (`for_app_hosts` strips them), so the default surface stays within its 25 KB budget.

Why the nonce travels in `_meta`: the spec has a host give a result's `_meta` to the app and keep it
out of the model's context, and refuse a model's call to an app-only tool. So on such a host only
the human's click on the card can redeem an approval; the model never holds one.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from mcp.server.apps import APP_MIME_TYPE, Apps, ResourceCsp, client_supports_apps
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import Context
from pydantic import TypeAdapter

from betaops.core.errors import ConfirmationError
from betaops.core.operation import Board, Operation

CARD = "ui://betaops/card"
BOARD = "ui://betaops/board"
REPORT = "ui://betaops/report"
APPROVE_TOOL = "betaops_approve"
APPROVAL_META = "betaops/approval"  # a write result's `_meta`: the sealed approval the card sends back
BOARD_META = "betaops/board"  # a list result's `_meta`: how the board groups and bulk-updates its items
REPORT_TOOLS = ("betaops_invite_testers", "betaops_job_status")  # per-email outcomes, followed while a job runs

# No network, no external resources: the host's most restrictive CSP, declared explicitly.
CSP = ResourceCsp(connect_domains=[], resource_domains=[], frame_domains=[], base_uri_domains=[])
# The same, enforced by the browser itself wherever the document is rendered.
DOCUMENT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
DOCUMENTS = {
    CARD: ("card.html", "Approval card", "Every write's preview: before → after, recipients, Approve or Decline."),
    BOARD: ("board.html", "Triage board", "A test's issues by priority and status; select, then change in bulk."),
    REPORT: ("report.html", "Invite report", "Per target and per email outcomes of an invite or a bulk job."),
}


def shows_apps(ctx: Context | ServerRequestContext[Any, Any]) -> bool:
    """Whether this client renders MCP Apps (it declared the extension and the app MIME type)."""
    return client_supports_apps(ctx)


@cache
def document(name: str) -> str:
    """One app's HTML, with its CSP and the shared style and script inlined (`<!--common-->` marks where)."""
    folder = resources.files("betaops.server") / "ui"
    common = "\n".join(
        (
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{DOCUMENT_CSP}">',
            f"<style>{(folder / 'common.css').read_text()}</style>",
            f"<script>{(folder / 'common.js').read_text()}</script>",
        )
    )
    return (folder / name).read_text().replace("<!--common-->", common)


def extension() -> Apps:
    """The Apps extension: the three `ui://` documents, and the capability the server advertises."""
    apps = Apps()
    for uri, (name, title, description) in DOCUMENTS.items():
        apps.add_html_resource(
            uri,
            document(name),
            name=name.removesuffix(".html"),
            title=title,
            description=description,
            csp=CSP,
            prefers_border=True,
        )
    return apps


def tool_meta(name: str, *, shows_card: bool, board: bool = False) -> dict[str, Any] | None:
    """`_meta.ui` of a listed tool that shows an app (a guarded write shows the card); else None."""
    uri = REPORT if name in REPORT_TOOLS else BOARD if board else CARD if shows_card else None
    return {"ui": {"resourceUri": uri}} if uri else None


def board_meta(op: Operation, board: Board, args: dict[str, Any]) -> dict[str, Any]:
    """What the triage board needs beyond the items: the bulk tool, the fields and their values."""
    assert op.result is not None
    choices: dict[str, list[Any]] = {}
    for name in board.fields:
        schema = TypeAdapter(op.result.model_fields[name].annotation or str).json_schema()
        choices[name] = list(schema.get("enum", []))
    return {
        BOARD_META: {
            "tool": f"{op.provider}_{board.bulk}",
            "entries": board.entries,
            "item_id": board.item_id,
            "carry": {k: args[k] for k in board.carry if k in args},
            "fields": choices,
        }
    }


@dataclass(frozen=True)
class Sealed:
    """What an approval card sends back: the write (tool and exact arguments), its summary and token."""

    tool: str
    arguments: dict[str, Any]
    summary: str
    token: str


def approval_meta(tool: str, arguments: dict[str, Any], summary: str, token: str) -> dict[str, Any]:
    """A write result's `_meta` for its card. The token's HMAC binds tool, arguments, summary and plan,
    so this wrapper needs no signature of its own: `betaops_approve` verifies the token against it."""
    body = json.dumps({"t": tool, "a": arguments, "s": summary, "k": token}, separators=(",", ":"))
    return {APPROVAL_META: base64.urlsafe_b64encode(body.encode()).decode()}


def unseal(approval: str) -> Sealed:
    """The card's approval, read back; a damaged one is refused like a damaged token."""
    try:
        body = json.loads(base64.urlsafe_b64decode(approval.encode()))
        sealed = Sealed(str(body["t"]), dict(body["a"]), str(body["s"]), str(body["k"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise ConfirmationError(
            "betaops", "the approval is not valid (damaged).", hint="Ask for a fresh preview."
        ) from None
    return sealed


def _hidden(meta: dict[str, Any] | None) -> bool:
    ui = (meta or {}).get("ui")
    return isinstance(ui, dict) and "model" not in ui.get("visibility", ["model"])


def _without_ui(meta: dict[str, Any] | None) -> dict[str, Any] | None:
    rest = {k: v for k, v in (meta or {}).items() if k != "ui"}
    return rest or None


async def for_app_hosts(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    """Middleware: a client that does not show Apps gets today's tools/list and resources/list.

    For such a client the app-only tool is left out (it could not use it: no card ever gives it an
    approval), the `_meta.ui` links are stripped and the `ui://` documents are not listed.
    """
    result = await call_next(ctx)
    if ctx.method not in ("tools/list", "resources/list") or shows_apps(ctx) or not isinstance(result, dict):
        return result
    if ctx.method == "tools/list":
        return {**result, "tools": [_plain(t) for t in result.get("tools", []) if not _hidden(t.get("_meta"))]}
    listed = [r for r in result.get("resources", []) if r.get("mimeType") != APP_MIME_TYPE]
    return {**result, "resources": listed}


def _plain(tool: dict[str, Any]) -> dict[str, Any]:
    """A tool as a client without Apps sees it: without `_meta.ui` (and without `_meta` if that was all)."""
    rest = {k: v for k, v in tool.items() if k != "_meta"}
    meta = _without_ui(tool.get("_meta"))
    return {**rest, "_meta": meta} if meta else rest


__all__ = ["APPROVE_TOOL", "BOARD", "CARD", "REPORT", "for_app_hosts", "shows_apps"]
