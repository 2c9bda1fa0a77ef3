"""Every write attempt is on record before it is sent, and its outcome after; secrets never are."""

from __future__ import annotations

from pathlib import Path

import pytest

from betaops.core.audit import AuditLog, redact
from betaops.providers.betatesting.simulator.config import COMPANY_ID, SANDBOX_API_KEY, SimConfig
from betaops.sim.faults import Faults
from tests.support import Box, make_box

pytestmark = pytest.mark.anyio


def own_test_id(box: Box) -> int:
    test_id: int = next(
        t.id for t in box.state.tests.values() if t.company_id == COMPANY_ID and t.status == "in_progress"
    )
    return test_id


async def test_executed_write_has_an_attempt_and_an_outcome(tmp_path: Path, mode: str) -> None:
    log = tmp_path / "audit.jsonl"
    box = make_box("betatesting", audit=log)
    async with box.client(mode, answer="accept") as client:
        await client.call_tool("betatesting_update_test", {"test_id": own_test_id(box), "description": "v2"})
        await client.call_tool("betatesting_list_tests", {})
    records = AuditLog(log).read()
    assert [r["event"] for r in records] == ["attempt", "outcome"]
    attempt, outcome = records
    assert attempt["outcome"] == "unknown" and attempt["tool"] == "betatesting_update_test"
    assert attempt["arguments"]["description"] == "v2" and attempt["mode"] == "sandbox"
    assert outcome["id"] == attempt["id"] and outcome["outcome"] == "executed"
    assert SANDBOX_API_KEY not in log.read_text()


async def test_declined_write_is_not_an_attempt(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    box = make_box("betatesting", audit=log)
    async with box.client(answer="decline") as client:
        await client.call_tool("betatesting_update_test", {"test_id": own_test_id(box), "description": "v2"})
    assert AuditLog(log).read() == []


async def test_lost_response_is_recorded_as_unknown(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    faults = Faults()
    box = make_box("betatesting", audit=log, sims={"betatesting": SimConfig(faults=faults)}, max_retries=0)
    faults.queue("timeout_after_execute", method="PATCH")
    async with box.client(answer="accept") as client:
        result = await client.call_tool("betatesting_update_test", {"test_id": own_test_id(box), "description": "v3"})
    assert result.is_error
    assert [r["outcome"] for r in AuditLog(log).read()] == ["unknown", "unknown"]
    assert box.writes == 1  # it did happen; the log does not pretend to know


def test_secret_looking_arguments_are_redacted() -> None:
    assert redact({"api_key": "k", "nested": [{"client_secret": "s", "name": "n"}], "hash": "h"}) == {
        "api_key": "[redacted]",
        "nested": [{"client_secret": "[redacted]", "name": "n"}],
        "hash": "[redacted]",
    }
