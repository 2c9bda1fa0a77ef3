"""`logging/setLevel` (legacy era) and the per-request log level (2026-07-28) govern betaops' log messages."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator

import pytest
from mcp import Client, MCPError
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp.types import LoggingLevel, LoggingMessageNotificationParams

from betaops.server.runtime import ConfirmMode
from tests.http.http_support import WRITE
from tests.support import Box, make_box, text

pytestmark = pytest.mark.anyio

ARGS = {"test_id": 4103, "stage": "pause"}


@pytest.fixture
def unattended() -> Box:
    return make_box("betatesting", confirm=ConfirmMode.NEVER)  # writes run at once, logging "executing <tool>" at INFO


@pytest.fixture(autouse=True)
def _betaops_logs_at_info(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.INFO, logger="betaops")
    yield


class Inbox:
    def __init__(self) -> None:
        self.messages: list[LoggingMessageNotificationParams] = []

    async def __call__(self, params: LoggingMessageNotificationParams) -> None:
        self.messages.append(params)

    def executing(self) -> list[LoggingMessageNotificationParams]:
        return [m for m in self.messages if str(m.data).startswith(f"executing {WRITE} ")]


async def set_level(client: Client, level: LoggingLevel) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)  # the SDK marks the legacy request deprecated
        await client.set_logging_level(level)


async def test_legacy_server_advertises_logging_and_sends_nothing_unasked(unattended: Box) -> None:
    inbox = Inbox()
    async with Client(unattended.server, mode="legacy", logging_callback=inbox) as client:
        assert client.server_capabilities.logging is not None
        result = await client.call_tool(WRITE, ARGS)
    assert not result.is_error, text(result)
    assert inbox.messages == []


async def test_legacy_set_level_sends_records_at_or_above_it(unattended: Box) -> None:
    inbox = Inbox()
    async with Client(unattended.server, mode="legacy", logging_callback=inbox) as client:
        await set_level(client, "info")
        result = await client.call_tool(WRITE, ARGS)
    assert not result.is_error, text(result)
    [message] = inbox.executing()
    assert message.level == "info"
    assert message.logger == "betaops.server.guard"


async def test_legacy_set_level_above_filters_lower_records(unattended: Box) -> None:
    inbox = Inbox()
    async with Client(unattended.server, mode="legacy", logging_callback=inbox) as client:
        await set_level(client, "info")
        await set_level(client, "warning")  # the latest choice wins
        await client.call_tool(WRITE, ARGS)
    assert inbox.executing() == []
    assert unattended.writes == 1


async def test_the_level_belongs_to_one_connection(unattended: Box) -> None:
    asked, other = Inbox(), Inbox()
    async with (
        Client(unattended.server, mode="legacy", logging_callback=asked) as first,
        Client(unattended.server, mode="legacy", logging_callback=other) as second,
    ):
        await set_level(first, "debug")
        await second.call_tool(WRITE, ARGS)
        await first.call_tool(WRITE, {**ARGS, "stage": "resume"})
    assert other.messages == []
    assert len(asked.executing()) == 1


async def test_modern_clients_opt_in_per_request(unattended: Box) -> None:
    opted, silent = Inbox(), Inbox()
    async with Client(unattended.server, mode="auto", logging_callback=opted, log_level="info") as client:
        await client.call_tool(WRITE, ARGS)
    async with Client(unattended.server, mode="auto", logging_callback=silent) as client:
        await client.call_tool(WRITE, {**ARGS, "stage": "resume"})
    assert [m.level for m in opted.executing()] == ["info"]
    assert silent.messages == []


async def test_modern_clients_cannot_call_set_level(unattended: Box) -> None:
    async with Client(unattended.server, mode="auto") as client:
        with pytest.raises(MCPError) as refused:
            await set_level(client, "info")
    assert refused.value.error.code == -32601


async def test_a_failed_call_still_delivers_its_records(mode: str) -> None:
    box = make_box("betatesting", confirm=ConfirmMode.NEVER)
    box.state.tests.pop(4103)  # the provider answers 404, logged at INFO by the client layer
    inbox = Inbox()
    async with Client(box.server, mode=mode, logging_callback=inbox, log_level="info") as client:
        if mode == "legacy":
            await set_level(client, "info")
        result = await client.call_tool(WRITE, ARGS)
    assert result.is_error
    assert any("-> HTTP 404" in str(m.data) for m in inbox.messages), inbox.messages
