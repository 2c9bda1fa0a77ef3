"""An OpenAPI contract checker for App Store Connect traffic, reusable by any TestFlight test.

`validating_transport(inner)` wraps an httpx2 transport (the simulator's, or anything else) and
checks EVERY request and response against Apple's OpenAPI subset
(`src/betaops/providers/testflight/spec/openapi-testflight-subset.json`):

- request: the path and method name an operation; every query parameter is declared for it (plus
  `cursor` on paged collections: Apple puts it in `links.next` but the spec omits it, NOTES §3.2);
  values match the parameter schema (`explode: false` arrays split on commas; enums; integer
  maxima); required parameters are present; a bearer token is sent; a body is sent exactly when
  the operation takes one, as `application/json`, and validates against its schema;
- response: the status is listed for the operation; a JSON body validates against the listed
  schema (errors against `ErrorResponse`), a body-less status (202/204) has no body.

Schemas are validated with `openapi-schema-validator` (OpenAPI 3.0 semantics: `nullable`,
formats) and made *closed* first: an object that lists `properties` accepts no others, so a
misspelled attribute or an undeclared field fails. Violations are collected
(`transport.violations`); `transport.assert_clean()` fails the test with all of them, or pass
`raise_at_once=True` to fail on the first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx2
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from tests.support import Box

SPEC_PATH = (
    Path(__file__).resolve().parents[3]
    / "src"
    / "betaops"
    / "providers"
    / "testflight"
    / "spec"
    / "openapi-testflight-subset.json"
)
CURSOR = "cursor"


@dataclass(frozen=True)
class Violation:
    method: str
    url: str
    where: str  # "request" or "response"
    message: str

    def __str__(self) -> str:
        return f"{self.method} {self.url} [{self.where}]: {self.message}"


class ContractViolationError(AssertionError):
    pass


@cache
def spec() -> dict[str, Any]:
    return dict(json.loads(SPEC_PATH.read_text(encoding="utf-8")))


def _close(node: Any) -> Any:
    if isinstance(node, list):
        return [_close(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _close(v) for k, v in node.items()}
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


@cache
def _components() -> dict[str, Any]:
    return {"schemas": _close(spec()["components"]["schemas"])}


def _validator(schema: dict[str, Any]) -> OAS30Validator:
    root = {**_close(schema), "components": _components()}
    return OAS30Validator(root, format_checker=oas30_format_checker)


@cache
def _named_validator(name: str) -> OAS30Validator:
    return _validator({"$ref": f"#/components/schemas/{name}"})


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    raw: dict[str, Any]
    regex: re.Pattern[str]

    @property
    def query_params(self) -> dict[str, dict[str, Any]]:
        return {p["name"]: p for p in self.raw.get("parameters", []) if p.get("in") == "query"}

    @property
    def paged(self) -> bool:
        return "limit" in self.query_params


@cache
def operations() -> tuple[Operation, ...]:
    out = []
    for path, item in spec()["paths"].items():
        for method, raw in item.items():
            if method not in ("get", "post", "patch", "delete", "put"):
                continue
            regex = re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"[^/]+", re.escape(path)) + "$")
            out.append(Operation(method.upper(), path, raw["operationId"], raw, regex))
    return tuple(out)


def find_operation(method: str, path: str) -> Operation | None:
    for op in operations():
        if op.method == method.upper() and op.regex.match(path):
            return op
    return None


def _errors(validator: OAS30Validator, instance: Any, limit: int = 3) -> list[str]:
    found = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))[:limit]
    return [f"at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:300]}" for e in found]


def check_request(request: httpx2.Request, body: bytes) -> list[str]:
    """Problems with a request, as messages (empty = conforms)."""
    op = find_operation(request.method, request.url.path)
    if op is None:
        return [f"no operation {request.method} {request.url.path} in the spec"]
    problems: list[str] = []
    declared = op.query_params
    seen: set[str] = set()
    for name, value in request.url.params.multi_items():
        if name in seen:
            problems.append(f"query parameter {name!r} repeated")
        seen.add(name)
        if name == CURSOR and op.paged:
            if not value:
                problems.append("empty cursor")
            continue
        param = declared.get(name)
        if param is None:
            problems.append(f"undeclared query parameter {name!r}")
            continue
        problems.extend(_check_param(param, value))
    for name, param in declared.items():
        if param.get("required") and name not in seen:
            problems.append(f"required query parameter {name!r} missing")
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Bearer ") or auth.count(".") != 2:
        problems.append("no 'Authorization: Bearer <JWT>' header")
    content = op.raw.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        if body:
            problems.append("a body was sent to an operation that takes none")
        return problems
    if not body:
        if op.raw["requestBody"].get("required", True):
            problems.append("the request body is required")
        return problems
    if not request.headers.get("content-type", "").startswith("application/json"):
        problems.append(f"body sent as {request.headers.get('content-type')!r}, not application/json")
    try:
        doc = json.loads(body)
    except ValueError:
        return [*problems, "the request body is not JSON"]
    problems.extend(f"request body {m}" for m in _errors(_validator(content["schema"]), doc))
    return problems


def _check_param(param: dict[str, Any], value: str) -> list[str]:
    schema = param.get("schema", {})
    name = param["name"]
    if schema.get("type") == "array":
        items = value.split(",") if param.get("explode") is False else [value]
        if any(v == "" for v in items):
            return [f"{name}={value!r}: empty list entries"]
        enum = schema.get("items", {}).get("enum")
        bad = [v for v in items if enum is not None and v not in enum]
        return [f"{name}: {v!r} is not one of the declared values" for v in bad]
    if schema.get("type") == "integer":
        if not re.fullmatch(r"-?\d+", value):
            return [f"{name}={value!r} is not an integer"]
        if "maximum" in schema and int(value) > schema["maximum"]:
            return [f"{name}={value} is above the maximum {schema['maximum']}"]
        if name.startswith("limit") and int(value) < 1:
            return [f"{name}={value}: page sizes start at 1"]
        if "minimum" in schema and int(value) < schema["minimum"]:
            return [f"{name}={value} is below the minimum {schema['minimum']}"]
        return []
    if "enum" in schema and value not in schema["enum"]:
        return [f"{name}={value!r} is not one of {schema['enum']}"]
    return []


def check_response(request: httpx2.Request, response: httpx2.Response) -> list[str]:
    op = find_operation(request.method, request.url.path)
    if op is None:
        return []  # already reported on the request side
    listed = op.raw["responses"]
    status = str(response.status_code)
    if status not in listed:
        return [f"status {status} is not listed for {op.operation_id} (listed: {', '.join(listed)})"]
    content = listed[status].get("content", {}).get("application/json")
    body = response.content
    if content is None:
        return [f"status {status} must have no body, got {body[:120]!r}"] if body else []
    if not response.headers.get("content-type", "").startswith("application/json"):
        return [f"status {status} body is {response.headers.get('content-type')!r}, not application/json"]
    try:
        doc = json.loads(body)
    except ValueError:
        return [f"status {status} body is not JSON: {body[:120]!r}"]
    ref = content["schema"].get("$ref", "")
    validator = _named_validator(ref.rsplit("/", 1)[-1]) if ref else _validator(content["schema"])
    return [f"response body {m}" for m in _errors(validator, doc)]


class ValidatingTransport(httpx2.AsyncBaseTransport):
    """Checks every exchange against the spec; see the module docstring."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, *, raise_at_once: bool = False) -> None:
        self.inner = inner
        self.raise_at_once = raise_at_once
        self.violations: list[Violation] = []
        self.checked = 0
        self.operations_seen: set[str] = set()

    def _record(self, request: httpx2.Request, where: str, messages: list[str]) -> None:
        found = [Violation(request.method, str(request.url), where, m) for m in messages]
        self.violations.extend(found)
        if found and self.raise_at_once:
            raise ContractViolationError("\n".join(str(v) for v in found))

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        self._record(request, "request", check_request(request, body))
        op = find_operation(request.method, request.url.path)
        if op is not None:
            self.operations_seen.add(op.operation_id)
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.checked += 1
        self._record(request, "response", check_response(request, response))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()

    def assert_clean(self) -> None:
        if self.violations:
            shown = "\n".join(str(v) for v in self.violations[:25])
            more = f"\n... and {len(self.violations) - 25} more" if len(self.violations) > 25 else ""
            raise ContractViolationError(f"{len(self.violations)} contract violation(s):\n{shown}{more}")

    def take(self) -> list[Violation]:
        """The violations so far, cleared (for tests that provoke one on purpose)."""
        found, self.violations = self.violations, []
        return found


