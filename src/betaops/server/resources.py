"""Read-only MCP resources: one status document per configured provider, and per-test summaries.

Resources let a client show state without spending a tool call: which account a provider runs as
(never the secret itself), sandbox or live, how much rate-limit headroom the last answer reported.
"""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError
from mcp.server.mcpserver.resources import FunctionResource

from betaops.core.errors import ProviderError
from betaops.core.provider import ProviderResource, ProviderSpec
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
        "operations": sum(1 for i in runtime.catalog.index.values() if i.provider == name),
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

    for conn in runtime.connections.values():
        for resource in conn.spec.resources:
            register_provider_resource(server, runtime, conn.spec, resource)


def register_provider_resource(server: MCPServer, runtime: Runtime, spec: ProviderSpec, res: ProviderResource) -> None:
    """One provider resource template: read under its task's context, refusals as resource errors.

    The task and the reading code are imported on the first read, not to list the template."""

    async def read(**values: str) -> str:
        task = next(t for t in spec.tasks if t.name == res.task)
        try:
            data = await res.reader()(task_context(runtime, task), task, values)
        except (ProviderError, ValueError) as exc:
            raise ResourceError(str(exc)) from exc
        return provider_json(data)

    # The SDK matches the URI's {names} against the function's parameters.
    names = re.findall(r"{(\w+)}", res.uri)
    read.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=str) for n in names]
    )
    read.__annotations__ = {**dict.fromkeys(names, str), "return": str}
    server.resource(res.uri, name=res.name, title=res.title, description=res.description, mime_type="application/json")(
        read
    )
