"""Cold start: process start to answered `initialize` + `tools/list` over stdio.

`betaops serve --sandbox` (four providers, their simulators, the default tool surface) next to the
floor: a bare MCP server with one tool, on the same SDK and interpreter, measured in the same run
and interleaved with it. Raw JSON-RPC over pipes, so no client library time is counted.

Run: python bench/cold_start.py [runs]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from benchlib import Table, median

FLOOR = """
from mcp.server import MCPServer

server = MCPServer("floor")


@server.tool()
def ping() -> str:
    '''Answer pong.'''
    return "pong"


server.run()
"""
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}},
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}


def _send(proc: subprocess.Popen[bytes], message: dict[str, Any]) -> None:
    assert proc.stdin is not None
    proc.stdin.write((json.dumps(message) + "\n").encode())
    proc.stdin.flush()


def _answer(proc: subprocess.Popen[bytes], wanted: int) -> dict[str, Any]:
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the server closed stdout (exit {proc.poll()})")
        message: dict[str, Any] = json.loads(line)
        if message.get("id") == wanted:
            return message


def once(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(seconds to the initialize answer, seconds to the tools/list answer, tools listed)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:
        _send(proc, INITIALIZE)
        _answer(proc, 1)
        initialized = time.perf_counter() - start
        _send(proc, INITIALIZED)
        _send(proc, LIST)
        tools = _answer(proc, 2)["result"]["tools"]
        listed = time.perf_counter() - start
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return initialized, listed, len(tools)


def run(runs: int = 7) -> Table:
    state = tempfile.mkdtemp(prefix="betaops-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BETATESTING_", "BETAOPS_", "TESTFLIGHT_"))}
    env["XDG_STATE_HOME"] = state  # nothing written where a user keeps state
    subjects = {
        "betaops serve --sandbox": [sys.executable, "-m", "betaops", "serve", "--sandbox"],
        "bare MCP server, one tool (floor)": [sys.executable, "-c", FLOOR],
    }
    for argv in subjects.values():  # warm the file cache and bytecode once, uncounted
        once(argv, env)
    timings: dict[str, list[tuple[float, float, int]]] = {name: [] for name in subjects}
    for _ in range(runs):
        for name, argv in subjects.items():  # interleaved, so drift hits both alike
            timings[name].append(once(argv, env))
    table = Table(
        f"Cold start over stdio ({runs} runs each, interleaved; medians)",
        ["server", "tools listed", "to initialize", "to tools/list", "min to tools/list"],
    )
    medians: dict[str, float] = {}
    for name, results in timings.items():
        medians[name] = median([r[1] for r in results])
        table.rows.append(
            [
                name,
                str(results[0][2]),
                f"{median([r[0] for r in results]) * 1000:.0f} ms",
                f"{medians[name] * 1000:.0f} ms",
                f"{min(r[1] for r in results) * 1000:.0f} ms",
            ]
        )
    betaops, floor = medians.values()
    table.notes.append(
        f"ratio betaops / floor: {betaops / floor:.2f}x "
        f"(+{(betaops - floor) * 1000:.0f} ms for four providers, their simulators and the tool catalog)"
    )
    return table


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 7).text())
