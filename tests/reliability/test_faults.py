"""Over a thousand mixed tool calls, through the MCP client, against four simulators failing at random.

Every simulator injects 5xx, 429 storms, connection resets, read timeouts, slow answers, truncated
and non-JSON bodies (before or after a write executed). The server must stay up, every call must
end in a result or an error that says what happened (never a traceback, never a bare "Error
executing tool X"), and no intended change may execute twice at a provider.

"Duplicated write", as checked here:
- BetaTesting (honours `Idempotency-Key`): two executed writes in the simulator's write log with
  the same key. Every betaops write carries a key, and a confirmed call repeated after an unknown
  outcome reuses it, so the provider must replay instead of acting again.
- TestFlight, Alexa, Betasend (no keys): one tool call whose content (method, path, body) executed
  more than once. Calls run one at a time, so each call's share of the write log is exact: at most
  one executed write per call, and the client never sends a write a second time (no attempt > 1).
"""

from __future__ import annotations

import logging
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult
from pydantic import SecretStr

from betaops.core.auth import OAuth2ClientCredentials
from betaops.core.operation import Operation
from betaops.providers.alexa.operations import OPERATIONS as ALEXA_OPS
from betaops.providers.alexa.simulator import DEMO_SKILL_ID, DRAFT_SKILL_ID, LARGE_SKILL_ID, VENDOR_ID
from betaops.providers.betasend.operations import OPERATIONS as BETASEND_OPS
from betaops.providers.betatesting import provider as betatesting
from betaops.providers.betatesting.operations import OPERATIONS as BETATESTING_OPS
from betaops.providers.betatesting.simulator import config as betatesting_sim
from betaops.providers.testflight.operations import OPERATIONS as TESTFLIGHT_OPS
from betaops.sim.faults import FaultKind, FaultRates, Faults
from tests.providers.betasend.test_betasend_tools import SAMPLES as BETASEND_SAMPLES
from tests.providers.betatesting.test_simulator import SAMPLES as BETATESTING_SAMPLES
from tests.providers.betatesting.test_simulator import Ids
from tests.providers.testflight import tf_samples
from tests.support import Box, confirming, make_box, text

pytestmark = pytest.mark.anyio

CALLS = 1_050  # MCP tool calls per protocol era
RATES = FaultRates(
    server_error=0.05,
    rate_limit_storm=0.01,
    reset=0.04,
    timeout=0.04,
    slow=0.03,
    truncated=0.04,
    non_json=0.04,
)
KEYED = {"betatesting"}  # providers that honour an idempotency key
BARE_SDK_ERROR = re.compile(r"^Error executing tool \w+\s*$")

Args = Callable[[random.Random, int], dict[str, Any]]


@dataclass(frozen=True)
class Recipe:
    provider: str
    tool: str
    args: Args
    write: bool


def _reads(fleet: Box) -> list[Recipe]:
    """Every read operation of every provider, with arguments valid for the seeded data."""
    bt = Ids.of(fleet["betatesting"].state)
    tf_state = fleet["testflight"].state
    alexa_args = {
        "get_beta_test": {"skill_id": DEMO_SKILL_ID},
        "list_beta_testers": {"skill_id": LARGE_SKILL_ID},
        "list_vendors": {},
        "list_skills": {"vendor_id": VENDOR_ID},
    }

    def fixed(args: dict[str, Any]) -> Args:
        return lambda rng, n: dict(args)

    recipes: list[Recipe] = []
    tables: list[tuple[str, tuple[Operation, ...], Callable[[Operation], dict[str, Any]]]] = [
        ("betatesting", BETATESTING_OPS, lambda op: BETATESTING_SAMPLES[op.name](bt)),
        ("testflight", TESTFLIGHT_OPS, lambda op: tf_samples.sample(op, tf_state)),
        ("betasend", BETASEND_OPS, lambda op: BETASEND_SAMPLES[op.name]),
        ("alexa", ALEXA_OPS, lambda op: alexa_args[op.name]),
    ]
    for provider, ops, args_of in tables:
        recipes += [Recipe(provider, op.tool_name, fixed(args_of(op)), False) for op in ops if not op.is_write]
    return recipes


