"""Property-based fuzzing of every listed tool's arguments, through the MCP client (hypothesis).

Arguments are generated from each tool's published input schema, mixing values the schema
allows (any Unicode text, edge integers) with adversarial ones per field: path traversal and
URL syntax, control characters, CRLF, 100,000-character strings, wrong types, huge and negative
numbers, nested junk and unknown keys. Writes execute at once (`--confirm never`) so their bodies
really reach the simulators. For every call:

- the call ends in a result or an error with a reason (no traceback, no bare "Error executing
  tool X", nothing logged as an unhandled exception, no protocol-level failure);
- every request that reached a simulator was well-formed: its raw path is one of the provider's
  operations with each id a plain segment (no `..`, no encoded `/` or `%`), no query value or
  body string carries control characters, and the simulator did not reject it as malformed
  (BetaTesting 422, TestFlight 400 or a request outside Apple's OpenAPI contract, Alexa 400 input
  codes, Betasend 406).

Examples are derandomized (the same every run) and few per tool, to keep the run short.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx2
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.types import CallToolResult

from betaops.core.provider import ProviderSpec
from betaops.server.runtime import ConfirmMode
from tests.providers.testflight.contract import ValidatingTransport, validating_transport
from tests.support import Box, Sent, make_box, text

EXAMPLES = 8  # per tool and protocol era
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
HUGE = "A" * 100_000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SEGMENT = r"(?!\.{1,2}(?:/|$))[A-Za-z0-9._~-]{1,255}"  # one plain path segment, never . or ..
BARE_SDK_ERROR = re.compile(r"^Error executing tool \w+\s*$")
UNKNOWN_ID = re.compile(r"There is no [\w ]+ with id ")
ALEXA_INPUT_CODES = re.compile(r'"code":\s*"(INVALID_[A-Z_]+|MISSING_PARAMETER)"')
# BetaTesting answers 422 both for malformed input ("The status field must be one of: ...") and for
# requests that are well-formed but not possible now ("Cannot launch test 4101: it is closed"); only
# the first kind is malformed.
BETATESTING_FORMAT = re.compile(r'"message":\s*"(The [\w.]+ field (must|is required|format)|The request body must)')

# Gaps this fuzzing found in providers' input models, reported to their owners: each is excused only
# for its tool and its own message, and pinned by a strict xfail test below, so a fix shows up there.
# (None open: TestFlight's deviceFamily, free text until the generator took Apple's enum, was the last.)
KNOWN_GAPS: dict[str, str] = {}

ADVERSARIAL_TEXT = [
    "..",
    ".",
    "../../etc/passwd",
    "..%2f..%2fadmin",
    "%2e%2e",
    "a/b",
    "a?admin=true",
    "a#frag",
    "a b",
    "x\x00y",
    "\r\nX-Injected: yes",
    "\x1b[2J",
    "\u202egnp.exe",
    "a,b",
    "",
    " ",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\\..\\..\\windows",
    "😀" * 3,
    HUGE,
]
ADVERSARIAL_NUMBERS = [-1, 0, -(2**63), 2**63, 10**30, 1.5, float("inf")]


def junk() -> st.SearchStrategy[Any]:
    """Wrong types, nested."""
    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))
    return st.recursive(
        leaf,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=6,
    )


def adversarial(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values aimed at the field's type: hostile text for strings, edge numbers for numbers, else junk."""
    types = schema.get("type")
    kinds = set(types) if isinstance(types, list) else {types}
    options: list[st.SearchStrategy[Any]] = [junk()]
    if "string" in kinds or "enum" in schema:
        options.append(st.sampled_from(ADVERSARIAL_TEXT))
    if kinds & {"integer", "number"}:
        options.append(st.sampled_from(ADVERSARIAL_NUMBERS))
    if "array" in kinds:
        options.append(st.lists(st.sampled_from(ADVERSARIAL_TEXT + ADVERSARIAL_NUMBERS), min_size=0, max_size=3))
        options.append(st.just(["x"] * 600))
    return st.one_of(*options)