def validating_transport(inner: httpx2.AsyncBaseTransport, *, raise_at_once: bool = False) -> ValidatingTransport:
    return ValidatingTransport(inner, raise_at_once=raise_at_once)


CHECKED = {"testflight": validating_transport}
"""`make_box("testflight", wrap=CHECKED)`: every TestFlight exchange of the server is contract-checked."""


def checker(box: Box) -> ValidatingTransport:
    """The contract checker inside a `wrap=CHECKED` box's TestFlight transport."""
    inner = box["testflight"].transport.inner
    assert isinstance(inner, ValidatingTransport), "build the box with wrap=CHECKED"
    return inner


# ------------------------------------------------------------------ simulator convenience


@dataclass
class SimHarness:
    """A simulator, its state and clock, and a contract-checked client that signs its own JWTs."""

    client: httpx2.AsyncClient
    transport: ValidatingTransport
    state: Any
    clock: Any
    config: Any

    @property
    def ids(self) -> dict[str, str]:
        return dict(self.state.ids)


def sim_harness(state: Any = None, config: Any = None, *, raise_at_once: bool = False) -> SimHarness:
    """`async with sim_harness().client:` talks to a fresh seeded simulator through `validating_transport`.

    The client re-signs a team-key JWT at the simulator's clock on every request (so advancing a
    FakeClock never expires it); pass your own `Authorization` header to override.
    """
    from betaops.providers.testflight.simulator import BASE_URL, SIM_NOW, SimConfig, build_state, create_app, sign_token
    from betaops.sim import FakeClock, sim_transport

    state = state if state is not None else build_state()
    config = config if config is not None else SimConfig(clock=FakeClock(SIM_NOW))
    app = create_app(state, config)
    transport = validating_transport(sim_transport(app), raise_at_once=raise_at_once)
    clock = config.clock

    async def sign(request: httpx2.Request) -> None:
        if "authorization" not in request.headers:
            request.headers["Authorization"] = f"Bearer {sign_token(clock())}"

    client = httpx2.AsyncClient(transport=transport, base_url=BASE_URL, event_hooks={"request": [sign]})
    return SimHarness(client, transport, state, clock, config)
