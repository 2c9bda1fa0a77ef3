"""Cold start: process start to answered `initialize` + `tools/list` over stdio, and the list's size.

Side by side, interleaved run by run so that drift on a shared machine hits every subject alike:

- the floor: a bare MCP server with one tool, on the same SDK and interpreter;
- `betaops serve --sandbox` (four providers on their simulators, the default surface);
- `betaops serve` live (four providers configured with well-formed dummy credentials: start-up
  sends nothing, so no account is needed);
- `betaops serve --sandbox --toolsets all` (every operation listed).

Wall time to the answers, and the CPU time of the whole process (user + system, start to exit),
which other load on a shared machine moves far less. Raw JSON-RPC over pipes, so no client library
time is counted. The size is the compact JSON of the `tools` array, as `server/footprint.py` counts
it. "first call" (separate starts) is what a start leaves for later: from the tools/list answer to
the first tools/call's.

Run: python bench/cold_start.py [runs] [--baseline PATH] [--instructions]
     --baseline PATH also runs the betaops of another checkout (its `src/` first on PYTHONPATH) as
     "before" rows, e.g. a `git worktree` of main, interleaved with the rest.
     --instructions counts the instructions each subject executes from spawn to its exit after
     answering tools/list, once each under valgrind's callgrind (about a minute per subject). The
     count is the same run after run whatever else the machine does, so the ratio to the floor is
     the figure to trust on a shared machine; wall and CPU time on one vary by a third.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from typing import Any

from benchlib import Table, median, quiet_logs

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
# The first call after tools/list: the floor's one tool; for betaops a search, which reads every
# reachable operation (so the providers' operations, imported on the first call, are in its time)
# and reaches no provider (so live and sandbox alike answer it).
PING = {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "ping", "arguments": {}}}
SEARCH = {
    "jsonrpc": "2.0",
    "id": 3,
    "method": "tools/call",
    "params": {"name": "betaops_search_operations", "arguments": {"query": "list builds"}},
}
PREFIXES = ("BETATESTING_", "BETAOPS_", "TESTFLIGHT_", "ALEXA_", "BETASEND_")


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


def _reap(proc: subprocess.Popen[bytes], timeout_s: float = 10.0) -> float:
    """Wait for the process to exit; its CPU seconds (user + system), which other load barely moves."""
    deadline = time.monotonic() + timeout_s
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            proc.kill()
            deadline = float("inf")
        time.sleep(0.005)


def once(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, int, float]:
    """(seconds to the initialize answer, seconds to the tools/list answer, tools listed, bytes listed,
    CPU seconds of the whole process)."""
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
        cpu = _reap(proc)
    return initialized, listed, len(tools), len(json.dumps(tools, separators=(",", ":")).encode()), cpu


def first_call(argv: list[str], env: dict[str, str], call: dict[str, Any]) -> float:
    """Seconds from the tools/list answer to the answer of the first tools/call (a separate start)."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:
        _send(proc, INITIALIZE)
        _answer(proc, 1)
        _send(proc, INITIALIZED)
        _send(proc, LIST)
        _answer(proc, 2)
        start = time.perf_counter()
        _send(proc, call)
        answer = _answer(proc, 3)
        if answer.get("result", {}).get("isError") or "error" in answer:
            raise RuntimeError(f"the first call failed: {answer}")
        return time.perf_counter() - start
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        _reap(proc)