def allowed(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the schema allows (its patterns, bounds and enums), with any Unicode in free text."""
    if "$ref" in schema:
        return allowed(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of(*(allowed(s, defs) for s in schema[key]))
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    types = schema.get("type", "string")
    if isinstance(types, list):
        return st.one_of(*(allowed({**schema, "type": t}, defs) for t in types))
    if types == "null":
        return st.none()
    if types == "boolean":
        return st.booleans()
    if types in ("integer", "number"):
        ints = st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum"))
        return ints if types == "integer" else ints | st.floats(schema.get("minimum"), schema.get("maximum"))
    if types == "array":
        low = schema.get("minItems", 0)
        return st.lists(
            allowed(schema.get("items", {}), defs), min_size=low, max_size=max(low, min(3, schema.get("maxItems", 3)))
        )
    if types == "object":
        if "properties" in schema:
            return arguments(schema, defs, hostile=False)
        return st.dictionaries(st.text(max_size=8), junk(), max_size=3)
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    if schema.get("format") == "email":
        return st.emails()
    low = schema.get("minLength", 0)
    return st.text(min_size=low, max_size=max(low, min(schema.get("maxLength", 60), 60)))


def arguments(
    schema: dict[str, Any],
    defs: dict[str, Any] | None = None,
    *,
    hostile: bool = True,
    known: dict[str, list[Any]] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """An arguments object: required fields always, optional ones sometimes.

    About half the examples keep to what the schema allows (so they reach a provider and test
    what it receives); the rest make each field allowed or adversarial and may add unknown keys.
    `known` offers real ids by field name, so some requests get past "not found" at the provider.
    """
    defs = {**(defs or {}), **schema.get("$defs", {})}
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))

    def build(value: Callable[[str, dict[str, Any]], st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
        fields = {
            name: value(name, prop) if name in required else st.one_of(st.just(_MISSING), value(name, prop))
            for name, prop in props.items()
        }
        return st.builds(_assemble, st.fixed_dictionaries(fields))

    def fine_value(name: str, prop: dict[str, Any]) -> st.SearchStrategy[Any]:
        real = (known or {}).get(name.removesuffix("s"))
        if not real:
            return allowed(prop, defs)
        kinds = prop.get("type")
        many = "array" in kinds if isinstance(kinds, list) else kinds == "array"
        ids = st.lists(st.sampled_from(real), min_size=1, max_size=3) if many else st.sampled_from(real)
        return st.one_of(ids, allowed(prop, defs))

    fine = build(fine_value)
    if not hostile:
        return fine
    extra = st.dictionaries(st.sampled_from(["id", "../x", "__proto__", "confirm", "api_key"]), junk(), max_size=1)
    rough = build(lambda name, prop: st.one_of(fine_value(name, prop), adversarial(prop)))
    return st.one_of(fine, st.builds(lambda args, more: {**args, **more}, rough, extra))


_MISSING = object()


def _assemble(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not _MISSING}


# ------------------------------------------------------------------------------ the oracle


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def templates(spec: ProviderSpec, base_url: str) -> list[tuple[str, re.Pattern[str]]]:
    base = urlsplit(base_url).path.rstrip("/")
    found: list[tuple[str, re.Pattern[str]]] = []
    for op in spec.operations:
        pattern = re.sub(r"\\\{\w+\\\}", SEGMENT, re.escape(base + op.path))
        found.append((op.method, re.compile(pattern + "$")))
    return found


def malformed(provider: str, sent: Sent, routes: list[tuple[str, re.Pattern[str]]]) -> list[str]:
    """Why a request that reached the simulator is one the provider would consider malformed."""
    why: list[str] = []
    raw_path = urlsplit(sent.url).path
    if raw_path.endswith("/token"):  # OAuth2 / Login with Amazon: built by the auth flow
        return why
    if not any(method == sent.method and pattern.match(raw_path) for method, pattern in routes):
        why.append(f"path {raw_path!r} is not one of the provider's operations with plain ids")
    for key, value in sent.query:
        if CONTROL.search(key + value):
            why.append(f"query {key}={value[:40]!r} has control characters")
    if sent.body:
        ctype = sent.headers.get("content-type", "")
        try:
            body: Any = (
                json.loads(sent.body)
                if "json" in ctype
                else dict(parse_qsl(sent.body.decode(), keep_blank_values=True))
            )
        except ValueError:
            why.append(f"body is not valid {ctype}")
            body = None
        why += [f"body text {s[:40]!r} has control characters" for s in strings(body) if CONTROL.search(s)]
    answer = sent.answer.decode("utf-8", "replace")
    if provider == "betatesting" and sent.status == 422 and BETATESTING_FORMAT.search(answer):
        why.append(f"BetaTesting rejected it as invalid: {answer[:200]}")
    # A well-formed id that names nothing ("There is no app with id '0'") is not a malformed request.
    if provider == "testflight" and sent.status == 400 and not UNKNOWN_ID.search(answer):
        why.append(f"App Store Connect rejected a parameter: {answer[:200]}")
    if provider == "alexa" and sent.status == 400 and ALEXA_INPUT_CODES.search(answer):
        why.append(f"SMAPI rejected the input: {answer[:200]}")
    if provider == "betasend" and sent.status == 406:
        why.append(f"Betasend found it malformed: {answer[:200]}")
    return why


class Crashes(logging.Handler):
    """Server-side log records of unhandled exceptions."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info is not None:
            self.records.append(record)


@dataclass
class Session:
    portal: BlockingPortal
    client: Client
    fleet: Box
    schemas: dict[str, dict[str, Any]]
    crashes: Crashes
    contract: ValidatingTransport
    known: dict[str, list[Any]]
    routes: dict[str, list[tuple[str, re.Pattern[str]]]] = field(default_factory=dict)
    calls: int = 0

    def check(self, tool: str, args: dict[str, Any]) -> None:
        marks = {sim.name: len(sim.sent) for sim in self.fleet}
        self.contract.take()
        try:
            result: CallToolResult = self.portal.call(self.client.call_tool, tool, args)
        except Exception as exc:  # a protocol-level failure is a finding, whatever it is
            raise AssertionError(f"{tool} raised {type(exc).__name__}: {exc}") from exc
        self.calls += 1
        self.fleet.advance(1.0)
        problems: list[str] = []
        if result.is_error:
            body = text(result)
            if "Traceback" in body or BARE_SDK_ERROR.match(body) or not body.strip():
                problems.append(f"unclear error: {body[:300]!r}")
        elif result.structured_content is None:
            problems.append("a result without structured content")
        for sim in self.fleet:
            for sent in sim.sent[marks[sim.name] :]:
                problems += [
                    f"{sim.name} {sent.method} {sent.url[:200]}: {w}"
                    for w in malformed(sim.name, sent, self.routes[sim.name])
                ]
        problems += [f"contract: {v}" for v in self.contract.take() if v.where == "request"]
        problems += [f"unhandled exception logged: {r.getMessage()[:300]}" for r in self.crashes.records]
        gap = KNOWN_GAPS.get(tool)
        problems = [p for p in problems if gap is None or gap not in p]
        self.crashes.records.clear()
        assert not problems, f"{tool}({_short(args)}):\n" + "\n".join(problems[:10])


def _short(args: dict[str, Any]) -> str:
    return json.dumps(args, default=str)[:400]


def real_ids(fleet: Box) -> dict[str, list[Any]]:
    """Seeded ids by the argument name that takes them (`test_id`, `beta_group_id`, `skill_id`, ...)."""
    bt = fleet["betatesting"].state
    known: dict[str, list[Any]] = {
        "test_id": sorted(bt.tests),
        "tester_id": sorted({*bt.testers, *bt.community}),
        "issue_id": sorted(bt.issues),
        "activity_id": sorted(bt.activities),
        "item_id": sorted(i.id for a in bt.activities.values() for i in a.items),
        "invite_id": sorted(bt.invites),
        "shipment_id": sorted(bt.shipments),
        "skill_id": sorted(fleet["alexa"].state.skills),
        "list_id": sorted(fleet["betasend"].state.lists),
    }
    for rtype, resources in fleet["testflight"].state.resources.items():
        singular = re.sub(r"([A-Z])", r"_\1", rtype).lower().removesuffix("s")
        known[f"{singular}_id"] = sorted(resources)
    return {name: ids[:: max(1, len(ids) // 50)] for name, ids in known.items() if ids}


@contextmanager
def open_session(mode: str) -> Iterator[Session]:
    """A server over all four simulators (writes unconfirmed) and a connected client, in a portal."""
    contract: list[ValidatingTransport] = []

    def checked(inner: httpx2.AsyncBaseTransport) -> ValidatingTransport:
        contract.append(validating_transport(inner))
        return contract[0]

    fleet = make_box(confirm=ConfirmMode.NEVER, wrap={"testflight": checked})
    crashes = Crashes()
    logging.getLogger().addHandler(crashes)
    try:
        with start_blocking_portal() as portal, portal.wrap_async_context_manager(fleet.client(mode)) as client:
            tools = portal.call(client.list_tools).tools
            schemas = {t.name: t.input_schema for t in tools}
            session = Session(portal, client, fleet, schemas, crashes, contract[0], real_ids(fleet))
            for sim in fleet:
                session.routes[sim.name] = templates(sim.spec, fleet.runtime.connections[sim.name].config.base_url)
            yield session
    finally:
        logging.getLogger().removeHandler(crashes)


@pytest.fixture(scope="module", params=["auto", "legacy"])
def session(request: pytest.FixtureRequest) -> Iterator[Session]:
    with open_session(request.param) as opened:
        yield opened


# A generative sweep over every tool: the global 60 s is a hang guard, and a loaded shared machine
# has taken over 60 s for the TestFlight sweep alone; this one guards at 240 s.
@pytest.mark.timeout(240)
@pytest.mark.parametrize("prefix", ["betatesting_", "testflight_", "betasend_", "alexa_", "betaops_"])
def test_no_argument_crashes_a_tool_or_reaches_a_provider_malformed(session: Session, prefix: str) -> None:
    names = sorted(n for n in session.schemas if n.startswith(prefix))
    assert names
    for name in names:
        if name in ("betaops_read_operation", "betaops_write_operation"):
            fuzz(session, name, call_operation_arguments(session))
        else:
            fuzz(session, name, arguments(session.schemas[name], known=session.known))


def fuzz(session: Session, name: str, strategy: st.SearchStrategy[dict[str, Any]]) -> None:
    @SETTINGS
    @given(args=strategy)
    def one_tool(args: dict[str, Any]) -> None:
        session.check(name, args)

    one_tool()


def call_operation_arguments(session: Session) -> st.SearchStrategy[dict[str, Any]]:
    """The discovery tool's arguments: a real tool name with fuzzed arguments for it, or junk."""
    names = sorted(n for n in session.schemas if not n.startswith("betaops_"))

    def for_tool(name: str) -> st.SearchStrategy[dict[str, Any]]:
        return st.builds(
            lambda a: {"tool": name, "arguments": a}, arguments(session.schemas[name], known=session.known)
        )

    real = st.sampled_from(names).flatmap(for_tool)
    fake = st.builds(lambda t, a: {"tool": t, "arguments": a}, st.sampled_from(ADVERSARIAL_TEXT[:-1]), junk())
    return st.one_of(real, fake)


PATH_ATTACKS = ["..", "../admin", "a/b", "%2e%2e%2f", "x\x00y", "a?x=1", HUGE]


@pytest.mark.parametrize("provider", ["betatesting", "testflight", "alexa"])  # Betasend has no ids in paths
def test_every_path_id_refuses_traversal_before_any_request(session: Session, provider: str) -> None:
    """Each id that fills a URL path, attacked one at a time: refused, and never in a request path.

    An id that may also be a name (`ProviderSpec.names`) is looked up among the provider's own list
    (a plain read of that list), matches nothing and is refused; any other id stops at validation
    with nothing sent."""
    spec = session.fleet[provider].spec
    swept = 0
    for op in spec.operations:
        if op.tool_name not in session.schemas:
            continue
        for name in op.path_fields:
            for attack in PATH_ATTACKS:
                sent = [r for sim in session.fleet for r in sim.sent]
                result = session.portal.call(session.client.call_tool, op.tool_name, {name: attack})
                body = text(result)
                new = [r for sim in session.fleet for r in sim.sent][len(sent) :]
                if name in spec.names:  # refused by validation, or looked up by name and matching nothing
                    refused = "validation error" in body or "matches" in body
                    assert result.is_error and refused and name in body, (op.tool_name, attack, body)
                    assert all(attack not in unquote(r.path) for r in new), (op.tool_name, attack)
                else:
                    assert result.is_error and "validation error" in body and name in body, (op.tool_name, attack, body)
                    assert not new, (op.tool_name, attack)
                swept += 1
    assert swept >= len(PATH_ATTACKS) * len([op for op in spec.operations if op.path_fields])


def test_an_empty_tags_list_stops_at_validation(session: Session) -> None:
    assert_refused_before_sending(
        session, "betatesting_create_community_testers", {"testers": [{"email": "a@b.co", "tags": []}]}
    )


def test_testflight_device_family_is_apples_enum_and_stops_at_validation(session: Session) -> None:
    ids = session.known["beta_group_id"]
    args = {"beta_group_id": ids[0], "device_family_os_version_filters": [{"device_family": "TOASTER"}]}
    assert_refused_before_sending(session, "testflight_create_recruitment_criteria", args)


def test_a_list_item_with_a_comma_is_refused_before_sending(session: Session) -> None:
    """Query lists travel comma-joined: "a,b" as one item would reach the provider as two values."""
    before = sum(len(sim.sent) for sim in session.fleet)
    result = session.portal.call(
        session.client.call_tool, "testflight_list_beta_testers", {"filter_email": ["a@example.com,b@example.com"]}
    )
    assert result.is_error and "contains a comma" in text(result) and "Nothing was changed" in text(result)
    assert sum(len(sim.sent) for sim in session.fleet) == before


def assert_refused_before_sending(session: Session, tool: str, args: dict[str, Any]) -> None:
    before = sum(len(sim.sent) for sim in session.fleet)
    result = session.portal.call(session.client.call_tool, tool, args)
    assert result.is_error and "validation error" in text(result), text(result)
    assert sum(len(sim.sent) for sim in session.fleet) == before
