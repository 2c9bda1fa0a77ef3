"""`betaops serve --http`: the MCP server as a hardened streamable-HTTP ASGI app.

What makes it safe to expose:
- Host/Origin checks (DNS-rebinding protection) on the MCP endpoint, before authentication, on
  every interface: loopback names are always allowed, anything else only when named with
  `--allowed-host` / `--allowed-origin` (or in `BETAOPS_HTTP_PUBLIC_URL`). Bad Host: 421, bad Origin: 403.
- Bearer tokens (`BETAOPS_HTTP_TOKENS`) are required whenever the server listens beyond loopback;
  a missing or wrong token gets 401 with `WWW-Authenticate` naming the protected-resource
  metadata (RFC 9728), which is served at `/.well-known/oauth-protected-resource/mcp`.
- `/health` answers without auth and says only that the server is up and whether its state store
  (embedded or shared) answers: 503 when it does not, so a load balancer routes around it.
- Any host beyond loopback (a non-loopback bind, an `--allowed-host`, an `--allowed-origin`, or
  `BETAOPS_HTTP_PUBLIC_URL`) means the server can be reached from elsewhere: it needs bearer tokens,
  or `serve` refuses to start. A proxy in front of a loopback bind is "elsewhere" too.
- `--stateless`: no session state between requests, so any replica can serve any request. The
  confirmation tokens and the 2026-07-28 `requestState` are sealed with keys derived from
  `BETAOPS_CONFIRM_SECRET`, so a preview made on one replica executes on another. Spent approvals,
  bulk jobs, write pacing and rate-limit headroom live in the state store: with
  `BETAOPS_STATE_URL=redis://...` every replica shares them (no sticky sessions); the embedded
  store is shared only by processes sharing the state directory.

Everything goes through the SDK's public API: `MCPServer(auth=..., token_verifier=...,
request_state_security=...)` (see `server/app.py`), `custom_route` and `streamable_http_app`.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from mcp.server import MCPServer
from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from betaops.core.errors import ConfigError
from betaops.server.runtime import Runtime
from betaops.settings import Settings

logger = logging.getLogger(__name__)

MCP_PATH = "/mcp"
HEALTH_PATH = "/health"
DEFAULT_PORT = 8000
MIN_TOKEN_LENGTH = 16
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
TOKENS_ENV = "BETAOPS_HTTP_TOKENS"


@dataclass(frozen=True)
class HttpOptions:
    """The `serve --http` flags."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    stateless: bool = False
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()


def is_loopback(host: str) -> bool:
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def resource_url(settings: Settings, options: HttpOptions) -> str:
    """The MCP endpoint's URL as clients reach it (the OAuth resource identifier)."""
    if settings.http_public_url:
        return settings.http_public_url.rstrip("/")
    host = "127.0.0.1" if options.host in ("0.0.0.0", "::", "") else options.host
    return f"http://{_netloc(host, options.port)}{MCP_PATH}"


def _is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("0.0.0.0", "::", "")


def transport_security(settings: Settings, options: HttpOptions) -> TransportSecuritySettings:
    """Allowed Host and Origin values: loopback always, others only when named."""
    hosts = [f"{h}:*" for h in LOOPBACK_HOSTS] + list(LOOPBACK_HOSTS)
    origins = [f"http://{h}:*" for h in LOOPBACK_HOSTS] + [f"http://{h}" for h in LOOPBACK_HOSTS]
    if not is_loopback(options.host) and not _is_wildcard(options.host):
        hosts.append(_netloc(options.host, options.port))
    if settings.http_public_url:
        hosts.append(urlsplit(settings.http_public_url).netloc)
    hosts += options.allowed_hosts
    origins += options.allowed_origins
    if _is_wildcard(options.host) and not options.allowed_hosts and not settings.http_public_url:
        raise ConfigError(
            "betaops",
            f"--host {options.host} listens on every interface, but no Host name is allowed beyond loopback.",
            hint="Name the host clients use: --allowed-host mcp.example.com (repeatable; host or host:port, "
            "host:* for any port), or set BETAOPS_HTTP_PUBLIC_URL.",
        )
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=list(dict.fromkeys(hosts)),
        allowed_origins=list(dict.fromkeys(origins)),
    )


def parse_tokens(settings: Settings) -> tuple[str, ...]:
    """The accepted bearer tokens (comma- or whitespace-separated); refuses short ones."""
    if settings.http_tokens is None:
        return ()
    raw = settings.http_tokens.get_secret_value().replace(",", " ").split()
    for index, token in enumerate(raw, start=1):
        if len(token) < MIN_TOKEN_LENGTH:
            raise ConfigError(
                "betaops",
                f"{TOKENS_ENV} token #{index} is shorter than {MIN_TOKEN_LENGTH} characters.",
                hint='Use long random tokens, e.g. python -c "import secrets; print(secrets.token_urlsafe(32))".',
            )
    return tuple(raw)


