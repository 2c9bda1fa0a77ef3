"""Provider failures become clear tool errors; retries happen only where they cannot do work twice."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from betaops.core.auth import OAuth2ClientCredentials, StaticBearer
from betaops.providers.betatesting.provider import SANDBOX_BASE_URL
from betaops.providers.betatesting.simulator.config import (
    COMPANY_ID,
    OTHER_COMPANY_ID,
    READONLY_CLIENT_ID,
    READONLY_CLIENT_SECRET,
    SIM_NOW,
    SimConfig,
)
from betaops.server.runtime import ConfirmMode
from betaops.sim.clock import FakeClock
from betaops.sim.faults import Faults
from tests.support import Box, confirming, make_box, text

pytestmark = pytest.mark.anyio


def own_test(box: Box, status: str | None = None) -> Any:
    return next(
        t for t in box.state.tests.values() if t.company_id == COMPANY_ID and (status is None or t.status == status)
    )


def an_issue(box: Box) -> Any:
    test = own_test(box, "in_progress")
    return next(i for i in box.state.issues.values() if i.test_id == test.id)


async def test_bad_api_key_says_which_variable_to_fix(mode: str) -> None:
    box = make_box("betatesting", auth={"betatesting": StaticBearer(SecretStr("btst_" + "x" * 64))})
    async with box.client(mode) as client:
        result = await client.call_tool("betatesting_list_tests", {})
    assert result.is_error
    assert "HTTP 401" in text(result) and "BETATESTING_API_KEY" in text(result)
    assert "x" * 64 not in text(result)


async def test_read_only_oauth_token_cannot_write(mode: str) -> None:
    auth = OAuth2ClientCredentials(
        provider="betatesting",
        token_url=f"{SANDBOX_BASE_URL}/oauth/token",
        client_id=READONLY_CLIENT_ID,
        client_secret=SecretStr(READONLY_CLIENT_SECRET),
        scope="api:read",
    )
    box = make_box("betatesting", auth={"betatesting": auth}, confirm=ConfirmMode.NEVER)
    issue = an_issue(box)
    box.state.issues[issue.id].priority = "high"  # so that "trivial" is a change
    async with box.client(mode) as client:
        read = await client.call_tool("betatesting_get_issue", {"test_id": issue.test_id, "issue_id": issue.id})
        write = await client.call_tool(
            "betatesting_update_issue", {"test_id": issue.test_id, "issue_id": issue.id, "priority": "trivial"}
        )
    assert not read.is_error
    assert write.is_error and "HTTP 403" in text(write) and "write scope" in text(write)
    assert "Nothing was changed" in text(write)
    assert box.writes == 0
    assert READONLY_CLIENT_SECRET not in text(write)


async def test_another_companys_id_is_not_found(box: Box, mode: str) -> None:
    foreign = next(t for t in box.state.tests.values() if t.company_id == OTHER_COMPANY_ID)
    async with box.client(mode) as client:
        result = await client.call_tool("betatesting_get_test", {"test_id": foreign.id})
    assert result.is_error and "HTTP 404" in text(result) and "list the parent resource" in text(result)


async def test_invalid_stage_change_reports_the_providers_reason(mode: str) -> None:
    box = make_box("betatesting", confirm=ConfirmMode.NEVER)
    closed = own_test(box, "closed")
    async with box.client(mode) as client:
        result = await client.call_tool("betatesting_change_test_stage", {"test_id": closed.id, "stage": "launch"})
    assert result.is_error and "HTTP 422" in text(result) and "Fix the rejected argument" in text(result)
    assert box.state.tests[closed.id].status == "closed"
    assert box.writes == 0


@pytest.mark.parametrize(
    "args",
    [
        {"test_id": 0, "issue_id": 1},
        {"test_id": 1, "issue_id": -5},
        {"test_id": 1, "issue_id": 1, "priority": "urgent"},
        {"test_id": 1, "issue_id": 1, "prioritty": "high"},
        {"test_id": 1, "issue_id": 1, "notes": "x" * 6000},
    ],
)
async def test_bad_arguments_stop_at_validation(box: Box, args: dict[str, Any]) -> None:
    async with box.client() as client:
        result = await client.call_tool("betatesting_update_issue", args)
    assert result.is_error and "nothing was changed" in text(result)
    assert box.state.requests == []


async def test_a_test_id_that_is_no_id_is_a_name_and_never_reaches_a_path(box: Box) -> None:
    async with box.client() as client:
        result = await client.call_tool("betatesting_update_issue", {"test_id": "../../community", "issue_id": 1})
    assert result.is_error and "no test (test_id) matches '../../community'" in text(result)
    assert [r.path.rsplit("/", 1)[-1] for r in box.state.requests] == ["tests"]  # the tests were listed, no more


async def test_write_over_the_providers_limit_reports_when_to_retry(mode: str) -> None:
    clock = FakeClock(SIM_NOW)
    box = make_box(
        "betatesting",
        sims={"betatesting": SimConfig(write_limit=2, write_window_s=60.0, clock=clock)},
        confirm=ConfirmMode.NEVER,
    )
    issue = an_issue(box)
    async with box.client(mode) as client:
        results = [
            await client.call_tool(
                "betatesting_update_issue", {"test_id": issue.test_id, "issue_id": issue.id, "priority": p}
            )
            for p in ("low", "medium", "high")
        ]
    assert [r.is_error for r in results] == [False, False, True]
    assert "HTTP 429" in text(results[2]) and "Retry after" in text(results[2])
    assert box.writes == 2


async def test_short_rate_limit_is_waited_out_and_retried(mode: str) -> None:
    clock = FakeClock(SIM_NOW)
    box = make_box(
        "betatesting",
        sims={"betatesting": SimConfig(write_limit=1, write_window_s=5.0, clock=clock)},
        confirm=ConfirmMode.NEVER,
    )
    issue = an_issue(box)
    async with box.client(mode) as client:
        for priority in ("low", "high"):
            result = await client.call_tool(
                "betatesting_update_issue", {"test_id": issue.test_id, "issue_id": issue.id, "priority": priority}
            )
            assert not result.is_error, text(result)
    assert box.state.issues[issue.id].priority == "high"
    assert any(s >= 1 for s in box.sleeps)  # honoured Retry-After
    assert box.writes == 2


async def test_lost_response_is_retried_under_the_same_key_and_replayed(mode: str) -> None:
    faults = Faults()
    box = make_box("betatesting", sims={"betatesting": SimConfig(faults=faults)}, confirm=ConfirmMode.NEVER)
    test = own_test(box, "in_progress")
    faults.queue("reset_after_execute", method="POST", path="/copy")
    async with box.client(mode) as client:
        result = await client.call_tool("betatesting_copy_test", {"test_id": test.id, "name": "Retry me"})
    assert not result.is_error, text(result)
    assert result.structured_content is not None and result.structured_content["replayed"] is True
    copies = [t for t in box.state.tests.values() if t.name == "Retry me"]
    assert len(copies) == 1
    assert box.writes == 1
    attempts = [r for r in box.state.requests if r.path.endswith("/copy")]
    assert len(attempts) == 2 and attempts[0].idempotency_key == attempts[1].idempotency_key


async def test_server_errors_on_reads_are_retried(mode: str) -> None:
    faults = Faults()
    box = make_box("betatesting", sims={"betatesting": SimConfig(faults=faults)})
    faults.queue("503", count=2, method="GET")
    async with box.client(mode) as client:
        result = await client.call_tool("betatesting_list_tests", {})
    assert not result.is_error, text(result)
    assert len(box.state.requests) == 3


async def test_unknown_outcome_is_said_plainly_and_the_token_can_be_reused(mode: str) -> None:
    faults = Faults()
    box = make_box("betatesting", sims={"betatesting": SimConfig(faults=faults)}, max_retries=0)
    test = own_test(box, "in_progress")
    args = {"test_id": test.id, "name": "Once only"}
    async with box.client(mode) as client:
        first = await client.call_tool("betatesting_copy_test", args)
        assert first.structured_content is not None
        token = confirming(first.structured_content)
        faults.queue("timeout_after_execute", method="POST", path="/copy")
        lost = await client.call_tool("betatesting_copy_test", {**args, **token})
        assert lost.is_error and "outcome is unknown" in text(lost)
        again = await client.call_tool("betatesting_copy_test", {**args, **token})
    assert again.structured_content is not None and again.structured_content["replayed"] is True
    assert len([t for t in box.state.tests.values() if t.name == "Once only"]) == 1
    assert box.writes == 1


async def test_unreadable_answer_to_a_read_is_asked_again_but_a_write_is_not(mode: str) -> None:
    """A write answered 2xx happened, whatever its body: it is reported as done and never repeated."""
    faults = Faults()
    box = make_box("betatesting", sims={"betatesting": SimConfig(faults=faults)}, confirm=ConfirmMode.NEVER)
    faults.queue("truncated", method="GET", path="/tests")
    test = own_test(box, "in_progress")
    async with box.client(mode) as client:
        read = await client.call_tool("betatesting_list_tests", {})
        assert not read.is_error, text(read)
        faults.queue("truncated_after_execute", method="PATCH")
        write = await client.call_tool("betatesting_update_test", {"test_id": test.id, "description": "once"})
    assert not write.is_error and write.structured_content is not None, text(write)
    assert write.structured_content["status"] == "executed"
    assert len([r for r in box.state.requests if r.method == "PATCH"]) == 1
    assert box.writes == 1 and box.state.tests[test.id].description == "once"
