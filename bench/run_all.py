"""Every benchmark in one run, one table each, then the figures written to bench/RESULTS.md with the
machine they came from and the command that reproduces them.

Run: python bench/run_all.py            (about three minutes; nothing else should load the machine)
     python bench/run_all.py --no-write (print only)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import call_overhead
import cold_start
import concurrency_http
import conversations
import fetch_all
import offline
import write_pacing
from benchlib import Table, machine, quiet_logs

RESULTS = Path(__file__).with_name("RESULTS.md")
COMMAND = "python bench/run_all.py"
BENCHMARKS: list[tuple[str, Callable[[], Table]]] = [
    ("1. cold start (bench/cold_start.py)", cold_start.run),
    ("2. per-call overhead (bench/call_overhead.py)", call_overhead.run),
    ("3. fetch-all (bench/fetch_all.py)", fetch_all.run),
    ("4. write pacing (bench/write_pacing.py)", write_pacing.run),
    ("5. concurrency over streamable HTTP (bench/concurrency_http.py)", concurrency_http.run),
    ("6. offline failure (bench/offline.py)", offline.run),
    ("7. conversations (bench/conversations.py)", conversations.run),
]


def main() -> None:
    host = machine()
    print(f"betaops benchmarks on {host['cpu']}, {host['cores']} cores, Python {host['python']}, {host['date']}\n")
    tables: list[tuple[str, Table, float]] = []
    for name, bench in BENCHMARKS:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        table = bench()
        tables.append((name, table, time.perf_counter() - start))
        print(table.text(), end="\n\n", flush=True)
    if "--no-write" in sys.argv:
        return
    lines = [
        "# Benchmark results",
        "",
        "Figures from one run of every benchmark (see each script's docstring for what it measures).",
        "",
        f"- command: `{COMMAND}` (from the repository root, with the project installed: `pip install -e .`)",
        f"- machine: {host['cpu']}, {host['cores']} cores, {host['os']}",
        f"- Python {host['python']}",
        f"- date: {host['date']}",
        f"- load average (1, 5, 15 min) at the start: {host['load']} (other work on the machine skews figures)",
        "",
    ]
    for name, table, took in tables:
        lines += [f"## {name}", "", table.markdown(), f"- benchmark ran for {took:.0f} s", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"written to {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    quiet_logs()
    main()