class StaticTokenVerifier(TokenVerifier):
    """Accepts the configured tokens; compares SHA-256 digests in constant time."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self._digests = [hashlib.sha256(t.encode()).digest() for t in tokens]

    async def verify_token(self, token: str) -> AccessToken | None:
        digest = hashlib.sha256(token.encode()).digest()
        index = None
        for i, known in enumerate(self._digests, start=1):
            if hmac.compare_digest(digest, known):
                index = i
        if index is None:
            return None
        # One principal per configured token: sessions and requestState are bound to it.
        return AccessToken(token=token, client_id=f"betaops-token-{index}", scopes=[])


class HostOriginGuard:
    """Checks Host and Origin on the MCP endpoint before anything else (authentication included)."""

    def __init__(self, app: ASGIApp, security: TransportSecuritySettings, paths: Iterable[str]) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.check = TransportSecurityMiddleware(security)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/") in self.paths:
            refused = await self.check.validate_request(Request(scope, receive), is_post=False)
            if refused is not None:
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


def health_route(runtime: Runtime) -> Callable[[Request], Awaitable[Response]]:
    """`/health`: up, plus the kind of state store and whether it answers (503 when it does not).

    A load balancer takes a replica whose shared store is down out of rotation: without the store it
    cannot keep approvals single-use. No version, address, configuration, provider or account detail."""

    async def health(_: Request) -> Response:
        healthy, _why = await runtime.store.health()
        kind = "shared" if runtime.store.shared else "embedded"
        body = {"status": "ok" if healthy else "degraded", "store": kind, "store_healthy": healthy}
        return JSONResponse(body, status_code=200 if healthy else 503)

    return health


def replay_exposed(runtime: Runtime) -> list[str]:
    """Providers whose writes carry no idempotency key: only the per-replica token record guards them."""
    return [c.spec.title for c in runtime.connections.values() if c.config.idempotency_header is None]


def _reachable_from_elsewhere(settings: Settings, options: HttpOptions) -> str | None:
    """Why this server can be reached beyond loopback (so needs tokens), or None."""
    if not is_loopback(options.host):
        return f"--host {options.host} is not loopback"
    if settings.http_public_url:
        return "BETAOPS_HTTP_PUBLIC_URL is set (the server is reached through a proxy)"
    for host in options.allowed_hosts:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.endswith("]:*") else host
        if not is_loopback(name):
            return f"--allowed-host {host} is not loopback"
    for origin in options.allowed_origins:
        name = urlsplit(origin).hostname or origin
        if not is_loopback(name):
            return f"--allowed-origin {origin} is not loopback"
    return None


def http_auth(settings: Settings, options: HttpOptions) -> tuple[AuthSettings | None, TokenVerifier | None]:
    """The bearer-token auth for `serve --http`; raises ConfigError where tokens are needed and missing."""
    tokens = parse_tokens(settings)
    reason = _reachable_from_elsewhere(settings, options)
    if reason is not None and not tokens:
        raise ConfigError(
            "betaops",
            f"{reason}, and an HTTP server reachable beyond loopback needs bearer tokens.",
            hint=f"Set {TOKENS_ENV} to one or more long random tokens (comma-separated), or serve on loopback only.",
        )
    if not tokens:
        return None, None
    url = resource_url(settings, options)
    issuer = settings.http_auth_issuer or f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    auth = AuthSettings(issuer_url=issuer, resource_server_url=url, validate_token_resource=False)
    return auth, StaticTokenVerifier(tokens)


def build_http_app(
    server: MCPServer, settings: Settings, options: HttpOptions, runtime: Runtime | None = None
) -> HostOriginGuard:
    """The ASGI app for `serve --http`, from a server built with `build_server(..., http=options)`.

    Raises ConfigError for an unsafe or incomplete setup.
    """
    auth, _ = http_auth(settings, options)
    if (auth is None) != (server.settings.auth is None):
        raise ConfigError(
            "betaops",
            "the MCP server was not built with this HTTP configuration's authentication.",
            hint="Build it with build_server(settings, options, runtime, http=HttpOptions(...)).",
        )
    if options.stateless and settings.confirm_secret is None:
        raise ConfigError(
            "betaops",
            "--stateless needs BETAOPS_CONFIRM_SECRET: a preview made on one replica must verify on another.",
            hint="Set the same BETAOPS_CONFIRM_SECRET (32+ random characters) on every replica.",
        )
    if options.stateless and runtime is not None and not runtime.store.shared:
        exposed = replay_exposed(runtime)
        logger.warning(
            "stateless without a shared state store: spent approvals, bulk jobs and write pacing are kept in %s, "
            "which replicas on other hosts do not see. There, a confirm_token or an approved round replayed on "
            "another replica repeats its write%s; each replica paces writes as if alone, so N replicas send up to "
            "N times a provider's limit; and a replica's bulk job is resumed only by a process sharing that "
            "directory. Set BETAOPS_STATE_URL=redis://... on every replica, or route each client to one replica "
            "(sticky sessions).",
            runtime.store.describe(),
            f" ({', '.join(exposed)} take no idempotency key)" if exposed else "",
        )
    security = transport_security(settings, options)
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH, stateless_http=options.stateless, transport_security=security, host=options.host
    )
    return HostOriginGuard(app, security, [MCP_PATH])


def serve_http(server: MCPServer, settings: Settings, options: HttpOptions, runtime: Runtime | None = None) -> None:
    """Run the app under uvicorn until interrupted."""
    import uvicorn

    app = build_http_app(server, settings, options, runtime)
    mode = "stateless" if options.stateless else "stateful"
    auth = "bearer tokens" if settings.http_tokens else "no auth (loopback only)"
    logger.info("serving MCP on %s (%s, %s); health at %s", resource_url(settings, options), mode, auth, HEALTH_PATH)
    uvicorn.run(
        app, host=options.host.strip("[]"), port=options.port, log_level="warning", lifespan="on", server_header=False
    )
