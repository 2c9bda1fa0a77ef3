"""Smoke-test an installed betaops over stdio: what a desktop host does first, as raw JSON-RPC.

    python scripts/stdio_smoke.py COMMAND [ARG ...]     e.g. venv/bin/betaops serve --sandbox
    python scripts/stdio_smoke.py --bundle DIR          an unpacked .mcpb bundle, started as a host
                                                        starts it: its manifest's mcp_config, with
                                                        ${__dirname} filled in, every user_config left
                                                        blank (an empty string), plus --sandbox

initialize, tools/list, prompts/list and prompts/get (the prompts shipped as betaops/_prompts),
one sandbox read (betatesting_list_tests), and one TestFlight read through betaops_read_operation
(the TestFlight simulator reads the spec/*.json files shipped in the package). Exits 1 with the
reason on the first failure. Standard library only, so it runs under any interpreter.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from typing import Any

PROMPTS = {"triage-new-issues", "invite-testers", "weekly-beta-report", "launch-checklist", "tester-follow-up"}
TIMEOUT_S = 120


class Session:
    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        self.next_id = 0
        self.deadline = time.monotonic() + TIMEOUT_S

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        assert self.proc.stdout is not None
        while time.monotonic() < self.deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit(f"smoke: the server exited during {method}: {self.stderr()}")
            message: dict[str, Any] = json.loads(line)
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise SystemExit(f"smoke: {method} failed: {message['error']}")
                return dict(message["result"])
        raise SystemExit(f"smoke: no answer to {method} within {TIMEOUT_S} s")

    def stderr(self) -> str:
        self.close()
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode(errors="replace")[-2000:]

    def close(self) -> None:
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"smoke: {what}")
    print(f"smoke: ok  {what}")


def structured(result: dict[str, Any], what: str) -> dict[str, Any]:
    if result.get("isError") or not isinstance(result.get("structuredContent"), dict):
        raise SystemExit(f"smoke: {what}: {json.dumps(result.get('content'))[:1000]}")
    check(True, what)
    return dict(result["structuredContent"])


def bundle_command(folder: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment a desktop host would start an unpacked bundle with."""
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as file:
        manifest = json.load(file)
    config = manifest["server"]["mcp_config"]
    argv = [config["command"], *(a.replace("${__dirname}", os.path.abspath(folder)) for a in config["args"])]
    blank = {k: re.sub(r"\$\{user_config\.\w+\}", "", v) for k, v in config.get("env", {}).items()}
    return [*argv, "--sandbox"], {**os.environ, **blank}


def main(argv: list[str]) -> None:
    env = None
    if argv[0] == "--bundle":
        argv, env = bundle_command(argv[1])
        print(f"smoke: starting the bundle as a host would: {' '.join(argv)}")
    session = Session(argv, env)
    try:
        info = session.request(
            "initialize",
            {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "betaops-smoke", "version": "0"},
            },
        )
        check(info["serverInfo"]["name"] == "betaops", f"initialize: {info['serverInfo']}")
        session.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        tools = {t["name"] for t in session.request("tools/list", {})["tools"]}
        check({"betatesting_list_tests", "betaops_read_operation"} <= tools, f"tools/list: {len(tools)} tools")
        prompts = {p["name"] for p in session.request("prompts/list", {})["prompts"]}
        check(prompts >= PROMPTS, f"prompts/list: {sorted(prompts)}")
        got = session.request("prompts/get", {"name": "triage-new-issues", "arguments": {"test_id": "4103"}})
        check(bool(got.get("messages")), "prompts/get triage-new-issues has messages")
        tests = structured(
            session.request("tools/call", {"name": "betatesting_list_tests", "arguments": {"limit": 1}}),
            "tools/call betatesting_list_tests (sandbox read)",
        )
        check(tests["count"] == 1, f"betatesting_list_tests returned {tests['count']} test")
        apps = structured(
            session.request(
                "tools/call",
                {"name": "betaops_read_operation", "arguments": {"tool": "testflight_list_apps", "arguments": {}}},
            ),
            "tools/call testflight_list_apps through betaops_read_operation (spec files shipped)",
        )
        check(apps.get("count", 0) >= 1, f"testflight_list_apps returned {apps.get('count')} apps")
    finally:
        session.close()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    main(sys.argv[1:])
