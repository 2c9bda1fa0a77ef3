"""Read-only MCP resources: one status document per configured provider, and per-test summaries.

Resources let a client show state without spending a tool call: which account a provider runs as
(never the secret itself), sandbox or live, how much rate-limit headroom the last answer reported.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError
from mcp.server.mcpserver.resources import FunctionResource

from betaops.core.errors import ProviderError
from betaops.providers.betatesting.tasks import SummarizeIssuesParams, summarize_issues
from betaops.server.executor import PROVIDER_DATA
from betaops.server.guard import task_context
from betaops.server.runtime import Connection, Runtime


def compact_json(data: dict[str, Any]) -> str:
    """Resources are read by a model too: no indentation to pay for."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def provider_json(data: dict[str, Any]) -> str:
    """A resource carrying provider text: marked as provider data, as tool results are."""
    return compact_json({"provider_data": PROVIDER_DATA, **data})


def _credential(conn: Connection) -> str:
    """What kind of credential is in use, never its value."""
    if conn.sandbox:
        return "sandbox credentials (simulated provider)"
    return type(conn.config.auth).__name__


def status(runtime: Runtime, name: str) -> dict[str, Any]:
    conn = runtime.connections[name]
    rate = conn.client.rate
    return {
        "provider": name,
        "title": conn.spec.title,
        "mode": "sandbox" if conn.sandbox else "live",
        "base_url": conn.config.base_url,
        "credential": _credential(conn),
        "rate_limit": {
            "limit": rate.limit,
            "remaining": rate.remaining,
            "write_headroom": conn.client.writes.headroom(),
        },
        "pinned": {k: v for k, v in conn.defaults.items() if v is not None},
        "read_only": runtime.read_only,
        "operations": sum(1 for e in runtime.catalog.values() if e.action.provider == name),
    }


async def store_status(runtime: Runtime) -> dict[str, Any]:
    healthy, why = await runtime.store.health()
    return {"kind": runtime.store.describe(), "healthy": healthy, **({} if healthy else {"problem": why})}


def register_resources(server: MCPServer, runtime: Runtime) -> None:
    for name in runtime.connections:

        async def read(_name: str = name) -> str:
            store = await store_status(runtime)
            if store["healthy"]:
                await runtime.connections[_name].refresh_headroom()
            return compact_json({**status(runtime, _name), "state_store": store})

        server.add_resource(
            FunctionResource.from_function(
                read,
                uri=f"betaops://status/{name}",
                name=f"{name}-status",
                title=f"{runtime.connections[name].spec.title} status",
                description="Mode, credential kind, rate-limit headroom, pinned defaults and the state store",
                mime_type="application/json",
            )
        )

    if "betatesting" in runtime.connections:
        provider = runtime.connections["betatesting"].spec

        @server.resource(
            "betatesting://tests/{test_id}/summary",
            name="betatesting-test-summary",
            title="BetaTesting test summary",
            description="A test's status and its issue triage summary",
            mime_type="application/json",
        )
        async def test_summary(test_id: str) -> str:
            if not test_id.isdigit() or int(test_id) < 1:
                raise ResourceError(f"test_id must be a positive integer, not {test_id!r}")
            task = next(t for t in provider.tasks if t.name == "summarize_issues")
            ctx = task_context(runtime, task)
            try:
                test = (await ctx.call("get_test", {"test_id": int(test_id)})).data
                summary = await summarize_issues(ctx, SummarizeIssuesParams(test_id=int(test_id)), None)
            except ProviderError as exc:
                raise ResourceError(str(exc)) from exc
            return provider_json({"test": test, "issues": summary.model_dump(mode="json")})

    if "testflight" in runtime.connections:
        testflight = runtime.connections["testflight"].spec

        @server.resource(
            "testflight://apps/{app}/latest-build",
            name="testflight-latest-build",
            title="TestFlight app: newest build's beta status",
            description="Processing and beta state, groups, review and newest feedback of an app's newest build "
            "(app: name, bundle id or id)",
            mime_type="application/json",
        )
        async def latest_build(app: str) -> str:
            task = next(t for t in testflight.tasks if t.name == "get_build_beta_status")
            try:
                params = task.params.model_validate({"app": app})
                status_ = await task.run(task_context(runtime, task), params, None, None)
            except (ProviderError, ValueError) as exc:
                raise ResourceError(str(exc)) from exc
            return provider_json(status_.model_dump(mode="json"))
