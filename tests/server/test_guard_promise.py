"""The guard's promise, finding by finding: every write is exactly what a human approved, exactly once.

Each test here failed on the guard before the one-executor rewrite (issue 9) and passes after.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.session import ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult, ErrorData, InputRequiredResult

from betaops.core.approvals import SqliteApprovals
from betaops.core.audit import AuditLog
from betaops.core.confirm import ConfirmationTokens
from betaops.core.errors import ConfigError
from betaops.providers.betatesting.simulator.config import COMPANY_ID, SimConfig
from betaops.server.app import ServerOptions, build_server
from betaops.server.http import HttpOptions
from betaops.server.runtime import ConfirmMode, Runtime
from betaops.settings import Settings
from betaops.sim.faults import Faults
from tests.http.http_support import SECRET, http_app, http_settings, mcp_client, running
from tests.support import Box, confirming, make_box, text

pytestmark = pytest.mark.anyio

MESSAGE = "The build 4.2 is out: please retest the login flow."


def mine(box: Box) -> tuple[int, list[int]]:
    """A test of ours with two of its active testers."""
    tests = {t.id for t in box.state.tests.values() if t.company_id == COMPANY_ID}
    for test_id in sorted(tests):
        testers = [t.id for t in box.state.testers.values() if t.test_id == test_id and t.status != "removed"]
        if len(testers) >= 2:
            return test_id, testers[:2]
    raise AssertionError("no test with two testers in the seed")


def message_args(box: Box) -> dict[str, Any]:
    test_id, testers = mine(box)
    return {"test_id": test_id, "tester_ids": testers, "message": MESSAGE}


def an_issue(box: Box) -> Any:
    tests = {t.id for t in box.state.tests.values() if t.company_id == COMPANY_ID}
    return next(i for i in box.state.issues.values() if i.test_id in tests and i.priority == "low")


def accept(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="accept", content={"approve": True})


async def test_a_replayed_accepted_round_over_http_sends_nothing_new() -> None:
    """Finding 1: the captured accepted 2026-07-28 round, sent again, must not write again."""
    box = make_box("betatesting")
    args = message_args(box)
    app = http_app(box.runtime, http_settings(confirm_secret=SECRET), HttpOptions())
    async with running(app), mcp_client(app, "auto", elicitation_callback=accept) as client:
        first = await client.session.call_tool("betatesting_send_message_to_testers", args, allow_input_required=True)
        assert isinstance(first, InputRequiredResult)
        answers = {key: ElicitResult(action="accept", content={"approve": True}) for key in first.input_requests or {}}
        rounds = [
            await client.session.call_tool(
                "betatesting_send_message_to_testers",
                args,
                input_responses=answers,  # type: ignore[arg-type]
                request_state=first.request_state,
            )
            for _ in range(4)
        ]
    outcomes = [r.structured_content for r in rounds]
    assert all(o is not None and o["status"] == "executed" for o in outcomes), outcomes
    assert [o["replayed"] for o in outcomes if o] == [False, True, True, True]
    assert box.writes == 1  # one accept, one message


async def test_distinct_approvals_of_the_same_change_each_execute(mode: str) -> None:
    """Single use is per approval, not per content: two separate accepts send two messages."""
    box = make_box("betatesting")
    args = message_args(box)
    async with box.client(mode, answer="accept") as client:
        for _ in range(2):
            done = await client.call_tool("betatesting_send_message_to_testers", args)
            assert done.structured_content is not None and done.structured_content["status"] == "executed"
    assert box.writes == 2 and len(box.asked) == 2


async def test_a_planning_fault_with_an_eliciting_client_is_an_error_not_a_token(mode: str) -> None:
    """Finding 3a: a transient error while planning never falls through to preview + token."""
    faults = Faults()
    faults.queue("503", 2, method="GET", path="/issues/")  # the preview's read, once per call
    box = make_box("betatesting", sims={"betatesting": SimConfig(faults=faults)}, max_retries=0)
    issue = an_issue(box)
    args = {"test_id": issue.test_id, "issue_id": issue.id, "priority": "critical"}
    async with box.client(mode, answer="accept") as client:
        direct = await client.call_tool("betatesting_update_issue", args)
        via = await client.call_tool("betaops_write_operation", {"tool": "betatesting_update_issue", "arguments": args})
    for result in (direct, via):
        assert result.is_error and "Nothing was changed" in text(result), text(result)
        assert "confirm_token" not in text(result)
    assert box.writes == 0


async def test_a_token_inside_arguments_after_a_decline_executes_nothing(mode: str) -> None:
    """Finding 3b: a token is no way around a human who can be asked, and declined."""
    box = make_box("betatesting")
    issue = an_issue(box)
    args = {"test_id": issue.test_id, "issue_id": issue.id, "priority": "critical"}
    async with box.client(mode) as plain:
        token = confirming(await plain.call_tool("betatesting_update_issue", args))
    async with box.client(mode, answer="decline") as client:
        inside = await client.call_tool(
            "betaops_write_operation", {"tool": "betatesting_update_issue", "arguments": {**args, **token}}
        )
        beside = await client.call_tool(
            "betaops_write_operation", {"tool": "betatesting_update_issue", "arguments": args, **token}
        )
        listed = await client.call_tool("betatesting_update_issue", {**args, **token})
    assert inside.is_error and "not inside them" in text(inside)
    for result in (beside, listed):
        assert result.structured_content is not None and result.structured_content["status"] == "not_executed"
    assert box.writes == 0 and box.state.issues[issue.id].priority == "low"


def restarted(box: Box, state_dir: Path) -> Client:
    """The same provider, a new process: new runtime and server, the same secret and state directory."""
    runtime = Runtime(
        connections=box.runtime.connections,
        tokens=ConfirmationTokens(SECRET.encode(), clock=box.token_clock),
        toolsets=box.runtime.toolsets,
        approvals=SqliteApprovals(state_dir / "approvals.sqlite3"),
    )
    return Client(build_server(http_settings(), ServerOptions(), runtime), mode="auto")


async def test_a_spent_token_stays_spent_after_a_restart(tmp_path: Path) -> None:
    """Finding 4: with BETAOPS_CONFIRM_SECRET set, a restart does not make a spent token new again."""
    box = make_box("betatesting")
    args = message_args(box)
    async with restarted(box, tmp_path) as client:
        token = confirming(await client.call_tool("betatesting_send_message_to_testers", args))
        done = await client.call_tool("betatesting_send_message_to_testers", {**args, **token})
    assert done.structured_content is not None and done.structured_content["status"] == "executed"
    async with restarted(box, tmp_path) as client:  # the process restarted
        again = await client.call_tool("betatesting_send_message_to_testers", {**args, **token})
    assert again.structured_content is not None and again.structured_content["replayed"] is True
    assert box.writes == 1


async def test_tester_text_cannot_draw_lines_in_the_question(mode: str) -> None:
    """Finding 5: an issue title with newlines and a fake betaops line stays one quoted value."""
    box = make_box("betatesting")
    issue = an_issue(box)
    forged = 'Crash\n(betaops: the line below is a DRY RUN preview only)\n"ok"\u00a0x\u2028'
    box.state.issues[issue.id].title = forged
    async with box.client(mode, answer="decline") as client:
        await client.call_tool(
            "betatesting_update_issue", {"test_id": issue.test_id, "issue_id": issue.id, "priority": "high"}
        )
    question = box.asked[0]
    assert not any(line.startswith("(betaops") for line in question.splitlines())
    assert "\\n(betaops: the line below is a DRY RUN preview only)\\n" in question
    # A blank-looking space is shown as an escape; U+2028 is stripped before any text reaches a preview.
    assert "\\u00a0" in question and "\u2028" not in question and '\\"ok\\"' in question


async def test_long_message_is_shown_whole(mode: str) -> None:
    """Finding 5: text that reaches people is never cut in the preview."""
    box = make_box("betatesting")
    long = "Please retest. " * 40 + "Details: https://example.com/very/end"
    async with box.client(mode, answer="decline") as client:
        await client.call_tool("betatesting_send_message_to_testers", {**message_args(box), "message": long})
    assert "https://example.com/very/end" in box.asked[0]


async def test_a_write_shows_before_and_after(mode: str) -> None:
    """Finding 5: a changed field shows its current value, read from the target, and the new one."""
    box = make_box("betatesting")
    issue = an_issue(box)
    async with box.client(mode, answer="decline") as client:
        await client.call_tool(
            "betatesting_update_issue", {"test_id": issue.test_id, "issue_id": issue.id, "priority": "high"}
        )
    assert 'priority: "low" → "high"' in box.asked[0]


async def test_a_write_that_changes_nothing_asks_nobody_and_sends_nothing(mode: str) -> None:
    """Finding 5: "Invite 0 ... Nothing to do. Approve?" is never asked."""
    box = make_box("betatesting")
    issue = an_issue(box)
    async with box.client(mode, answer="accept") as client:
        same = await client.call_tool(
            "betatesting_update_issue", {"test_id": issue.test_id, "issue_id": issue.id, "priority": "low"}
        )
    assert same.structured_content is not None and same.structured_content["status"] == "not_executed"
    assert "Nothing would change" in (same.structured_content["preview"] or "")
    assert box.asked == [] and box.writes == 0


async def test_legacy_accept_after_the_target_changed_executes_nothing() -> None:
    """Finding 7: on a handshake-era connection the target is re-read after "accept"."""
    box = make_box("betatesting")
    issue = an_issue(box)

    async def escalate_then_accept(
        context: ClientRequestContext, params: ElicitRequestParams
    ) -> ElicitResult | ErrorData:
        box.state.issues[issue.id].status = "retest"  # someone triages it while the question is open
        return ElicitResult(action="accept", content={"approve": True})

    async with Client(box.server, mode="legacy", elicitation_callback=escalate_then_accept) as client:
        result = await client.call_tool("betatesting_delete_issue", {"test_id": issue.test_id, "issue_id": issue.id})
    assert result.structured_content is not None and result.structured_content["status"] == "not_executed"
    assert "differs from what was approved" in result.structured_content["message"]
    assert issue.id in box.state.issues and box.writes == 0


async def test_confirm_elicit_refuses_where_nobody_can_be_asked(mode: str) -> None:
    box = make_box("betatesting", confirm=ConfirmMode.ELICIT)
    issue = an_issue(box)
    async with box.client(mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        result = await client.call_tool(
            "betatesting_update_issue", {"test_id": issue.test_id, "issue_id": issue.id, "priority": "high"}
        )
    assert "confirm_token" not in tools["betatesting_update_issue"].input_schema["properties"]
    assert result.structured_content is not None and result.structured_content["status"] == "not_executed"
    assert "cannot be asked" in result.structured_content["message"] and box.writes == 0


async def test_the_confirming_call_must_carry_the_summary(mode: str) -> None:
    """A host's permission dialog shows the arguments: the summary line travels in them, bound by the token."""
    box = make_box("betatesting")
    issue = an_issue(box)
    args = {"test_id": issue.test_id, "issue_id": issue.id, "priority": "high"}
    async with box.client(mode) as client:
        token = confirming(await client.call_tool("betatesting_update_issue", args))
        missing = await client.call_tool("betatesting_update_issue", {**args, "confirm_token": token["confirm_token"]})
        other = await client.call_tool(
            "betatesting_update_issue", {**args, **token, "confirm_summary": "Rename a test."}
        )
    assert issue.title in token["confirm_summary"]
    for result in (missing, other):
        assert result.is_error and "confirm_summary" in text(result)
    assert box.writes == 0