def live_env(state: str) -> dict[str, str]:
    """Well-formed credentials for all four providers (none is contacted at start)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    return {
        "BETATESTING_API_KEY": "btst_" + "b" * 64,
        "TESTFLIGHT_KEY_ID": "BENCH12345",
        "TESTFLIGHT_ISSUER_ID": "00000000-0000-4000-8000-000000000000",
        "TESTFLIGHT_PRIVATE_KEY": pem,
        "ALEXA_CLIENT_ID": "amzn1.application-oa2-client.bench",
        "ALEXA_CLIENT_SECRET": "bench-secret",
        "ALEXA_REFRESH_TOKEN": "Atzr|bench",
        "BETASEND_DOMAIN": "bench",
        "BETASEND_API_KEY": "bench-api-key-0001",
        "BETASEND_HASH": "bench-hash-000001",
        "XDG_STATE_HOME": state,
    }


def subjects(baseline: str | None, state: str) -> dict[str, tuple[list[str], dict[str, str]]]:
    # PYTHONDONTWRITEBYTECODE would make every start compile betaops from source (an installed
    # wheel has its bytecode, like the SDK's); without it the uncounted warm-up run writes it.
    base = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES) and k != "PYTHONDONTWRITEBYTECODE"}
    base["XDG_STATE_HOME"] = state  # nothing written where a user keeps state
    live = {**base, **live_env(state)}
    betaops = [sys.executable, "-m", "betaops", "serve"]
    out: dict[str, tuple[list[str], dict[str, str]]] = {
        "bare MCP server, one tool (floor)": ([sys.executable, "-c", FLOOR], base),
        "betaops serve --sandbox": ([*betaops, "--sandbox"], base),
        "betaops serve (live, 4 providers)": (betaops, live),
        "betaops serve --sandbox --toolsets all": ([*betaops, "--sandbox", "--toolsets", "all"], base),
    }
    if baseline:
        path = os.path.join(os.path.abspath(baseline), "src")
        for name, (argv, env) in list(out.items())[1:]:
            out[f"{name} [before]"] = (argv, {**env, "PYTHONPATH": path})
    return out


def instructions(argv: list[str], env: dict[str, str]) -> int:
    """Instructions (callgrind's Ir) from spawn to exit, the process having answered tools/list."""
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None and proc.stderr is not None
    _send(proc, INITIALIZE)
    _answer(proc, 1)
    _send(proc, INITIALIZED)
    _send(proc, LIST)
    _answer(proc, 2)
    proc.stdin.close()
    report = proc.stderr.read().decode()
    proc.wait()
    found = re.search(r"Collected : (\d+)", report)
    if found is None:
        raise RuntimeError(f"callgrind printed no count: {report[-500:]}")
    return int(found.group(1))


def count(baseline: str | None = None) -> Table:
    state = tempfile.mkdtemp(prefix="betaops-bench-")
    chosen = {k: v for k, v in subjects(baseline, state).items() if "toolsets all" not in k}
    for argv, env in chosen.values():  # bytecode written once, uncounted
        once(argv, env)
    counts = {name: instructions(argv, env) for name, (argv, env) in chosen.items()}
    floor = counts["bare MCP server, one tool (floor)"]
    table = Table(
        "Cold start in instructions (callgrind, spawn to exit after tools/list)", ["server", "instructions", "vs floor"]
    )
    for name, n in counts.items():
        table.rows.append([name, f"{n / 1e9:.3f} G", f"{n / floor:.2f}x"])
    table.notes.append("deterministic: the same count run after run, whatever else the machine is doing")
    return table


def run(runs: int = 7, baseline: str | None = None) -> Table:
    state = tempfile.mkdtemp(prefix="betaops-bench-")
    chosen = subjects(baseline, state)
    for argv, env in chosen.values():  # warm the file cache and bytecode once, uncounted
        once(argv, env)
    timings: dict[str, list[tuple[float, float, int, int, float]]] = {name: [] for name in chosen}
    calls: dict[str, list[float]] = {name: [] for name in chosen}
    for _ in range(runs):
        for name, (argv, env) in chosen.items():  # interleaved, so drift hits all alike
            timings[name].append(once(argv, env))
        for name, (argv, env) in chosen.items():
            calls[name].append(first_call(argv, env, PING if "floor" in name else SEARCH))
    table = Table(
        f"Cold start over stdio ({runs} runs each, interleaved; medians)",
        [
            "server",
            "tools listed",
            "tools/list bytes",
            "to initialize",
            "to tools/list",
            "min to tools/list",
            "vs floor",
            "CPU (process)",
            "CPU vs floor",
            "first call",
        ],
    )
    floor = median([r[1] for r in timings["bare MCP server, one tool (floor)"]])
    floor_cpu = median([r[4] for r in timings["bare MCP server, one tool (floor)"]])
    for name, results in timings.items():
        listed = median([r[1] for r in results])
        cpu = median([r[4] for r in results])
        table.rows.append(
            [
                name,
                str(results[0][2]),
                f"{results[0][3] / 1000:.1f} KB",
                f"{median([r[0] for r in results]) * 1000:.0f} ms",
                f"{listed * 1000:.0f} ms",
                f"{min(r[1] for r in results) * 1000:.0f} ms",
                f"{listed / floor:.2f}x",
                f"{cpu * 1000:.0f} ms",
                f"{cpu / floor_cpu:.2f}x",
                f"{median(calls[name]) * 1000:.0f} ms",
            ]
        )
    table.notes.append(f"floor: {floor * 1000:.0f} ms to tools/list (KB = 1,000 bytes of compact JSON)")
    table.notes.append(
        "CPU (process): user + system time of the whole server process, start to exit (after tools/list); "
        "on a loaded machine it moves far less than wall time"
    )
    table.notes.append(
        "first call: from the tools/list answer to the first tools/call's (separate starts): the floor's ping; "
        "betaops_search_operations for betaops, which imports the providers' operations a start leaves out"
    )
    return table


if __name__ == "__main__":
    quiet_logs()
    args = sys.argv[1:]
    baseline_path = None
    if "--baseline" in args:
        at = args.index("--baseline")
        baseline_path = args[at + 1]
        del args[at : at + 2]
    if "--instructions" in args:
        print(count(baseline_path).text())
    else:
        print(run(int(args[0]) if args else 7, baseline_path).text())
