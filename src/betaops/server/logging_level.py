"""`logging/setLevel`, which MCPServer does not answer, and the log messages it governs.

Handshake-era clients (through 2025-11-25) choose a level with `logging/setLevel`; 2026-07-28
clients opt in per request with `_meta["io.modelcontextprotocol/logLevel"]` (the SDK refuses
`logging/setLevel` there). Either way, the records betaops' own loggers (`betaops.*`) emit while
serving that client's request, at or above the chosen level, reach the client as
`notifications/message` on the request's stream, before its result. Nothing is sent to a client
that has not asked. The level lives on the connection: in `--stateless` HTTP a legacy client's
choice lasts for one request only, since every request is a new connection there.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any, get_args

from mcp.server import MCPServer
from mcp.server.connection import allowed_log_levels
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import EmptyResult, LoggingLevel, LoggingMessageNotification, LoggingMessageNotificationParams
from mcp.types import SetLevelRequestParams as SetLevelParams
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from betaops.server.sdk import add_request_handler, connection_state

LEVELS: tuple[LoggingLevel, ...] = get_args(LoggingLevel)  # ascending severity (RFC 5424)
STATE_KEY = "betaops.log_level"
SOURCE_LOGGER = "betaops"

_collected: ContextVar[list[tuple[LoggingLevel, str, str]] | None] = ContextVar("betaops_client_logs", default=None)


def mcp_level(levelno: int) -> LoggingLevel:
    """The MCP level for a Python logging level."""
    if levelno >= logging.CRITICAL:
        return "critical"
    if levelno >= logging.ERROR:
        return "error"
    if levelno >= logging.WARNING:
        return "warning"
    if levelno >= logging.INFO:
        return "info"
    return "debug"


def at_or_above(level: LoggingLevel) -> frozenset[LoggingLevel]:
    return frozenset(LEVELS[LEVELS.index(level) :])


def allowed_levels(ctx: ServerRequestContext[Any, Any]) -> frozenset[LoggingLevel]:
    """The levels this request's client asked for (empty: it did not ask)."""
    if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
        return allowed_log_levels(ctx.protocol_version, ctx.meta)
    chosen = connection_state(ctx).get(STATE_KEY)
    return at_or_above(chosen) if chosen in LEVELS else frozenset()


async def set_level(ctx: ServerRequestContext[Any, Any], params: SetLevelParams) -> EmptyResult:
    """Remember the client's level for the rest of its connection."""
    connection_state(ctx)[STATE_KEY] = params.level
    return EmptyResult()


class _Collector(logging.Handler):
    """Keeps betaops log records emitted inside a request whose client asked for them."""

    def emit(self, record: logging.LogRecord) -> None:
        collected = _collected.get()
        if collected is not None:
            collected.append((mcp_level(record.levelno), record.name, record.getMessage()))


_COLLECTOR = _Collector()


async def forward_logs(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    """Middleware: collect this request's betaops log records and send the wanted ones first."""
    wanted = allowed_levels(ctx)
    if not wanted:
        return await call_next(ctx)
    collected: list[tuple[LoggingLevel, str, str]] = []
    token = _collected.set(collected)
    try:
        result = await call_next(ctx)
    except Exception:
        await _send(ctx, collected, wanted)
        raise
    finally:
        _collected.reset(token)
    await _send(ctx, collected, wanted)
    return result


async def _send(
    ctx: ServerRequestContext[Any, Any], records: list[tuple[LoggingLevel, str, str]], wanted: frozenset[LoggingLevel]
) -> None:
    for level, name, message in records:
        if level in wanted:
            notification = LoggingMessageNotification(
                params=LoggingMessageNotificationParams(level=level, data=message, logger=name)
            )
            await ctx.session.send_notification(notification, related_request_id=ctx.request_id)


def install_logging_level(server: MCPServer) -> None:
    """Answer `logging/setLevel` (advertising the logging capability) and forward log records."""
    add_request_handler(server, "logging/setLevel", SetLevelParams, set_level)
    server.middleware.append(forward_logs)
    source = logging.getLogger(SOURCE_LOGGER)
    if _COLLECTOR not in source.handlers:
        source.addHandler(_COLLECTOR)