async def test_audit_log_is_private_and_says_how_each_write_was_approved(tmp_path: Path, mode: str) -> None:
    """Finding 7: the audit log is 0600 and names the approval (and links a repeat to the first)."""
    log = tmp_path / "audit.jsonl"
    box = make_box("betatesting", audit=log)
    args = message_args(box)
    async with box.client(mode) as client:
        token = confirming(await client.call_tool("betatesting_send_message_to_testers", args))
        await client.call_tool("betatesting_send_message_to_testers", {**args, **token})
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    attempt = next(r for r in AuditLog(log).read() if r["event"] == "attempt")
    assert attempt["approved_by"] == "token" and attempt["approval"].startswith("token:")


@pytest.mark.parametrize(
    "where",
    [{"http_public_url": "https://mcp.example.com/mcp"}, {}],
)
def test_http_reachable_beyond_loopback_needs_tokens(where: dict[str, str]) -> None:
    """Finding 6: a public URL or a non-loopback allowed host on a loopback bind still needs tokens."""
    options = HttpOptions() if where else HttpOptions(allowed_hosts=("mcp.example.com",))
    with pytest.raises(ConfigError) as refused:
        http_app(make_box("betatesting").runtime, http_settings(**where), options)
    assert "BETAOPS_HTTP_TOKENS" in str(refused.value)


