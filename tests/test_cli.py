"""The command line: clear start-up errors, `tools`, and `call` through the same MCP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BETATESTING_", "BETAOPS_"))}
    return subprocess.run(
        [sys.executable, "-m", "betaops", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **(env or {})},
        stdin=subprocess.DEVNULL,
        cwd="/",
    )


def test_serve_without_credentials_says_what_to_set() -> None:
    done = run("serve")
    assert done.returncode == 2
    assert "BETATESTING_API_KEY" in done.stderr and "--sandbox" in done.stderr
    assert done.stdout == ""


def test_malformed_api_key_is_refused_at_start() -> None:
    done = run("serve", env={"BETATESTING_API_KEY": "sk_live_123"})
    assert done.returncode == 2 and "btst_" in done.stderr and "sk_live_123" not in done.stderr


def test_tools_lists_what_a_configuration_exposes() -> None:
    default = run("tools", "--sandbox")
    read_only = run("tools", "--sandbox", "--read-only")
    assert default.returncode == 0 and "betatesting_update_issue" in default.stdout
    assert "betatesting_update_issue" not in read_only.stdout and "betatesting_list_issues" in read_only.stdout


def test_unknown_toolset_is_a_clear_error() -> None:
    done = run("tools", "--sandbox", "--toolsets", "betatesting.nope")
    assert done.returncode == 2 and "betatesting.issues" in done.stderr


def test_call_runs_a_read_tool() -> None:
    done = run("call", "--sandbox", "betatesting_list_tests", "status=in_progress", "limit=2")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["count"] == 2 and all(t["status"] == "in_progress" for t in body["items"])


def test_call_write_with_yes_executes_and_without_shows_a_preview() -> None:
    listed = run("call", "--sandbox", "betatesting_list_tests", "status=in_progress", "limit=1")
    test_id = json.loads(listed.stdout)["items"][0]["id"]
    args = ("betatesting_change_test_stage", f"test_id={test_id}", "stage=pause")
    preview = run("call", "--sandbox", *args)
    assert json.loads(preview.stdout)["status"] == "confirmation_required"
    assert "(status in_progress)" in json.loads(preview.stdout)["preview"]
    done = run("call", "--sandbox", "--yes", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    body = json.loads(done.stdout)
    assert body["status"] == "executed" and body["result"]["status"] == "paused"


@pytest.mark.parametrize("bad", ["test_id", "=3"])
def test_call_rejects_arguments_that_are_not_key_value(bad: str) -> None:
    done = run("call", "--sandbox", "betatesting_get_test", bad)
    assert done.returncode != 0 and "key=value" in done.stderr
