"""Issue 12's conversations, replayed: how many calls and how much text each real request costs.

Each request is a scripted tool sequence, chosen the way an assistant that reads only the default
tool list would: listed tools by name, anything else through `betaops_search_operations`,
`betaops_describe_operation` and `betaops_read_operation` / `betaops_write_operation`. The client is
a real MCP client (in memory, against `build_server` on the sandbox) that answers elicitation with
"accept", as a host whose user approves each write does.

Per request it prints the calls, the bytes of text the model reads, the largest single result and
the errors, next to the figures the issue measured. "Read" counts every text block, plus the
structured content as JSON where a host would show it besides the text (where the text is that
same JSON, a model reads it once); `both` counts text and structured content twice, as an upper
bound. Image blocks are counted apart.

Run: python bench/conversations.py [--real-pacing]
  The 500-person invite runs as a job under TestFlight's write pacing (60 a minute): in simulated
  time by default (the pacing waits advance a fake clock), in real time (about 9 minutes) with
  --real-pacing. The call that starts it is timed in real time either way.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
from mcp import Client
from mcp.client.session import ClientRequestContext
from mcp.server import MCPServer
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult, ImageContent, TextContent

sys.path.insert(0, str(Path(__file__).parent))
from benchlib import Table, machine, quiet_logs

from betaops.server.app import ServerOptions, build_runtime, build_server
from betaops.server.runtime import Runtime
from betaops.settings import Settings
from betaops.sim.clock import FakeClock

RESULT_GOAL = 25_000  # bytes: no single result larger, unless every row was asked for


class ScriptError(Exception):
    """A scripted request could not go on (an error result it did not expect)."""


@dataclass
class Call:
    tool: str
    read: int  # bytes the model reads
    both: int  # text blocks + structured content, each counted
    images: int
    seconds: float
    error: str | None
    expected: bool = False  # an error result the script handles (a refusal that says what to do)


@dataclass
class Conversation:
    """One request's calls through a real MCP client; unlisted tools only through discovery."""

    client: Client
    listed: set[str]
    runtime: Runtime
    bulk: int = 500  # people in the bulk invite (a test uses fewer; over 50 is a job)
    calls: list[Call] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    async def call(self, tool: str, args: dict[str, Any] | None = None, *, may_fail: bool = False) -> dict[str, Any]:
        if tool not in self.listed:
            raise ScriptError(f"{tool} is not in the default tool list: reach it through discovery")
        started = time.perf_counter()
        result = await self.client.call_tool(tool, args or {})
        seconds = time.perf_counter() - started
        self.calls.append(measure(tool, result, seconds, expected=may_fail))
        if result.is_error and not may_fail:
            raise ScriptError(f"{tool}: {text_of(result)[:300]}")
        if result.structured_content is None:
            return {"error": text_of(result)} if result.is_error else {}
        return dict(result.structured_content)

    async def read(self, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        return await self.call("betaops_read_operation", {"tool": tool, "arguments": args})

    async def write(self, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        done = await self.call("betaops_write_operation", {"tool": tool, "arguments": args})
        return executed(done)

    async def find(self, query: str, expected: str) -> None:
        """Search, as the assistant does for what is not listed; the tool it needs must be among the hits."""
        found = await self.call("betaops_search_operations", {"query": query, "limit": 5})
        names = [m["tool"] for m in found["matches"]]
        if expected not in names:
            raise ScriptError(f"search {query!r} did not find {expected} (top: {names})")


def text_of(result: CallToolResult) -> str:
    return "".join(b.text for b in result.content if isinstance(b, TextContent))


def measure(tool: str, result: CallToolResult, seconds: float, *, expected: bool = False) -> Call:
    text = text_of(result)
    structured = result.structured_content
    as_json = json.dumps(structured, ensure_ascii=False, separators=(",", ":")) if structured is not None else ""
    text_bytes, json_bytes = len(text.encode()), len(as_json.encode())
    read = text_bytes if (not as_json or as_json in text) else text_bytes + json_bytes
    images = sum(1 for b in result.content if isinstance(b, ImageContent))
    error = text[:200] if result.is_error else None
    return Call(tool, read, text_bytes + json_bytes, images, seconds, error, expected)


def executed(body: dict[str, Any]) -> dict[str, Any]:
    if body.get("status") not in ("executed", "running"):
        raise ScriptError(f"the write did not run: {body.get('status')}: {body.get('message')}")
    return body


# ---------------------------------------------------------------------------- the requests


async def request_a(c: Conversation) -> None:
    """A. Triage this week's critical and high issues and group them by feature; then mark two
    duplicates and set the login crash to in-progress."""
    tests = await c.call("betatesting_list_tests", {"status": "in_progress"})
    test = next(t for t in tests["items"] if t["name"] == "Pantry Pal iOS 3.0 Beta")
    week = await c.call(
        "betatesting_list_issues",
        {"test_id": test["id"], "priorities": ["critical", "high"], "since": "7d", "limit": 100},
    )
    groups = by_feature(week["items"])
    c.notes.append(f"A: {week['count']} issues this week in {len(groups)} features")
    duplicates = [i for same in by_title(week["items"]).values() for i in same[1:]][:2]
    crash = await c.call(
        "betatesting_list_issues", {"test_id": test["id"], "text": "crash", "statuses": ["to_do", "needs_more_info"]}
    )
    login = next((i for i in crash["items"] if "login" in i["title"].lower()), crash["items"][0])
    changes = [{"issue_id": i["id"], "status": "outside_scope", "notes": "Duplicate"} for i in duplicates]
    changes.append({"issue_id": login["id"], "status": "in_progress"})
    executed(await c.call("betatesting_update_issues", {"test_id": test["id"], "changes": changes}))


def by_feature(issues: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The assistant's grouping: the screen a title names ("... on the search screen")."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for issue in issues:
        found = re.search(r"on the (.+?) screen", issue["title"])
        groups.setdefault(found.group(1) if found else "other", []).append(issue)
    return groups


def by_title(issues: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    same: dict[str, list[dict[str, Any]]] = {}
    for issue in sorted(issues, key=lambda i: i["submitted_at"]):
        same.setdefault(issue["title"].lower(), []).append(issue)
    return {t: found for t, found in same.items() if len(found) > 1}


B_PEOPLE = ["Ada Byron <ada@example.com>", "grace@example", "Linus <linus@example.com>", "ADA@example.com"]


async def request_b(c: Conversation) -> None:
    """B. Invite four people to a TestFlight group and to the Alexa beta (one address is malformed,
    one is repeated); then "did it work, who hasn't accepted?"."""
    targets = [
        {"provider": "testflight", "name": "Trail Crew", "app_id": "Trailhead"},
        {"provider": "alexa", "id": "Garden Helper"},  # the skill by its name: no id hunt first
    ]
    done = executed(await c.call("betaops_invite_testers", {"people": B_PEOPLE, "targets": targets}))
    reports = done["result"]["targets"]
    c.notes.append("B: " + "; ".join(f"{r['target']}: {r['counts']}" for r in reports))
    skill = re.search(r"amzn1\.ask\.skill\.[0-9a-f-]+", next(r["target"] for r in reports if "Alexa" in r["target"]))
    if skill is None:
        raise ScriptError("the Alexa report does not name the skill")
    await c.call("testflight_list_group_testers", {"beta_group_name": "Trail Crew", "states": ["INVITED"]})
    await c.read("alexa_list_beta_testers", {"skill_id": skill.group(), "limit": 50})


async def request_who(c: Conversation) -> None:
    """Who hasn't accepted? (the 344-tester TestFlight group)"""
    who = await c.call(
        "testflight_list_group_testers", {"beta_group_name": "Trail Crew", "states": ["INVITED", "NOT_INVITED"]}
    )
    c.notes.append(f"who: {who['total']} testers, by state {who['by_state']}")


async def request_c(c: Conversation) -> None:
    """C. Distribute the newest build to the external group and submit it for beta review."""
    status = await c.call("testflight_get_build_beta_status", {"app": "Trailhead", "feedback_items": 0})
    candidates: list[dict[str, Any]] = [{"app": "Trailhead"}]
    if status["next_step"].startswith("Not testable"):  # the newest upload is still processing
        c.notes.append(f"C: newest {status['label']}: {status['next_step']}")
        newest = {"filter_app": [status["app_id"]], "sort": ["-uploadedDate"], "limit": 10}
        builds = await c.read("testflight_list_builds", newest)
        candidates = [{"build_id": b["id"]} for b in builds["items"] if external_ok(b)]
    for which in candidates[:3]:  # a refusal says why (e.g. export compliance unanswered): the next newest
        done = await c.call("testflight_distribute_build", {**which, "beta_group_names": ["Trail Crew"]}, may_fail=True)
        if "error" not in done:
            c.notes.append(f"C: {executed(done)['result']['note']}")
            return
        c.notes.append(f"C: refused: {done['error'].split('cannot be distributed: ')[-1][:90]}")
    raise ScriptError("no build could be distributed")


def external_ok(build: dict[str, Any]) -> bool:
    """What the listed fields say about a build external testers can get."""
    valid = build.get("processingState") == "VALID" and not build.get("expired")
    return valid and build.get("buildAudienceType") != "INTERNAL_ONLY"


async def request_d(c: Conversation) -> None:
    """D. Pause a test and message all its testers."""
    tests = await c.call("betatesting_list_tests", {"status": "in_progress"})
    test = next(t for t in tests["items"] if t["name"] == "Northwind Checkout Redesign (Web)")
    executed(await c.call("betatesting_change_test_stage", {"test_id": test["id"], "stage": "pause"}))
    await c.find("message testers", "betatesting_message_testers")
    await c.call("betaops_describe_operation", {"tool": "betatesting_message_testers"})
    message = {
        "test_id": test["id"],
        "audience": "all",
        "subject": "Test paused",
        "message": "We paused the test while we fix checkout. We will write when it resumes.",
    }
    await c.write("betatesting_message_testers", message)


async def request_e(c: Conversation) -> None:
    """E. A weekly beta report across providers."""
    await c.call("betaops_context")
    await c.call("betatesting_summarize_issues", {"test_id": 4103})
    await c.call("testflight_get_build_beta_status", {"app": "Trailhead"})
    lists = await c.read("betasend_list_lists", {})
    await c.call("betasend_get_list_statistics", {"list_id": lists["items"][0]["list_id"]})
    vendors = await c.read("alexa_list_vendors", {})
    skills = await c.read("alexa_list_skills", {"vendor_id": vendors["items"][0]["id"]})
    running = skills["items"][0]["skillId"]
    await c.call("alexa_get_beta_test", {"skill_id": running})


async def request_f(c: Conversation) -> None:
    """F. Change a TestFlight public-link limit (not on the default surface)."""
    await c.find("public link limit", "testflight_update_beta_group")
    await c.call("betaops_describe_operation", {"tool": "testflight_update_beta_group"})
    groups = await c.read("testflight_list_beta_groups", {"filter_name": ["Public Beta"]})
    group = next(g for g in groups["items"] if g["app"]["name"].startswith("Trailhead"))
    await c.write("testflight_update_beta_group", {"beta_group_id": group["id"], "public_link_limit": 1500})


async def request_g(c: Conversation) -> None:
    """G (added). "What did testers see on build 320?": its newest screenshot feedback, as images."""
    status = await c.call("testflight_get_build_beta_status", {"app": "trailhead", "version": "320"})
    if not c.calls[-1].images:
        raise ScriptError(f"no screenshot came back as an image: {status.get('images')}")
    c.notes.append(f"G: {status['images']}")


async def request_bulk(c: Conversation) -> None:
    """500 people invited to two targets: the call returns a job; the job then completes."""
    people = [f"Tester {n} <bulk{n:04d}@example.com>" for n in range(c.bulk)]
    targets = [{"provider": "testflight", "name": "Enterprise Pilots"}, {"provider": "betatesting"}]
    started = executed(await c.call("betaops_invite_testers", {"people": people, "targets": targets}))
    c.notes.append(f"bulk: the invite call answered in {c.calls[-1].seconds:.1f} s, status {started['status']}")
    job = started.get("job_id")
    if job is None:
        return
    handle = c.runtime.jobs.handles.get(job)
    if handle is not None:  # the conversation moves on while the job runs in the server; later it asks
        await handle.done.wait()
    status = await c.call("betaops_job_status", {"job_id": job})  # "is it done?", later
    if status["state"] != "done":
        raise ScriptError(f"the job ended {status['state']}: {status.get('note')}")
    c.notes.append(f"bulk: job {status['state']}, counts {status['counts']}")


@dataclass(frozen=True)
class Request:
    key: str
    script: Callable[[Conversation], Awaitable[None]]
    issue: str  # what the issue measured
    goal: str
    max_calls: int | None = None
    max_read: int | None = None
    max_call_s: float | None = None  # real time of any one call


REQUESTS: tuple[Request, ...] = (
    Request("A", request_a, "20 calls, 105 KB", "<= 5 calls, <= 10 KB", 5, 10_000),
    Request("B", request_b, "partly; Alexa half impossible", "completes"),
    Request("who hasn't accepted", request_who, "44 KB", "1 call, <= 3 KB", 1, 3_000),
    Request("C", request_c, "succeeded or partly", "completes"),
    Request("D", request_d, "58 testers -> 19 KB message result", "completes"),
    Request("E", request_e, "succeeded or partly", "completes"),
    Request("F", request_f, "succeeded or partly", "completes"),
    Request("G (added): screenshots", request_g, "no images at all", "1 call, images bounded", 1),
    Request(
        "500-person invite, 2 targets", request_bulk, "blocked 961 s", "call <= 5 s; job completes", max_call_s=5.0
    ),
)


# ---------------------------------------------------------------------------- running


def accept(asked: list[str]) -> Any:
    async def elicit(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"approve": True})

    return elicit


def sandbox_server(state_dir: Path, *, real_pacing: bool = False) -> tuple[MCPServer, Runtime]:
    """`betaops serve --sandbox` with the default tool list; TestFlight's pacing on a fake clock unless real."""
    settings = Settings(_env_file=None, state_dir=state_dir)
    options = ServerOptions(sandbox=True)
    runtime = build_runtime(settings, options)
    if not real_pacing:
        clock = FakeClock(time.time())

        async def paced(seconds: float) -> None:  # a pacing wait passes on the fake clock at once
            clock.advance(seconds)
            await anyio.lowlevel.checkpoint()

        conn = runtime.connections["testflight"]
        conn.clock, conn.sleep, conn.store = clock, paced, None
    return build_server(settings, options, runtime), runtime


@dataclass
class Outcome:
    request: Request
    calls: list[Call]
    notes: list[str]
    error: str | None

    @property
    def read(self) -> int:
        return sum(c.read for c in self.calls)

    @property
    def largest(self) -> Call | None:
        return max(self.calls, key=lambda c: c.read, default=None)

    def met(self, *, timed: bool = True) -> bool:
        r = self.request
        return (
            self.error is None
            and (r.max_calls is None or len(self.calls) <= r.max_calls)
            and (r.max_read is None or self.read <= r.max_read)
            and all(c.read <= RESULT_GOAL for c in self.calls)
            and (not timed or r.max_call_s is None or all(c.seconds <= r.max_call_s for c in self.calls))
        )


async def replay(request: Request, state_dir: Path, *, real_pacing: bool = False, bulk: int = 500) -> Outcome:
    """One request on a fresh sandbox (each starts from the seed data, as a new conversation would)."""
    server, runtime = sandbox_server(state_dir, real_pacing=real_pacing)
    asked: list[str] = []
    async with Client(server, elicitation_callback=accept(asked)) as client:
        listed = {t.name for t in (await client.list_tools()).tools}
        conversation = Conversation(client, listed, runtime, bulk)
        error = None
        try:
            await request.script(conversation)
        except (ScriptError, StopIteration, KeyError, IndexError) as exc:
            error = f"{type(exc).__name__}: {exc}"
    return Outcome(request, conversation.calls, conversation.notes, error)


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def table(outcomes: list[Outcome]) -> Table:
    out = Table(
        "Conversations (issue 12): calls and text the model reads, per request",
        ["request", "calls", "read", "both", "largest result", "images", "errors", "issue measured", "goal", "met"],
    )
    for o in outcomes:
        big = o.largest
        errors = [c.error for c in o.calls if c.error and not c.expected] + ([o.error] if o.error else [])
        refusals = sum(1 for c in o.calls if c.error and c.expected)
        out.rows.append(
            [
                o.request.key,
                str(len(o.calls)),
                kb(o.read),
                kb(sum(c.both for c in o.calls)),
                f"{kb(big.read)} ({big.tool})" if big else "-",
                str(sum(c.images for c in o.calls)),
                str(len(errors)) + (f" (+{refusals} refusal, handled)" if refusals else ""),
                o.request.issue,
                o.request.goal,
                "yes" if o.met() else "NO",
            ]
        )
    for o in outcomes:
        out.notes += o.notes
        if o.error:
            out.notes.append(f"{o.request.key} stopped: {o.error}")
        out.notes += [f"{o.request.key} error: {c.error}" for c in o.calls if c.error and not c.expected]
    return out


async def replay_all(real_pacing: bool = False) -> Table:
    outcomes = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, request in enumerate(REQUESTS):
            outcomes.append(await replay(request, Path(tmp) / str(n), real_pacing=real_pacing))
    return table(outcomes)


def run() -> Table:
    """For bench/run_all.py: the requests with TestFlight's pacing in simulated time."""
    return anyio.run(replay_all)


if __name__ == "__main__":
    quiet_logs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-pacing", action="store_true", help="run the 500-person job at TestFlight's real pace")
    result = anyio.run(replay_all, parser.parse_args().real_pacing)
    info = machine()
    result.notes.append(f"{info['cpu']}, {info['cores']} cores, Python {info['python']}, {info['date']}")
    print(result.text())
    print()
    print(result.markdown())