def _writes(fleet: Box) -> list[Recipe]:
    """Writes that stay valid when repeated; every call changes something to a value of its own."""
    bt_state = fleet["betatesting"].state
    bt = Ids.of(bt_state)
    issues = sorted(i.id for i in bt_state.issues.values() if i.test_id == bt.test)
    tf = fleet["testflight"].state.ids
    priorities = ["critical", "high", "medium", "low", "trivial"]

    def w(provider: str, tool: str, args: Args) -> Recipe:
        return Recipe(provider, tool, args, True)

    return [
        w(
            "betatesting",
            "betatesting_update_issue",
            lambda rng, n: {
                "test_id": bt.test,
                "issue_id": rng.choice(issues),
                "priority": rng.choice(priorities),
                "notes": f"triage note {n}",
            },
        ),
        w("betatesting", "betatesting_update_test", lambda rng, n: {"test_id": bt.test, "description": f"Round {n}"}),
        w(
            "betatesting",
            "betatesting_send_message_to_testers",
            lambda rng, n: {
                "test_id": bt.test,
                "tester_ids": [bt.active_tester],
                "subject": f"Build {n}",
                "message": f"Please retest build {n}.",
            },
        ),
        w(
            "betatesting",
            "betatesting_create_activity",
            lambda rng, n: {"test_id": bt.test, "title": f"Survey {n}", "type": "survey"},
        ),
        w(
            "betatesting",
            "betatesting_add_community_tester_tags",
            lambda rng, n: {"tester_id": bt.member, "tags": [f"wave-{n}"]},
        ),
        w(
            "testflight",
            "testflight_update_beta_group",
            lambda rng, n: {"beta_group_id": tf["trailhead.pilots"], "name": f"Pilots {n}"},
        ),
        w(
            "testflight",
            "testflight_update_beta_app_review_detail",
            lambda rng, n: {"beta_app_review_detail_id": tf["1588204131.reviewDetail"], "notes": f"Demo account {n}"},
        ),
        w(
            "testflight",
            "testflight_update_beta_license_agreement",
            lambda rng, n: {
                "beta_license_agreement_id": tf["1588204131.license"],
                "agreement_text": f"Terms, revision {n}.",
            },
        ),
        w(
            "testflight",
            "testflight_create_beta_group",
            lambda rng, n: {"name": f"Wave {n}", "app_id": tf["trailhead"]},
        ),
        w("betasend", "betasend_update_account", lambda rng, n: {"city": f"City {n}"}),
        w(
            "betasend",
            "betasend_add_subscriber",
            lambda rng, n: {"email": f"person{n}@acme.example", "list_id": [1], "first_name": "New"},
        ),
        w("betasend", "betasend_update_list", lambda rng, n: {"list_id": 5, "list_name": f"Beta list {n}"}),
        w(
            "alexa",
            "alexa_update_beta_test",
            lambda rng, n: {"skill_id": DEMO_SKILL_ID, "feedbackEmail": f"feedback{n}@example.com"},
        ),
        w(
            "alexa",
            "alexa_add_beta_testers",
            lambda rng, n: {"skill_id": LARGE_SKILL_ID, "testers": [{"emailId": f"tester{n}@example.com"}]},
        ),
        w(
            "alexa",
            "alexa_update_beta_test",
            lambda rng, n: {"skill_id": DRAFT_SKILL_ID, "feedbackEmail": f"draft{n}@example.com"},
        ),
    ]


@dataclass
class Tally:
    calls: int = 0
    results: int = 0
    errors: int = 0
    executed: int = 0
    unknown: int = 0
    repeats: int = 0


def assert_clear(result: CallToolResult) -> str:
    """An error a person (or model) can act on: what failed, why, and whether anything changed."""
    body = text(result)
    assert "Traceback" not in body and 'File "' not in body, body
    assert not BARE_SDK_ERROR.match(body), f"an error without a reason: {body!r}"
    assert "Nothing was changed" in body or "outcome is unknown" in body, body
    return body


def assert_result(result: CallToolResult, write: bool) -> dict[str, Any]:
    body = result.structured_content
    assert body is not None, text(result)
    if write:
        assert body["status"] in ("executed", "confirmation_required", "not_executed"), body
    return dict(body)


class Run:
    """Drives the mix and checks, call by call, that no tool call executed twice."""

    def __init__(self, fleet: Box, seed: int) -> None:
        self.fleet = fleet
        self.rng = random.Random(seed)
        self.reads, self.writes = _reads(fleet), _writes(fleet)
        self.tally = Tally()
        self.per_call_writes: Counter[int] = Counter()

    async def call(self, client: Client, recipe: Recipe, args: dict[str, Any]) -> CallToolResult:
        sim = self.fleet[recipe.provider]
        before = len(sim.write_log)
        result = await client.call_tool(recipe.tool, args)
        executed = len(sim.write_log) - before
        self.per_call_writes[executed] += 1
        assert executed <= 1, f"{recipe.tool} executed {executed} writes for one call"
        if not recipe.write:
            assert executed == 0
        self.tally.calls += 1
        if result.is_error:
            self.tally.errors += 1
            if "outcome is unknown" in assert_clear(result):
                self.tally.unknown += 1
        else:
            self.tally.results += 1
            if assert_result(result, recipe.write).get("status") == "executed":
                self.tally.executed += 1
        self.fleet.advance(1.0)  # about one call a second, as a busy assistant might make them
        return result

    async def write(self, plain: Client, asking: Client, recipe: Recipe) -> None:
        args = recipe.args(self.rng, self.tally.calls)
        if self.rng.random() < 0.3:  # approved by elicitation: one call
            await self.call(asking, recipe, args)
            return
        preview = await self.call(plain, recipe, args)
        body = preview.structured_content or {}
        if preview.is_error or not body.get("confirm_token"):
            return
        token = confirming(body)
        done = await self.call(plain, recipe, {**args, **token})
        if recipe.provider in KEYED and done.is_error and "outcome is unknown" in text(done):
            # The tool says repeating the same confirmed call is safe: the provider replays it.
            self.tally.repeats += 1
            await self.call(plain, recipe, {**args, **token})

    async def run(self, mode: str) -> None:
        async with self.fleet.client(mode) as plain, self.fleet.client(mode, answer="accept") as asking:
            while self.tally.calls < CALLS:
                if self.rng.random() < 0.45:
                    await self.write(plain, asking, self.rng.choice(self.writes))
                else:
                    recipe = self.rng.choice(self.reads)
                    await self.call(plain, recipe, recipe.args(self.rng, self.tally.calls))
            # The server is still up and answering.
            context = await plain.call_tool("betaops_context", {})
            assert not context.is_error and context.structured_content is not None
            assert len(context.structured_content["providers"]) == 4
            assert len((await plain.list_tools()).tools) > 200


