"""The three MCP Apps in a real headless Chromium, inside a test page that plays the host.

The test page is the host side of the Apps bridge (JSON-RPC over postMessage): it answers
`ui/initialize`, delivers `ui/notifications/tool-input` and `tool-result`, and hands each `tools/call`
the app sends to this test, which forwards it to the real betaops server through an MCP client that
declares the Apps extension, and posts the answer back. Clicks are real clicks in the page.

Screenshots of each app, light and dark, are written to the test's temp folder; with
UPDATE_SCREENSHOTS=1 they are written to docs/apps/ (the README shows those).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.types import CallToolResult

from betaops.server.apps import APPROVE_TOOL, BOARD, CARD, REPORT
from tests.server.test_guard import an_issue, update_args
from tests.server.test_invite_everywhere import PEOPLE, TARGETS, everywhere
from tests.support import Box, approval_client, make_box

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=800,1600",
    "--hide-scrollbars",
)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "apps"

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="Debian's chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver); "
        ".ci/run installs them",
    ),
    pytest.mark.timeout(120),
]

HOST_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>test host</title>
<style>body{margin:0;padding:0}iframe{border:0;width:760px;height:120px;display:block}</style></head>
<body><iframe id="app" sandbox="allow-scripts"></iframe><script>
const frame = document.getElementById("app");
window.appCalls = []; window.initialized = false; window.theme = "light";
function post(msg) { frame.contentWindow.postMessage(msg, "*"); }
window.addEventListener("message", (e) => {
  if (e.source !== frame.contentWindow) return;
  const m = e.data || {};
  if (m.method === "ui/initialize") post({jsonrpc: "2.0", id: m.id, result: {protocolVersion: "2026-01-26",
    hostInfo: {name: "betaops-test-host", version: "1"}, hostCapabilities: {serverTools: {}},
    hostContext: {theme: window.theme, displayMode: "inline"}}});
  else if (m.method === "ui/notifications/initialized") window.initialized = true;
  else if (m.method === "ui/notifications/size-changed") frame.style.height = Math.max(60, m.params.height) + "px";
  else if (m.method === "tools/call") window.appCalls.push(m);
});
window.send = post;
window.load = (html, theme) => {
  window.theme = theme; window.initialized = false;
  document.body.style.background = theme === "dark" ? "#0d0f12" : "#ffffff";
  frame.srcdoc = html;
};
</script></body></html>"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    page = tmp_path_factory.mktemp("host") / "host.html"
    page.write_text(HOST_PAGE)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.get(page.as_uri())
    try:
        yield driver
    finally:
        driver.quit()


def wire(result: CallToolResult) -> dict[str, Any]:
    """A tool result as the host relays it to the app: the JSON-RPC `result`, `_meta` included."""
    data: dict[str, Any] = result.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


class Host:
    """The host side of the bridge, driven from the test: it shows an app and serves its tool calls."""

    def __init__(self, driver: Any, client: Client, shots: Path) -> None:
        self.driver = driver
        self.client = client
        self.shots = shots
        self.calls: list[tuple[str, dict[str, Any]]] = []  # every tools/call the app made, in order

    async def js(self, script: str, *args: Any) -> Any:
        return await anyio.to_thread.run_sync(lambda: self.driver.execute_script(script, *args))

    async def in_frame(self, action: Callable[[], Any]) -> Any:
        """Run `action` with the driver inside the app's iframe (the page the human sees)."""

        def run() -> Any:
            self.driver.switch_to.frame(self.driver.find_element("id", "app"))
            try:
                return action()
            finally:
                self.driver.switch_to.default_content()

        return await anyio.to_thread.run_sync(run)

    async def in_app(self, script: str, *args: Any) -> Any:
        return await self.in_frame(lambda: self.driver.execute_script(script, *args))

    async def until(self, script: str, *args: Any, app: bool = True) -> Any:
        """Wait (polling, up to about 20 s) for a condition in the app; fail saying which."""
        for _ in range(400):
            value = await (self.in_app(script, *args) if app else self.js(script, *args))
            if value:
                return value
            await anyio.sleep(0.05)
        page = await self.in_app("return document.body.innerText")
        raise AssertionError(f"never true: {script}\nthe app shows: {page}")

    async def show(self, uri: str, tool: str, args: dict[str, Any], theme: str = "light") -> CallToolResult:
        """Load the app's `ui://` document, call its tool on the real server, and deliver the result."""
        contents = (await self.client.read_resource(uri)).contents[0]
        await self.js("window.load(arguments[0], arguments[1])", getattr(contents, "text", ""), theme)
        await self.until("return window.initialized", app=False)
        result = await self.client.call_tool(tool, args)
        await self.js("window.send(arguments[0])", notification("tool-input", {"arguments": args}))
        await self.js("window.send(arguments[0])", notification("tool-result", wire(result)))
        return result

    async def click(self, selector: str) -> None:
        await self.until("return document.querySelector(arguments[0]) !== null", selector)
        await self.in_frame(lambda: self.driver.find_element("css selector", selector).click())

    async def choose(self, selector: str, value: str) -> None:
        """Pick an option of a select, as a user does (through the browser's own Select handling)."""
        from selenium.webdriver.support.select import Select

        await self.until("return document.querySelector(arguments[0]) !== null", selector)
        await self.in_frame(lambda: Select(self.driver.find_element("css selector", selector)).select_by_value(value))

    async def serve(self, count: int = 1) -> list[CallToolResult]:
        """Forward the app's next `count` tools/call requests to the server and answer them."""
        answers = []
        for _ in range(count):
            await self.until("return window.appCalls.length > 0", app=False)
            call = await self.js("return window.appCalls.shift()")
            name, arguments = call["params"]["name"], call["params"].get("arguments", {})
            self.calls.append((name, arguments))
            result = await self.client.call_tool(name, arguments)
            await self.js("window.send(arguments[0])", {"jsonrpc": "2.0", "id": call["id"], "result": wire(result)})
            answers.append(result)
        return answers

    async def serve_until(self, script: str) -> None:
        """Serve the app's tool calls (a job it follows, say) until a condition holds in the app."""
        for _ in range(400):
            if await self.in_app(script):
                return
            if await self.js("return window.appCalls.length > 0"):
                await self.serve()
            else:
                await anyio.sleep(0.05)
        raise AssertionError(f"never true: {script}")

    async def screenshot(self, name: str) -> None:
        """The app's frame as a PNG: in the test's folder, and in docs/apps/ with UPDATE_SCREENSHOTS=1."""
        await anyio.sleep(0.2)  # let the frame take the height the app reported
        path = self.shots / f"{name}.png"
        await anyio.to_thread.run_sync(lambda: self.driver.find_element("id", "app").screenshot(str(path)))
        assert path.stat().st_size > 1000
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS / path.name)


