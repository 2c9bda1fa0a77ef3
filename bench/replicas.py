"""Replicas on one Redis: replays write nothing, pacing is shared, a killed job finishes once.

Three `betaops serve --http --stateless` processes on loopback share one real `redis-server`
(BETAOPS_STATE_URL), one BETAOPS_CONFIRM_SECRET and bearer token, and one served simulator
(`betaops sandbox serve`). A client spreads calls round-robin over them, as a load balancer would.

  (a) mixed calls: writes approved by token or by an accepted 2026-07-28 round (alternately),
      reads, and each executed approval (the token, or the client's retry of the round with its
      requestState and answer) replayed on every other replica; the simulator's own log counts
      any write done twice and any write request beyond one per executed write;
  (b) writes spread over the replicas against a provider limit of 30 per window: achieved rate
      against the allowed one, and the 429s the provider sent;
  (c) a 500-person TestFlight invite runs as a job; its replica is SIGKILLed midway; another
      replica resumes it; every person must be invited exactly once;
  (d) the same three with the embedded store and one process restarted: approvals executed
      before the restart are replayed after it; SIGKILL for the job.

Every loop is bounded in count and time; everything listens on 127.0.0.1 only. Figures are
printed and written to bench/RESULTS.md (section "Replicas"); nothing here asserts on time.

    python bench/replicas.py [--calls 1000] [--writes 200] [--people 500]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import ElicitResult, InputRequiredResult, InputResponses

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-replicas-secret-0123456789abcdef"
TOKEN = "bench-replicas-token-0123456789abcdef"
LIMIT, WINDOW = 30, 3.0  # BetaTesting's write quota in the served simulator (and betaops' pacing of it)
BOUND = 600.0  # no phase runs longer than this


def free_port(span: int = 1) -> int:
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        if all(_free(port + i) for i in range(span)):
            return port
    raise RuntimeError("no free port range")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_http(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url, timeout=1).status_code < 500:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


class Processes:
    """Every child process, stopped at the end whatever happens."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.children: list[subprocess.Popen[bytes]] = []

    def start(self, args: Sequence[str], env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
        log = open(self.work / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the child)
        child = subprocess.Popen(list(args), env=env, stdout=subprocess.PIPE, stderr=log, cwd=self.work)
        self.children.append(child)
        return child

    def stop_all(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.terminate()
        for child in self.children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def betaops(*args: str) -> list[str]:
    return [sys.executable, "-m", "betaops", *args]


def start_sandbox(procs: Processes) -> tuple[dict[str, str], str, str]:
    """The served simulator; returns the env pointing betaops at it, and its BetaTesting/TestFlight roots."""
    port = free_port(4)
    child = procs.start(
        betaops(
            "sandbox",
            "serve",
            "--port",
            str(port),
            "--write-limit",
            str(LIMIT),
            "--write-window",
            str(WINDOW),
            "--read-limit",
            "20000",
        ),
        os.environ.copy(),
        "sandbox",
    )
    assert child.stdout is not None
    env: dict[str, str] = {}
    script = ""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "ALEXA_REFRESH_TOKEN" not in script:
        script += child.stdout.readline().decode()
    import shlex

    for word in shlex.split(script):
        if word != "export":
            key, _, value = word.partition("=")
            env[key] = value
    bt, tf = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}"
    wait_http(f"{bt}/_sandbox/log")
    wait_http(f"{tf}/_sandbox/log")
    return env, bt, tf


def start_redis(procs: Processes) -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    procs.start([*args, "--dir", str(procs.work)], os.environ.copy(), "redis")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def replica_env(base: dict[str, str], work: Path, state_url: str | None, name: str) -> dict[str, str]:
    env = {**os.environ, **base}
    env.update(
        BETAOPS_CONFIRM_SECRET=SECRET,
        BETAOPS_HTTP_TOKENS=TOKEN,
        BETAOPS_JOB_LEASE_S="3",
        TESTFLIGHT_WRITE_LIMIT_PER_MINUTE="900",  # a 500-person invite takes ~35 s: long enough to kill midway
        XDG_STATE_HOME=str(work / "state" / name),  # each replica its own disk: only the store is shared
    )
    if state_url:
        env["BETAOPS_STATE_URL"] = state_url
    else:
        env.pop("BETAOPS_STATE_URL", None)
    return env


def start_replica(procs: Processes, env: dict[str, str], port: int, name: str) -> subprocess.Popen[bytes]:
    args = betaops("serve", "--http", "--stateless", "--port", str(port), "--toolsets", "all")
    child = procs.start(args, env, name)
    wait_http(f"http://127.0.0.1:{port}/health")
    return child


class RoundRobin(httpx2.AsyncBaseTransport):
    """A load balancer: request n goes to replica n mod N (replicas may be swapped while running)."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.inner = httpx2.AsyncHTTPTransport()
        self.n = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        port = self.ports[self.n % len(self.ports)]
        self.n += 1
        request.url = request.url.copy_with(port=port)
        request.headers["host"] = f"127.0.0.1:{port}"
        return await self.inner.handle_async_request(request)


@asynccontextmanager
async def client_to(ports: list[int]) -> AsyncIterator[Client]:
    transport = RoundRobin(ports)
    async with httpx2.AsyncClient(
        transport=transport, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
    ) as http:
        url = f"http://127.0.0.1:{ports[0]}/mcp"
        async with Client(streamable_http_client(url, http_client=http), mode="legacy") as client:
            yield client


def body(result: Any) -> dict[str, Any]:
    if result.structured_content is None:
        return {"error": "".join(getattr(b, "text", "") for b in result.content)}
    return dict(result.structured_content)


def sim_log(root: str) -> dict[str, Any]:
    log: dict[str, Any] = httpx2.get(f"{root}/_sandbox/log", timeout=30).json()
    return log


# ---------------------------------------------------------------------------- (a) replays

WRITE = "betatesting_send_message_to_testers"


@dataclass
class Approved:
    """An executed write's approval as a client could send it again: a token, or an accepted 2026 round."""

    args: dict[str, Any]
    token: dict[str, Any] | None = None
    round: tuple[str | None, InputResponses] | None = None  # (sealed requestState, the elicitation answers)


async def _accept(context: Any, params: Any) -> ElicitResult:
    return ElicitResult(action="accept", content={"approve": True})


@asynccontextmanager
async def round_client(port: int) -> AsyncIterator[Client]:
    """A 2026-07-28 client of one replica that accepts every question (round calls are pinned per replica)."""
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as http:
        url = f"http://127.0.0.1:{port}/mcp"
        transport = streamable_http_client(url, http_client=http)
        async with Client(transport, mode="auto", elicitation_callback=_accept) as client:
            yield client


async def send_again(client: Client, approved: Approved) -> dict[str, Any]:
    """The client's retry of an executed approval, unchanged."""
    if approved.token is not None:
        return body(await client.call_tool(WRITE, {**approved.args, **approved.token}))
    assert approved.round is not None
    state, answers = approved.round
    kept = await client.session.call_tool(WRITE, approved.args, input_responses=answers, request_state=state)
    return body(kept)


async def by_token(client: Client, args: dict[str, Any]) -> tuple[Approved | None, dict[str, Any]]:
    preview = body(await client.call_tool(WRITE, args))
    if "confirm_token" not in preview:
        return None, preview
    token = {"confirm_token": preview["confirm_token"], "confirm_summary": preview["confirm_summary"]}
    return Approved(args, token=token), body(await client.call_tool(WRITE, {**args, **token}))


async def by_round(asker: Client, answerer: Client, args: dict[str, Any]) -> tuple[Approved | None, dict[str, Any]]:
    """Asked on one replica, the accepted retry sent to the next (as a load balancer would)."""
    asked = await asker.session.call_tool(WRITE, args, allow_input_required=True)
    if not isinstance(asked, InputRequiredResult):
        return None, body(asked)
    answers: InputResponses = {
        key: ElicitResult(action="accept", content={"approve": True}) for key in asked.input_requests or {}
    }
    approved = Approved(args, round=(asked.request_state, answers))
    return approved, await send_again(answerer, approved)


async def replays(
    ports: list[int], calls: int, tag: str, earlier: list[Approved] | None = None
) -> tuple[dict[str, Any], list[Approved]]:
    """Approved writes (tokens and 2026 rounds, alternately), each replayed on every other replica, with reads.

    `earlier` approvals (executed before a restart) are each replayed once more first. Returns the
    figures and every approval executed here, to be replayed after a restart."""
    again = max(len(ports) - 1, 2)  # replays per write: one on each other replica (2 on a single one)
    writes = max(calls // (again + 4), 1)  # each: first call, confirming call, replays, 2 reads
    out = {"calls": 0, "writes": 0, "token_replays": 0, "round_replays": 0, "replayed": 0, "errors": 0}
    executed: list[Approved] = []
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(client_to(ports))
        pinned = [await stack.enter_async_context(round_client(p)) for p in ports]
        testers = body(await client.call_tool("betatesting_list_testers", {"test_id": 4103, "limit": 5}))
        tester = testers["items"][0]["id"]

        async def replay(approved: Approved, on: Client) -> None:
            answer = await send_again(on, approved)
            out["round_replays" if approved.round else "token_replays"] += 1
            out["replayed"] += bool(answer.get("replayed"))
            out["errors"] += "error" in answer
            out["calls"] += 1

        with anyio.fail_after(BOUND):
            for n, approved in enumerate(earlier or []):
                await replay(approved, pinned[n % len(pinned)] if approved.round else client)
            for n in range(writes):
                args = {"test_id": 4103, "tester_ids": [tester], "message": f"{tag} note {n}"}
                first = n % len(ports)
                if n % 2:
                    done, outcome = await by_token(client, args)
                else:  # asked on replica `first`, answered on the next
                    done, outcome = await by_round(pinned[first], pinned[(first + 1) % len(ports)], args)
                out["calls"] += 2
                if done is None or outcome.get("status") != "executed":
                    out["errors"] += 1
                    print(f"  write {n} failed: {outcome}", file=sys.stderr)
                    continue
                out["writes"] += 1
                executed.append(done)
                for k in range(again):  # tokens: round-robin lands on each other replica; rounds: pinned there
                    await replay(done, pinned[(first + 2 + k) % len(ports)] if done.round else client)
                for _ in range(2):
                    read = await client.call_tool("betatesting_get_test", {"test_id": 4103})
                    out["errors"] += bool(read.is_error)
                    out["calls"] += 1
    return out, executed


# ---------------------------------------------------------------------------- (b) pacing


async def pacing(ports: list[int], writes: int, bt: str) -> dict[str, Any]:
    before = sim_log(bt)
    start_writes = len(before["writes"])
    start_429 = before["statuses"].get("429", 0)
    async with client_to(ports) as client:
        tester = body(await client.call_tool("betatesting_list_testers", {"test_id": 4103, "limit": 5}))
        tester_id = tester["items"][0]["id"]
        sem = anyio.Semaphore(12)

        async def one(n: int) -> None:
            async with sem:
                args = {"test_id": 4103, "tester_ids": [tester_id], "message": f"paced {time.time()} {n}"}
                preview = body(await client.call_tool("betatesting_send_message_to_testers", args))
                token = {"confirm_token": preview["confirm_token"], "confirm_summary": preview["confirm_summary"]}
                await client.call_tool("betatesting_send_message_to_testers", {**args, **token})

        with anyio.fail_after(BOUND):
            async with anyio.create_task_group() as tg:
                for n in range(writes):
                    tg.start_soon(one, n)
    after = sim_log(bt)
    stamps = sorted(w["at"] for w in after["writes"][start_writes:])
    # Steady rate: what came after the first full window, over the time it took, against LIMIT per WINDOW.
    span = stamps[-1] - stamps[LIMIT - 1] if len(stamps) > LIMIT else 0.0
    achieved = (len(stamps) - LIMIT) / span if span > 0 else 0.0
    return {
        "writes": len(stamps),
        "rate": achieved,
        "allowed": LIMIT / WINDOW,
        "share": achieved / (LIMIT / WINDOW),
        "429s": after["statuses"].get("429", 0) - start_429,
    }


# ---------------------------------------------------------------------------- (c) a killed job


async def start_invite(ports: list[int], people: int, tag: str) -> tuple[str, list[str]]:
    emails = [f"{tag}-{n:04d}@example.com" for n in range(people)]
    async with client_to(ports) as client:
        apps = body(await client.call_tool("testflight_list_apps", {}))
        app = next(a for a in apps["items"] if str(a.get("name", "")).startswith("Trailhead"))
        args = {"beta_group_name": "Enterprise Pilots", "app_id": app["id"], "emails": emails}
        preview = body(await client.call_tool("testflight_invite_testers", args))
        token = {"confirm_token": preview["confirm_token"], "confirm_summary": preview["confirm_summary"]}
        t0 = time.monotonic()
        started = body(await client.call_tool("testflight_invite_testers", {**args, **token}))
        returned = time.monotonic() - t0
    assert started.get("job_id"), started
    print(f"  invite of {people} returned in {returned:.2f} s with {started['job_id']}", file=sys.stderr)
    return started["job_id"], emails


async def job_status(ports: list[int], job_id: str) -> dict[str, Any]:
    async with client_to(ports) as client:
        return body(await client.call_tool("betaops_job_status", {"job_id": job_id}))


async def until_done(ports: list[int], job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + BOUND
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = await job_status(ports, job_id)
        if status.get("state") != "running":
            return status
        await anyio.sleep(0.5)
    return status


def invited_once(tf: str, emails: list[str]) -> tuple[int, int]:
    """(people invited exactly once, anything done twice) from the simulator's own state."""
    log = sim_log(tf)
    repeated = log["repeated"]
    twice = sum(1 for e in emails if e in repeated) + sum(1 for k in repeated if k.startswith("member "))
    creates = [w for w in log["writes"] if w["path"] == "/v1/betaTesters" and w["method"] == "POST"]
    return len(creates), twice


# ---------------------------------------------------------------------------- the runs


async def shared(procs: Processes, env: dict[str, str], bt: str, tf: str, args: argparse.Namespace) -> dict[str, Any]:
    url = start_redis(procs)
    ports = [free_port() for _ in range(3)]
    children = [
        start_replica(procs, replica_env(env, procs.work, url, f"r{i}"), p, f"replica{i}") for i, p in enumerate(ports)
    ]
    out: dict[str, Any] = {}
    before = sim_log(bt)
    out["a"], _ = await replays(ports, args.calls, "shared")
    out["a"].update(duplicates(before, sim_log(bt), out["a"]["writes"]))
    out["b"] = await pacing(ports, args.writes, bt)
    creates_before, _ = invited_once(tf, [])
    job_id, emails = await start_invite(ports[:1], args.people, "shared")  # runs on replica 0
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        status = await job_status(ports[1:], job_id)
        if status["counts"].get("done", 0) >= args.people // 2:
            break
        await anyio.sleep(0.2)
    children[0].send_signal(signal.SIGKILL)
    children[0].wait()
    killed_at = status["counts"].get("done", 0)
    final = await until_done(ports[1:], job_id)
    creates, twice = invited_once(tf, emails)
    out["c"] = {
        "killed_after": killed_at,
        "state": final.get("state"),
        "resumed": final.get("resumed"),
        "creates": creates - creates_before,
        "people": len(emails),
        "twice": twice,
    }
    return out


async def embedded(procs: Processes, env: dict[str, str], bt: str, tf: str, args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    renv = replica_env(env, procs.work, None, "embedded")
    child = start_replica(procs, renv, port, "embedded")
    out: dict[str, Any] = {}
    before = sim_log(bt)
    # (a) approvals executed before a restart are replayed after it (the same process, restarted)
    first, executed = await replays([port], args.calls // 2, "embedded-1")
    child.terminate()
    child.wait()
    child = start_replica(procs, renv, port, "embedded")
    second, _ = await replays([port], args.calls - first["calls"] - len(executed), "embedded-2", executed)
    out["a"] = {k: first[k] + second[k] for k in first}
    out["a"].update(duplicates(before, sim_log(bt), out["a"]["writes"]))
    out["b"] = await pacing([port], args.writes, bt)
    creates_before, _ = invited_once(tf, [])
    job_id, emails = await start_invite([port], args.people, "embedded")
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        status = await job_status([port], job_id)
        if status["counts"].get("done", 0) >= args.people // 2:
            break
        await anyio.sleep(0.2)
    child.send_signal(signal.SIGKILL)
    child.wait()
    killed_at = status["counts"].get("done", 0)
    start_replica(procs, renv, port, "embedded")  # the next start resumes it
    final = await until_done([port], job_id)
    creates, twice = invited_once(tf, emails)
    out["c"] = {
        "killed_after": killed_at,
        "state": final.get("state"),
        "resumed": final.get("resumed"),
        "creates": creates - creates_before,
        "people": len(emails),
        "twice": twice,
    }
    return out


def duplicates(before: dict[str, Any], after: dict[str, Any], writes: int) -> dict[str, int]:
    """From the simulator: messages sent twice, and write requests beyond one per executed write."""
    return {
        "twice": len(after["repeated"]) - len(before["repeated"]),
        "extra_requests": after["write_requests"] - before["write_requests"] - writes,
    }


def ok_c(c: dict[str, Any]) -> bool:
    """Killed midway, resumed elsewhere, finished, and every person created exactly once."""
    midway = c["killed_after"] < c["people"] and (c["resumed"] or 0) >= 1
    return midway and c["state"] == "done" and c["twice"] == 0 and c["creates"] == c["people"]


def table(results: dict[str, dict[str, Any]]) -> str:
    rows = ["| store | check | figures | verdict |", "|---|---|---|---|"]
    for store, r in results.items():
        a, b, c = r["a"], r["b"], r["c"]
        replays = a["token_replays"] + a["round_replays"]
        good = a["twice"] == 0 and a["extra_requests"] == 0 and a["replayed"] == replays and a["errors"] == 0
        rows.append(
            f"| {store} | (a) replays | {a['calls']} calls, {a['writes']} writes; {a['token_replays']} token and "
            f"{a['round_replays']} 2026-round replays ({a['replayed']} answered as replays), {a['errors']} errors; "
            f"{a['extra_requests']} extra write requests at the simulator | "
            f"{'PASS' if good else 'FAIL'}: {a['twice']} duplicate writes |"
        )
        rows.append(
            f"| {store} | (b) pacing | {b['writes']} writes, {b['rate']:.2f}/s of {b['allowed']:.2f}/s allowed "
            f"({b['share']:.0%}) | {'PASS' if b['share'] >= 0.9 and b['429s'] == 0 else 'FAIL'}: {b['429s']} 429s |"
        )
        rows.append(
            f"| {store} | (c) killed job | killed after {c['killed_after']} of {c['people']}; {c['state']}, "
            f"resumed {c['resumed']}x; {c['creates']} creates | "
            f"{'PASS' if ok_c(c) else 'FAIL'}: "
            f"{c['twice']} people twice |"
        )
    return "\n".join(rows)


async def main(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="betaops-replicas-"))
    procs = Processes(work)
    try:
        env, bt, tf = start_sandbox(procs)
        results: dict[str, dict[str, Any]] = {}
        if not args.embedded_only:
            results["redis, 3 replicas"] = await shared(procs, env, bt, tf, args)
        results["embedded, 1 process restarted"] = await embedded(procs, env, bt, tf, args)
    finally:
        procs.stop_all()
    text = table(results)
    print(text)
    print(json.dumps(results, indent=1), file=sys.stderr)
    if args.write:
        results_md = ROOT / "bench" / "RESULTS.md"
        section = (
            "\n## Replicas (bench/replicas.py)\n\n"
            f"`python bench/replicas.py --calls {args.calls} --writes {args.writes} --people {args.people}`; "
            f"BetaTesting write limit {LIMIT} per {WINDOW:g} s in the served simulator.\n\n{text}\n"
        )
        current = results_md.read_text()
        head = current.split("\n## Replicas (bench/replicas.py)\n")[0].rstrip("\n") + "\n"
        results_md.write_text(head + section)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--embedded-only", action="store_true")
    parser.add_argument("--write", action="store_true", help="write the table to bench/RESULTS.md")
    sys.exit(anyio.run(main, parser.parse_args()))