def faulty() -> dict[str, Faults]:
    return {
        name: Faults(rates=RATES, seed=seed, slow_s=0.001, retry_after_s=1)
        for seed, name in enumerate(("betatesting", "testflight", "betasend", "alexa"), start=11)
    }


@pytest.mark.timeout(240)  # 1,000 calls: the global 60 s hang guard is too tight on a loaded machine
async def test_a_thousand_calls_under_random_faults_end_clearly_and_never_write_twice(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fleet = make_box(sim_fields={name: {"faults": f} for name, f in faulty().items()})
    run = Run(fleet, seed=2026 if mode == "auto" else 2027)
    await run.run(mode)
    tally = run.tally

    # Every kind of fault actually happened, before and after writes executed.
    injected = [f.fault for sim in fleet for f in sim.faults.injected]
    kinds = Counter(f.kind for f in injected)
    assert set(kinds) >= {
        FaultKind.SERVER_ERROR,
        FaultKind.RATE_LIMITED,
        FaultKind.RESET,
        FaultKind.TIMEOUT,
        FaultKind.SLOW,
        FaultKind.TRUNCATED,
        FaultKind.NON_JSON,
    }, kinds
    assert sum(1 for f in injected if f.after_execute) >= 10
    assert tally.calls >= 1_000
    # Most calls still succeed (reads are retried), and the faults did surface as errors.
    assert tally.results > tally.errors > 20, tally
    assert tally.executed > 100 and tally.unknown > 0, tally

    # Zero duplicated writes at any simulator.
    for sim in fleet:
        writes = [s for s in sim.sent if is_write_request(sim.spec.operations, s.method, s.path)]
        if sim.name in KEYED:
            keys = [w.idempotency_key for w in sim.write_log]
            assert all(keys), f"{sim.name}: a write without an idempotency key"
            dupes = [k for k, n in Counter(keys).items() if n > 1]
            assert not dupes, f"{sim.name}: keys executed twice: {dupes}"
        else:
            retried = [s for s in writes if s.headers.get("x-request-attempt", "1") != "1"]
            assert not retried, f"{sim.name}: a write without an idempotency key was sent again"
        assert sim.write_log, f"{sim.name}: no write executed at all"

    # Nothing escaped as an unhandled exception on the server side.
    crashes = [r for r in caplog.records if r.exc_info is not None]
    assert not crashes, [r.getMessage() for r in crashes]


def is_write_request(ops: tuple[Operation, ...], method: str, path: str) -> bool:
    """Whether a request the client sent is one of the provider's write operations."""
    for op in ops:
        pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(op.path)) + "$"
        if op.is_write and op.method == method and re.search(pattern, path):
            return True
    return False


def betatesting_oauth() -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(
        provider="betatesting",
        token_url=f"{betatesting.SANDBOX_BASE_URL}/oauth/token",
        client_id=betatesting_sim.SANDBOX_CLIENT_ID,
        client_secret=SecretStr(betatesting_sim.SANDBOX_CLIENT_SECRET),
    )


@pytest.mark.parametrize("fault", ["500", "503", "429", "non_json", "truncated", "reset", "timeout"])
async def test_a_failing_token_endpoint_is_a_clear_error_not_a_credentials_one(mode: str, fault: str) -> None:
    faults = {"betatesting": Faults(), "alexa": Faults()}
    for f in faults.values():
        f.queue(fault, 8, method="POST", path="token")
    fleet = make_box(
        "betatesting",
        "alexa",
        sim_fields={name: {"faults": f} for name, f in faults.items()},
        auth={"betatesting": betatesting_oauth()},
    )
    test_id = Ids.of(fleet["betatesting"].state).test
    async with fleet.client(mode, answer="accept") as client:
        read = await client.call_tool("alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})
        write = await client.call_tool("betatesting_update_test", {"test_id": test_id, "description": "New"})
        for result in (read, write):
            assert result.is_error
            body = assert_clear(result)
            assert "Nothing was changed" in body and "refused our credentials" not in body
        assert fleet.writes == 0
        # Once the login service answers again, the same calls work.
        for f in faults.values():
            f.clear()
        again = await client.call_tool("alexa_get_beta_test", {"skill_id": DEMO_SKILL_ID})
    assert not again.is_error, text(again)
