"""Test support for `serve --http`: the ASGI app driven in-process over httpx2, with its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from starlette.applications import Starlette

from betaops.server.app import ServerOptions, build_server
from betaops.server.http import HostOriginGuard, HttpOptions, build_http_app
from betaops.server.runtime import Runtime
from betaops.settings import Settings

BASE = "http://127.0.0.1:8000"
URL = f"{BASE}/mcp"
TOKEN = "tok-0123456789abcdef-first"
OTHER_TOKEN = "tok-0123456789abcdef-second"
SECRET = "replica-secret-0123456789abcdef-shared"
WRITE = "betatesting_change_test_stage"


def http_settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@asynccontextmanager
async def running(*apps: HostOriginGuard | Starlette) -> AsyncIterator[None]:
    """Enter each app's lifespan (it runs the MCP session manager), as uvicorn would."""
    async with _lifespans(list(apps)):
        yield


@asynccontextmanager
async def _lifespans(apps: list[HostOriginGuard | Starlette]) -> AsyncIterator[None]:
    if not apps:
        yield
        return
    app = apps[0]
    inner = app.app if isinstance(app, HostOriginGuard) else app
    assert isinstance(inner, Starlette)
    async with inner.router.lifespan_context(inner), _lifespans(apps[1:]):
        yield


class RoundRobin(httpx2.AsyncBaseTransport):
    """A load balancer in front of replicas: request n goes to replica n mod len(replicas)."""

    def __init__(self, apps: Sequence[HostOriginGuard | Starlette]) -> None:
        self.transports = [httpx2.ASGITransport(app=app) for app in apps]
        self.served = [0] * len(apps)
        self._next = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        index = self._next % len(self.transports)
        self._next += 1
        self.served[index] += 1
        return await self.transports[index].handle_async_request(request)


def http_client(
    app: HostOriginGuard | Starlette | None = None,
    *,
    token: str | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> httpx2.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if transport is None:
        assert app is not None
        transport = httpx2.ASGITransport(app=app)
    return httpx2.AsyncClient(transport=transport, base_url=BASE, headers=headers)


@asynccontextmanager
async def mcp_client(
    app: HostOriginGuard | Starlette | None = None,
    mode: str = "auto",
    *,
    token: str | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
    **options: object,
) -> AsyncIterator[Client]:
    """An MCP client talking streamable HTTP to the app (or to whatever `transport` routes to)."""
    async with http_client(app, token=token, transport=transport) as http:
        client = Client(streamable_http_client(URL, http_client=http), mode=mode, **options)  # type: ignore[arg-type]
        async with client:
            yield client


def http_app(
    runtime: Runtime, settings: Settings, options: HttpOptions, *, warn_for: Runtime | None = None
) -> HostOriginGuard:
    """`serve --http` for this runtime: the server built with the endpoint's auth, then its ASGI app."""
    server = build_server(settings, ServerOptions(), runtime, http=options)
    return build_http_app(server, settings, options, warn_for)