def notification(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": f"ui/notifications/{kind}", "params": params}


def apps_client(box: Box) -> Client:
    return approval_client(box.server, [], "auto", apps=True)


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_approve_on_the_card_runs_the_write_once(browser: Any, box: Box, tmp_path: Path, theme: str) -> None:
    issue = an_issue(box, priority="low")
    async with apps_client(box) as client:
        host = Host(browser, client, tmp_path)
        await host.show(CARD, "betatesting_update_issue", update_args(issue), theme)
        head = await host.until("const h = document.querySelector('[data-role=head]'); return h && h.textContent")
        assert head.startswith("Update an issue")
        changes = await host.in_app("return document.querySelector('[data-role=changes]').textContent")
        assert "priority" in changes and '"low"' in changes and '"critical"' in changes
        await host.screenshot(f"approval-card-{theme}")
        assert box.writes == 0
        await host.click("[data-action=approve]")
        (answer,) = await host.serve()
        outcome = await host.until("const o = document.querySelector('[data-outcome]'); return o && o.dataset.outcome")
    assert host.calls == [(APPROVE_TOOL, {"approval": host.calls[0][1]["approval"], "approve": True})]
    assert outcome == "executed" and not answer.is_error
    assert box.state.issues[issue.id].priority == "critical" and box.writes == 1


async def test_decline_on_the_card_runs_nothing(browser: Any, box: Box, tmp_path: Path) -> None:
    issue = an_issue(box, priority="low")
    async with apps_client(box) as client:
        host = Host(browser, client, tmp_path)
        await host.show(CARD, "betatesting_delete_issue", {"test_id": issue.test_id, "issue_id": issue.id})
        details = await host.until("const d = document.querySelector('[data-role=details]'); return d && d.textContent")
        assert "cannot be undone" in details
        await host.click("[data-action=decline]")
        await host.serve()
        outcome = await host.until("const o = document.querySelector('[data-outcome]'); return o && o.dataset.outcome")
        message = await host.in_app("return document.querySelector('[data-outcome]').textContent")
    assert [(name, args["approve"]) for name, args in host.calls] == [(APPROVE_TOOL, False)]
    assert outcome == "not_executed" and "The user declined." in message
    assert issue.id in box.state.issues and box.writes == 0


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_the_board_updates_selected_issues_through_a_card(
    browser: Any, box: Box, tmp_path: Path, theme: str
) -> None:
    issue = an_issue(box, priority="low")
    test_id = issue.test_id
    async with apps_client(box) as client:
        host = Host(browser, client, tmp_path)
        listed = await host.show(BOARD, "betatesting_list_issues", {"test_id": test_id, "limit": 8}, theme)
        items = (listed.structured_content or {})["items"]
        await host.until("return document.querySelectorAll('[data-item]').length === arguments[0]", len(items))
        groups = await host.in_app("return [...document.querySelectorAll('[data-group]')].map(g => g.dataset.group)")
        assert set(groups) == {i["priority"] for i in items}  # grouped by priority first
        picked = [i for i in items if i["status"] != "complete"][:2]
        for item in picked:
            await host.click(f"[data-select='{item['id']}']")
        await host.choose("[data-role=set-field]", "status")
        await host.choose("[data-role=set-value]", "complete")
        await host.screenshot(f"triage-board-{theme}")
        await host.click("[data-action=bulk]")
        await host.serve()
        await host.until("return document.querySelector('#card [data-role=card]') !== null")
        assert box.writes == 0
        await host.click("#card [data-action=approve]")
        await host.serve()
        outcome = await host.until(
            "const o = document.querySelector('#card [data-outcome]'); return o && o.dataset.outcome"
        )
    bulk_name, bulk_args = host.calls[0]
    assert bulk_name == "betatesting_update_issues"
    assert bulk_args == {"test_id": test_id, "changes": [{"issue_id": i["id"], "status": "complete"} for i in picked]}
    assert host.calls[1][0] == APPROVE_TOOL and host.calls[1][1]["approve"] is True
    assert outcome == "executed"
    assert all(box.state.issues[i["id"]].status == "complete" for i in picked)


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_the_invite_report_shows_each_target_and_email(browser: Any, tmp_path: Path, theme: str) -> None:
    server, _ = everywhere()
    async with approval_client(server, [], "auto", apps=True) as client:
        host = Host(browser, client, tmp_path)
        await host.show(REPORT, "betaops_invite_testers", {"people": PEOPLE, "targets": TARGETS}, theme)
        await host.click("[data-action=approve]")
        (answer,) = await host.serve()
        await host.until("return document.querySelector('[data-role=report]') !== null")
        report = await host.in_app("return document.querySelector('[data-role=report]').textContent")
        await host.screenshot(f"invite-report-{theme}")
    assert (answer.structured_content or {})["status"] == "executed"
    for target in (answer.structured_content or {})["result"]["targets"]:
        assert target["target"] in report
        for emails in target["emails"].values():
            assert all(email in report for email in emails)


async def test_the_invite_report_follows_a_bulk_job_until_it_ends(browser: Any, tmp_path: Path) -> None:
    box = make_box(toolsets=None)
    runtime, server = box.runtime, box.server
    assert runtime.jobs is not None
    runtime.jobs.inline_s = 0  # the approving call answers "running" at once: the report follows the job
    people = [f"tester{n}@example.com" for n in range(60)]
    invite = {"people": people, "targets": [{"provider": "betasend", "id": "5"}]}
    async with approval_client(server, [], "auto", apps=True) as client:
        host = Host(browser, client, tmp_path)
        await host.show(REPORT, "betaops_invite_testers", invite)
        await host.click("[data-action=approve]")
        (answer,) = await host.serve()
        assert (answer.structured_content or {})["status"] == "running"
        await host.serve_until(
            "const j = document.querySelector('[data-role=job]'); return j && j.dataset.state === 'done'"
        )
        report = await host.in_app("return document.querySelector('[data-role=report]').textContent")
    polls = [args for name, args in host.calls if name == "betaops_job_status"]
    assert polls and all(args == {"job_id": answer.structured_content["job_id"]} for args in polls)
    assert "Betasend list 5" in report and all(email in report for email in people)