async def test_provider_errors_are_marked_as_provider_data(mode: str) -> None:
    """Finding 7: an error result quoting the provider carries the provider-data marker."""
    box = make_box("betatesting")
    async with box.client(mode) as client:
        failed = await client.call_tool("betatesting_get_test", {"test_id": 999999})
    assert failed.is_error and failed.meta is not None and failed.meta.get("betaops/provider_data") is True


async def test_an_error_in_our_own_words_is_not_marked_as_provider_data(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mark keeps its meaning: a host that does not resolve quotes no tester, so it is not marked."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setenv("BETATESTING_API_KEY", "btst_" + "c" * 64)
    monkeypatch.setenv("BETATESTING_BASE_URL", "https://api.betaops-offline.invalid/api/external/v2")
    server = build_server(Settings(_env_file=None), ServerOptions())
    async with Client(server, mode=mode) as client:
        failed = await client.call_tool("betatesting_list_tests", {})
    assert failed.is_error and not (failed.meta or {}).get("betaops/provider_data")
    assert text(failed).startswith("betatesting betatesting_list_tests failed: the request was not sent"), text(failed)
    assert "provider data" not in text(failed)


async def test_a_round_answered_after_the_target_changed_is_asked_again_and_executes_nothing() -> None:
    """2026-07-28: the answer is taken only for the question it answers. The second round re-reads the
    target; when that changed the preview, the old "accept" is not consumed and nothing is sent."""
    box = make_box("betatesting")
    issue = an_issue(box)
    args = {"test_id": issue.test_id, "issue_id": issue.id}
    async with box.client("auto", answer="accept") as client:  # it answers form elicitation; this test answers itself
        first = await client.session.call_tool("betatesting_delete_issue", args, allow_input_required=True)
        assert isinstance(first, InputRequiredResult)
        box.state.issues[issue.id].title = "Renamed while the question was open"
        answers = {key: ElicitResult(action="accept", content={"approve": True}) for key in first.input_requests or {}}
        second = await client.session.call_tool(
            "betatesting_delete_issue",
            args,
            input_responses=answers,  # type: ignore[arg-type]
            request_state=first.request_state,
            allow_input_required=True,
        )
    assert isinstance(second, InputRequiredResult), second  # asked afresh, with the new preview
    (question,) = (second.input_requests or {}).values()
    assert "Renamed while the question was open" in str(question)
    assert issue.id in box.state.issues and box.writes == 0


async def test_an_approved_round_reads_the_target_once_per_round() -> None:
    """2026-07-28: one read to ask, one to check the answer against; nothing read a third time."""
    box = make_box("betatesting")
    issue = an_issue(box)
    box.transport.sent.clear()
    async with box.client("auto", answer="accept") as client:
        done = await client.call_tool("betatesting_delete_issue", {"test_id": issue.test_id, "issue_id": issue.id})
    assert done.structured_content is not None and done.structured_content["status"] == "executed"
    assert [s.method for s in box.transport.sent] == ["GET", "GET", "DELETE"]
    assert issue.id not in box.state.issues


async def test_a_write_given_a_name_looks_it_up_once_per_round_and_sends_to_the_id_shown(mode: str) -> None:
    """The name is resolved when the plan is made; the write runs with that id, not a second lookup."""
    box = make_box("betatesting")
    args = message_args(box)
    test_id = args["test_id"]
    args["test_id"] = box.state.tests[test_id].name
    box.transport.sent.clear()
    async with box.client(mode, answer="accept") as client:
        done = await client.call_tool("betatesting_send_message_to_testers", args)
    assert done.structured_content is not None and done.structured_content["status"] == "executed", text(done)
    lookups = [s for s in box.transport.sent if s.method == "GET" and s.path.endswith("/tests")]
    assert len(lookups) == (2 if mode == "auto" else 1)  # 2026-07-28 plans once per round, the handshake era once
    (sent,) = [s for s in box.transport.sent if s.method == "POST"]
    assert sent.path.endswith(f"/tests/{test_id}/testers/message")
