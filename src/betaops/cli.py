"""`betaops serve | tools | call | doctor`: start the server, list what it would expose, run one
tool, check the credentials.

`call` goes through the same MCP server in-process (an MCP client talks to it), so what a
person or script sees is exactly what an assistant sees. `serve` never loads the MCP client:
the `tools` and `call` paths import it when they run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import MutableMapping
from typing import Any

import anyio

from betaops import __version__
from betaops.core.errors import ProviderError
from betaops.server.app import ServerOptions, build_runtime, build_server
from betaops.server.http import DEFAULT_PORT, HttpOptions, serve_http
from betaops.server.prompts import PromptFileError
from betaops.server.runtime import ConfirmMode
from betaops.settings import Settings


def _add_server_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sandbox", action="store_true", help="use built-in simulators with realistic data")
    parser.add_argument("--read-only", action="store_true", help="register no tool that can change anything")
    parser.add_argument(
        "--toolsets",
        default=None,
        help="comma-separated toolsets (e.g. betatesting.issues,betatesting.tests), a provider name, or 'all'",
    )
    parser.add_argument(
        "--confirm",
        choices=[m.value for m in ConfirmMode],
        default=ConfirmMode.AUTO.value,
        help="'auto' (default) asks before every write; 'never' is for unattended automation",
    )


def _add_http_flags(parser: argparse.ArgumentParser) -> None:
    http = parser.add_argument_group("streamable HTTP (bearer tokens: BETAOPS_HTTP_TOKENS)")
    http.add_argument("--http", action="store_true", help="serve streamable HTTP at /mcp instead of stdio")
    http.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    http.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    http.add_argument("--stateless", action="store_true", help="no sessions: any replica serves any request")
    http.add_argument(
        "--allowed-host", action="append", default=[], metavar="HOST", help="accepted Host header (repeatable)"
    )
    http.add_argument(
        "--allowed-origin", action="append", default=[], metavar="ORIGIN", help="accepted Origin (repeatable)"
    )


def http_options(ns: argparse.Namespace) -> HttpOptions:
    return HttpOptions(
        host=ns.host,
        port=ns.port,
        stateless=ns.stateless,
        allowed_hosts=tuple(ns.allowed_host),
        allowed_origins=tuple(ns.allowed_origin),
    )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="betaops", description=__doc__)
    root.add_argument("--version", action="version", version=f"betaops {__version__}")
    root.add_argument("-v", "--verbose", action="store_true", help="debug logging (to stderr)")
    sub = root.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the MCP server on stdio (or streamable HTTP with --http)")
    _add_server_flags(serve)
    _add_http_flags(serve)
    tools = sub.add_parser("tools", help="list the tools this configuration exposes")
    _add_server_flags(tools)
    tools.add_argument("--json", action="store_true", help="print the full tool definitions as JSON")
    call = sub.add_parser("call", help="run one tool: betaops call TOOL key=value ...")
    _add_server_flags(call)
    call.add_argument("--yes", action="store_true", help="approve the confirmation prompt of a write")
    call.add_argument("tool")
    call.add_argument("arguments", nargs="*", metavar="key=value", help="values are parsed as JSON when they can be")
    sub.add_parser(
        "doctor",
        help="check each configured provider's credentials with one cheap read (exit 0 only if all work)",
    )
    sub.add_parser("docs", help="print the operation table the README embeds")
    box = sub.add_parser("sandbox", help="the simulators on their own: betaops sandbox serve --port N")
    box_sub = box.add_subparsers(dest="sandbox_command", required=True)
    box_serve = box_sub.add_parser("serve", help="serve the four simulators over HTTP on 127.0.0.1, ports N..N+3")
    box_serve.add_argument("--port", type=int, default=8100, help="first port (default 8100)")
    box_serve.add_argument("--write-limit", type=int, default=None, help="BetaTesting's write quota per window")
    box_serve.add_argument("--write-window", type=float, default=None, help="that quota's window in seconds")
    box_serve.add_argument("--read-limit", type=int, default=None, help="BetaTesting's reads per minute")
    return root


def options(ns: argparse.Namespace) -> ServerOptions:
    toolsets = tuple(t.strip() for t in ns.toolsets.split(",") if t.strip()) if ns.toolsets else None
    return ServerOptions(sandbox=ns.sandbox, read_only=ns.read_only, confirm=ConfirmMode(ns.confirm), toolsets=toolsets)


def parse_arguments(pairs: list[str]) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"betaops: expected key=value, got {pair!r}")
        try:
            arguments[key] = json.loads(raw)
        except ValueError:
            arguments[key] = raw
    return arguments


async def _tools(ns: argparse.Namespace) -> int:
    from mcp import Client

    server = build_server(Settings(), options(ns))
    async with Client(server) as client:
        listed = (await client.list_tools()).tools
    if ns.json:
        print(json.dumps([t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in listed], indent=2))
        return 0
    for tool in listed:
        hints = tool.annotations
        kind = (
            "read "
            if hints and hints.read_only_hint
            else "DESTRUCTIVE"
            if hints and hints.destructive_hint
            else "write"
        )
        print(f"{tool.name:<45} {kind:<11} {tool.title or ''}")
    print(f"{len(listed)} tools", file=sys.stderr)
    return 0


async def _call(ns: argparse.Namespace) -> int:
    from mcp import Client
    from mcp.client.session import ClientRequestContext, ElicitationFnT
    from mcp.types import ElicitRequestFormParams, ElicitRequestParams, ElicitResult, ErrorData

    server = build_server(Settings(), options(ns))
    arguments = parse_arguments(ns.arguments)

    async def ask(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult | ErrorData:
        if not isinstance(params, ElicitRequestFormParams):
            return ElicitResult(action="decline")
        print(params.message, file=sys.stderr)
        if ns.yes:
            return ElicitResult(action="accept", content={"approve": True})
        answer = (await anyio.to_thread.run_sync(input, "Proceed? [y/N] ")).strip().lower()
        if answer in ("y", "yes"):
            return ElicitResult(action="accept", content={"approve": True})
        return ElicitResult(action="decline")

    callback: ElicitationFnT | None = ask if ns.yes or sys.stdin.isatty() else None
    async with Client(server, elicitation_callback=callback) as client:
        result = await client.call_tool(ns.tool, arguments)
    if result.structured_content is not None:
        print(json.dumps(result.structured_content, indent=2, ensure_ascii=False))
    else:
        for block in result.content:
            print(getattr(block, "text", block))
    return 1 if result.is_error else 0


def _sandbox(ns: argparse.Namespace) -> int:
    """Serve the simulators until interrupted; print the settings that point betaops at them."""
    from betaops.sim import serve

    served = serve.build(ns.port, write_limit=ns.write_limit, write_window_s=ns.write_window, read_limit=ns.read_limit)
    for one in served:
        print(f"# {one.name}: http://{serve.LOOPBACK}:{one.port}", file=sys.stderr)
    print(serve.settings(served), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        anyio.run(serve.serve, served)
    return 0


async def _doctor() -> int:
    from betaops.doctor import diagnose, report

    text, status = report(await diagnose())
    print(text)
    return status


# Settings read from the environment; an empty value means "not set". Desktop hosts (an .mcpb
# bundle's user_config, a registry entry's environmentVariables) pass a field left blank as "".
SETTING_PREFIXES = ("BETAOPS_", "BETATESTING_", "TESTFLIGHT_", "ALEXA_", "BETASEND_")


def drop_blank_settings(environ: MutableMapping[str, str]) -> None:
    for key in [k for k, v in environ.items() if k.startswith(SETTING_PREFIXES) and not v.strip()]:
        del environ[key]


def main(argv: list[str] | None = None) -> int:
    drop_blank_settings(os.environ)
    ns = parser().parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if ns.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx2", "httpcore", "mcp"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        if ns.command == "serve":
            if not ns.http and http_options(ns) != HttpOptions(port=DEFAULT_PORT):
                print("betaops: --host, --port, --stateless and --allowed-* need --http", file=sys.stderr)
                return 2
            settings = Settings()
            runtime = build_runtime(settings, options(ns))
            server = build_server(settings, options(ns), runtime, http=http_options(ns) if ns.http else None)
            if ns.http:
                serve_http(server, settings, http_options(ns), runtime)
            else:
                server.run("stdio")
            return 0
        if ns.command == "sandbox":
            return _sandbox(ns)
        if ns.command == "docs":
            from betaops.server.docs import operations_table

            print(operations_table())
            return 0
        if ns.command == "doctor":
            return anyio.run(_doctor)
        if ns.command == "tools":
            return anyio.run(_tools, ns)
        return anyio.run(_call, ns)
    except (ProviderError, PromptFileError) as exc:
        print(f"betaops: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
