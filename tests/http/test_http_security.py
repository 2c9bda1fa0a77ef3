"""`serve --http` over the wire: Host/Origin checks, bearer auth, protected-resource metadata, /health."""

from __future__ import annotations

import json
from typing import Any

import pytest

from betaops.server.http import HttpOptions
from tests.http.http_support import (
    OTHER_TOKEN,
    TOKEN,
    URL,
    WRITE,
    http_app,
    http_client,
    http_settings,
    mcp_client,
    running,
)
from tests.support import make_box, text

pytestmark = pytest.mark.anyio

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
JSON_POST = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


def secured_app(**options: Any) -> Any:
    box = make_box("betatesting")
    settings = http_settings(http_tokens=f"{TOKEN}, {OTHER_TOKEN}")
    return http_app(box.runtime, settings, HttpOptions(**options))


def open_app(**options: Any) -> Any:
    return http_app(make_box("betatesting").runtime, http_settings(), HttpOptions(**options))


async def test_health_answers_without_auth_and_reveals_nothing() -> None:
    app = secured_app(host="0.0.0.0", allowed_hosts=("mcp.example.com",))
    async with running(app), http_client(app) as http:
        reply = await http.get("/health", headers={"Host": "10.1.2.3:8000"})  # a load balancer's probe
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok", "store": "embedded", "store_healthy": True}
    assert TOKEN not in reply.text and "betatesting" not in reply.text


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example:8000"])
async def test_unknown_host_gets_421_before_authentication(host: str) -> None:
    app = secured_app()
    async with running(app), http_client(app, token=TOKEN) as http, http_client(app) as anonymous:
        with_token = await http.post("/mcp", headers={**JSON_POST, "Host": host}, json=INIT)
        without = await anonymous.post("/mcp", headers={**JSON_POST, "Host": host}, json=INIT)
    assert with_token.status_code == 421
    assert without.status_code == 421  # the rebinding check comes first: no auth challenge to a foreign name


async def test_unknown_origin_gets_403() -> None:
    app = open_app()
    async with running(app), http_client(app) as http:
        refused = await http.post("/mcp", headers={**JSON_POST, "Origin": "http://evil.example"}, json=INIT)
        local = await http.post("/mcp", headers={**JSON_POST, "Origin": "http://localhost:3000"}, json=INIT)
    assert refused.status_code == 403
    assert local.status_code == 200


async def test_named_host_and_origin_are_allowed_beyond_loopback() -> None:
    app = secured_app(host="0.0.0.0", allowed_hosts=("mcp.example.com",), allowed_origins=("https://app.example.com",))
    headers = {**JSON_POST, "Host": "mcp.example.com", "Origin": "https://app.example.com"}
    async with running(app), http_client(app, token=TOKEN) as http:
        named = await http.post("/mcp", headers=headers, json=INIT)
        other_port = await http.post("/mcp", headers={**headers, "Host": "mcp.example.com:9999"}, json=INIT)
        other_origin = await http.post("/mcp", headers={**headers, "Origin": "https://evil.example"}, json=INIT)
    assert named.status_code == 200
    assert other_port.status_code == 421  # an exact name allows exactly that Host
    assert other_origin.status_code == 403


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-0123456789", f"Basic {TOKEN}", "Bearer "])
async def test_missing_or_bad_token_gets_401_with_resource_metadata(authorization: str | None) -> None:
    app = secured_app()
    headers = dict(JSON_POST)
    if authorization is not None:
        headers["Authorization"] = authorization
    async with running(app), http_client(app) as http:
        reply = await http.post("/mcp", headers=headers, json=INIT)
    assert reply.status_code == 401
    challenge = reply.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'error="invalid_token"' in challenge
    assert 'resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp"' in challenge
    assert TOKEN not in reply.text and TOKEN not in challenge


async def test_protected_resource_metadata_is_served_without_auth() -> None:
    app = secured_app()
    async with running(app), http_client(app) as http:
        reply = await http.get("/.well-known/oauth-protected-resource/mcp")
    assert reply.status_code == 200
    meta = reply.json()
    assert meta["resource"] == URL
    assert meta["bearer_methods_supported"] == ["header"]
    assert meta["authorization_servers"] == ["http://127.0.0.1:8000"]
    assert TOKEN not in reply.text


async def test_public_url_and_issuer_shape_the_metadata_and_allowed_host() -> None:
    box = make_box("betatesting")
    settings = http_settings(
        http_tokens=TOKEN,
        http_public_url="https://mcp.example.com/mcp",
        http_auth_issuer="https://auth.example.com",
    )
    app = http_app(box.runtime, settings, HttpOptions(host="0.0.0.0"))
    async with running(app), http_client(app) as http:
        meta = (await http.get("/.well-known/oauth-protected-resource/mcp")).json()
        challenge = await http.post("/mcp", headers={**JSON_POST, "Host": "mcp.example.com"}, json=INIT)
    assert meta["resource"] == "https://mcp.example.com/mcp"
    assert meta["authorization_servers"] == ["https://auth.example.com"]
    assert challenge.status_code == 401  # the public name passes the Host check; the token is still required
    assert "https://mcp.example.com/.well-known/oauth-protected-resource/mcp" in challenge.headers["www-authenticate"]


@pytest.mark.parametrize("token", [TOKEN, OTHER_TOKEN])
async def test_each_configured_token_reaches_the_tools(mode: str, token: str) -> None:
    app = secured_app()
    async with running(app), mcp_client(app, mode, token=token) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        read = await client.call_tool("betatesting_get_test", {"test_id": 4103})
        write = await client.call_tool(WRITE, {"test_id": 4103, "stage": "pause"})
    assert "betatesting_list_tests" in names
    assert not read.is_error, text(read)
    assert write.structured_content is not None
    assert write.structured_content["status"] == "confirmation_required"


async def test_loopback_without_tokens_needs_no_auth(mode: str) -> None:
    app = open_app()
    async with running(app), mcp_client(app, mode) as client:
        result = await client.call_tool("betatesting_list_tests", {})
    assert not result.is_error, text(result)


async def test_a_token_is_not_accepted_in_the_query_string() -> None:
    app = secured_app()
    async with running(app), http_client(app) as http:
        reply = await http.post(f"/mcp?access_token={TOKEN}", headers=JSON_POST, content=json.dumps(INIT))
    assert reply.status_code == 401


async def test_a_session_belongs_to_the_token_that_opened_it() -> None:
    app = secured_app()
    async with running(app), http_client(app, token=TOKEN) as owner, http_client(app, token=OTHER_TOKEN) as other:
        opened = await owner.post("/mcp", headers=JSON_POST, json=INIT)
        session = {
            **JSON_POST,
            "mcp-session-id": opened.headers["mcp-session-id"],
            "mcp-protocol-version": "2025-11-25",
        }
        await owner.post("/mcp", headers=session, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
        listed = await owner.post("/mcp", headers=session, json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
        hijack = await other.post("/mcp", headers=session, json={"jsonrpc": "2.0", "id": 3, "method": "tools/list"})
    assert listed.status_code == 200 and "betatesting_list_tests" in listed.text
    assert hijack.status_code == 404
    assert "betatesting_list_tests" not in hijack.text
