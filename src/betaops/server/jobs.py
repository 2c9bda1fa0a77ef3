"""Bulk writes as jobs: approved once, run in the background, durable, resumable by any replica.

A write task over more than `BULK_ITEMS` items (a 500-person invite takes minutes under a
provider's write limit) is not run inside the tool call: after approval the call returns at once
with a job id and the conversation checks `betaops_job_status` later. The job runs in a task group
of an open server lifespan (`JobRunner.serving`), through the guard's one execution path
(`guard.send`), so the audit, the single-use approval and the idempotency key are exactly those
of a direct write.

Durable: the job (tool, arguments, approved plan, key) is in the state store before the call
returns, and each item's outcome is recorded before the next item is sent (`Journal`). A job
holds a lease in the store while it runs; when its process dies the lease expires and the next
scan (on this replica's next start, or on any other replica) resumes it: the plan is read again
fresh and the run acts only on approved items that are still to do (`split`), and items recorded
done are never sent again. An item whose outcome was unknown is therefore checked against the
provider (by that fresh read) before it is sent again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from anyio.abc import TaskGroup
from pydantic import BaseModel

from betaops.core.approvals import State as ApprovalState
from betaops.core.errors import ProviderError
from betaops.core.http import Reply
from betaops.core.state import ItemState, Job, JobState, StateStore
from betaops.core.task import Plan, Progress, Task
from betaops.server.results import WriteResult, WriteStatus

logger = logging.getLogger(__name__)

BULK_ITEMS = 50  # a write task over more items than this runs as a job
SHOWN_ITEMS = 50  # per-item outcomes shown by betaops_job_status (counts are always exact)


def size(bound: Any, depth: int = 0) -> int:
    """The plan's work: its largest collection of items (recipients, testers, issues...)."""
    if depth > 3:
        return 0
    if isinstance(bound, dict):
        inner = max((size(v, depth + 1) for v in bound.values()), default=0)
        return max(len(bound) if depth > 0 else 0, inner)
    if isinstance(bound, list):
        return max(len(bound), max((size(v, depth + 1) for v in bound), default=0))
    return 0


def is_bulk(action: Any, shown: Plan) -> bool:
    return isinstance(action, Task) and size(shown.bound) > BULK_ITEMS


def started(job: Job, shown: Plan) -> WriteResult:
    """The answer of an approved bulk write that is still running: its job id, and how to follow it.

    The preview was shown when it was approved; only its headline comes back (every recipient of a
    500-person invite would be 40 KB the model reads again)."""
    return WriteResult(
        status=WriteStatus.RUNNING,
        message=(
            f"Approved. Running in the background as job {job.id} ({job.total} items; the provider's write limit "
            f"paces it). Check progress and the final result with betaops_job_status(job_id={job.id!r})."
        ),
        preview=shown.preview.splitlines()[0] if shown.preview else None,
        job_id=job.id,
    )


def split(approved: Any, fresh: Any) -> tuple[Any, Any]:
    """The approved bound cut in two by the fresh plan: what is still to do, and what was found done
    (finished before the interruption, or found done when re-read; None when nothing was).

    Records keep the keys present in both, with the approved values. A list of plain values or
    flat records (emails, people, ids) is a set of items: it keeps the members the fresh plan still
    has (an item done before the interruption is no longer to do, so the fresh read leaves it out).
    A list of nested records (one per target, one per mailing list, in the order asked) is the
    plan's structure: cut element by element when both plans have the same shape, else to the
    elements that are unchanged. Nothing the fresh plan adds is taken: a resumed job never acts
    beyond its approval. What was cut is the second half, so a resumed job names it, never drops it.
    """
    if isinstance(approved, dict) and isinstance(fresh, dict):
        todo: dict[str, Any] = {}
        done: dict[str, Any] = {}
        for k, v in approved.items():
            if k not in fresh:
                if v not in (None, {}, []):
                    done[k] = v
                continue
            todo[k], done_k = split(v, fresh[k])
            if done_k is not None:
                done[k] = done_k
        return todo, done or None
    if isinstance(approved, list) and isinstance(fresh, list):
        if len(approved) == len(fresh) and any(_nested(a) for a in approved):
            halves = [split(a, f) for a, f in zip(approved, fresh, strict=True)]
            each = [d for _, d in halves]
            return [t for t, _ in halves], (each if any(d is not None for d in each) else None)
        keys = {json.dumps(f, sort_keys=True, default=str) for f in fresh}
        kept: list[Any] = []
        gone: list[Any] = []
        for a in approved:
            (kept if json.dumps(a, sort_keys=True, default=str) in keys else gone).append(a)
        return kept, gone or None
    return approved, None


def _nested(value: Any) -> bool:
    return isinstance(value, dict) and any(isinstance(v, (dict, list)) for v in value.values())


class Journal:
    """Records each write a job sends, before the next one; skips what a previous run finished."""

    def __init__(self, store: StateStore, job_id: str, done: dict[str, tuple[ItemState, dict[str, Any]]]) -> None:
        self.store = store
        self.job_id = job_id
        self.known = done

    @staticmethod
    def item(operation: str, args: dict[str, Any]) -> str:
        body = json.dumps(args, sort_keys=True, default=str)
        return f"{operation}:{hashlib.sha256(body.encode()).hexdigest()[:16]}"

    @staticmethod
    def label(args: dict[str, Any]) -> str:
        for key in ("email", "emails", "tester_ids", "beta_tester_ids", "issue_id", "id"):
            if key in args:
                return f"{key}={json.dumps(args[key], default=str)[:160]}"
        return json.dumps(args, sort_keys=True, default=str)[:160]

    async def send(self, operation: str, args: dict[str, Any], send: Any) -> Reply:
        item = self.item(operation, args)
        earlier = self.known.get(item)
        if earlier is not None and earlier[0] is ItemState.DONE:
            return Reply(earlier[1].get("data"), replayed=True)  # done before an interruption: not sent again
        what = {"operation": operation, "item": self.label(args)}
        await self.store.record_item(self.job_id, item, ItemState.SENDING, what)
        try:
            reply: Reply = await send()
        except ProviderError as exc:
            state = ItemState.FAILED if exc.changed is False else ItemState.SENDING
            await self.store.record_item(self.job_id, item, state, {**what, "detail": exc.message[:300]})
            raise
        # The provider's answer is kept whole: a resumed run that skips this item reads it as the
        # task read it the first time (an id, the messages sent, the testers created).
        done = {**what, "data": reply.data}
        await self.store.record_item(self.job_id, item, ItemState.DONE, done)
        self.known[item] = (ItemState.DONE, done)
        return reply


class JobView(BaseModel):
    job_id: str
    tool: str
    state: str
    total: int  # items the approved plan covered
    counts: dict[str, int]  # write requests by outcome so far: done, failed, sending (outcome unknown)
    items: list[dict[str, Any]]  # the last per-item outcomes (at most 50)
    resumed: int
    result: Any = None  # the write's final result, once the job has finished
    note: str | None = None


async def view(store: StateStore, job: Job) -> JobView:
    items = await store.items(job.id)
    counts: dict[str, int] = {}
    for state, _ in items.values():
        counts[state.value] = counts.get(state.value, 0) + 1
    shown = [{"state": s.value, **{k: v for k, v in d.items() if k != "data"}} for s, d in items.values()]
    note = None
    if len(shown) > SHOWN_ITEMS:
        note = f"Showing the last {SHOWN_ITEMS} of {len(shown)} item outcomes; the counts are exact."
    return JobView(
        job_id=job.id,
        tool=job.tool,
        state=job.state.value,
        total=job.total,
        counts=counts,
        items=shown[-SHOWN_ITEMS:],
        resumed=job.resumed,
        result=job.result,
        note=note,
    )


class Handle:
    """This process's view of a job it runs: when it ends, how, and where its progress goes meanwhile."""

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.outcome: Any = None  # the WriteResult, when it finished
        self.error: ProviderError | None = None
        self.progress: Progress | None = None  # the waiting request's reporter, while it waits

    async def report(self, done: int, total: int | None, message: str) -> None:
        if self.progress is not None:
            try:
                await self.progress(done, total, message)
            except Exception:  # the request that listened has gone: the job goes on
                self.progress = None


class JobRunner:
    """Runs jobs in the server lifespans' task groups; resumes interrupted ones from the store.

    `inline_s`: how long the approving call waits for its job (2 s: with planning before and after the
    approval, the call still answers within 5 s). A bulk write that finishes sooner
    (a few large batch calls) answers in that call as before; a longer one answers with the job id.
    """

    def __init__(self, runtime: Any, *, lease_s: float = 30.0, scan_s: float = 10.0, inline_s: float = 2.0) -> None:
        self.runtime = runtime
        self.owner = f"{uuid.uuid4().hex[:12]}"
        self.lease_s = lease_s
        self.scan_s = scan_s
        self.inline_s = inline_s
        self.running: set[str] = set()
        self.handles: dict[str, Handle] = {}
        self._groups: list[TaskGroup] = []  # one per open lifespan, oldest first
        self._scanner: TaskGroup | None = None  # the lifespan that scans for interrupted jobs

    @property
    def store(self) -> StateStore:
        store: StateStore = self.runtime.store
        return store

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[None]:
        """One server lifespan's task group, where jobs run while it lasts.

        HTTP and stdio enter one lifespan per process; an in-memory client enters one per
        connection, and they overlap. Jobs start in the newest lifespan; one lifespan scans for
        interrupted jobs every `scan_s`. When a lifespan ends, its jobs stop there (their leases
        are released) and the scan moves to the next open lifespan and resumes them at once, so a
        closed connection never leaves a job waiting while another is open. With none open, the
        next lifespan (or another replica) resumes them when it starts."""
        tg = anyio.create_task_group()
        try:
            async with tg:
                self._groups.append(tg)
                if self._scanner is None:
                    self._scanner = tg
                    tg.start_soon(self._scan_forever)
                try:
                    yield
                finally:
                    self._groups.remove(tg)
                    tg.cancel_scope.cancel()
        finally:  # its jobs have stopped and released their leases: the next open lifespan takes them now
            if self._scanner is tg:
                self._scanner = self._groups[0] if self._groups else None
                if self._scanner is not None:
                    self._scanner.start_soon(self._scan_forever)

    async def submit(
        self, action: Task, params: BaseModel, shown: Plan, approval_id: str, how: str
    ) -> tuple[Job, Handle | None]:
        """Record the approved job, then start it here (the lease is ours from the start)."""
        from betaops.core.approvals import idempotency_key

        job = Job(
            id=f"job-{uuid.uuid4().hex[:16]}",
            tool=action.tool_name,
            approval_id=approval_id,
            key=idempotency_key(approval_id),
            params={"how": how, "args": params.model_dump(mode="json")},
            plan={"preview": shown.preview, "fingerprint": shown.fingerprint, "bound": shown.bound},
            total=size(shown.bound),
        )
        # Ours before it is in the store: this process's scan (same owner, so the lease would not
        # stop it) must not start it a second time while this call is still starting it.
        self.running.add(job.id)
        try:
            await self.store.put_job(job)
            # The approval's first outcome, before anything is sent: a replay finds this job (the final
            # result replaces it when the job ends, so it can never overwrite that).
            answer = started(job, shown).model_dump(mode="json")
            await self.runtime.approvals.settle(approval_id, ApprovalState.EXECUTED, answer)
            taken = bool(self._groups) and await self.store.lease(job.id, self.owner, self.lease_s)
        except BaseException:
            self.running.discard(job.id)
            raise
        if not taken or not self._groups:
            self.running.discard(job.id)
            return job, None  # no lifespan here (or not ours): the next scan anywhere runs it
        handle = self.handles[job.id] = Handle()
        self._groups[-1].start_soon(self._run, job, False)
        return job, handle

    async def scan(self) -> list[str]:
        """Take every open job whose owner is gone (its lease expired); returns the ids taken."""
        taken: list[str] = []
        for job_id in await self.store.open_jobs():
            if not self._groups:
                break
            if job_id in self.running:
                continue
            self.running.add(job_id)  # before any await: nothing else in this process takes it meanwhile
            try:
                job = await self._take(job_id)
            except BaseException:  # e.g. this scan's lifespan closing: the next scan must still see the job
                self.running.discard(job_id)
                raise
            if job is None or not self._groups:
                self.running.discard(job_id)
                if job is not None:
                    await self.store.release(job_id, self.owner)
                continue
            self.handles[job_id] = Handle()
            taken.append(job_id)
            self._groups[-1].start_soon(self._run, job, True)
        return taken

    async def _take(self, job_id: str) -> Job | None:
        """The job, leased to this process, if it is still running and nobody else holds it."""
        if not await self.store.lease(job_id, self.owner, self.lease_s):
            return None
        job = await self.store.get_job(job_id)
        if job is None or job.state is not JobState.RUNNING:
            await self.store.release(job_id, self.owner)
            return None
        return job

    async def _scan_forever(self) -> None:
        while True:
            try:
                await self.scan()
            except Exception:  # a store outage must not end the server; the next scan tries again
                logger.exception("scanning for interrupted jobs failed")
            await anyio.sleep(self.scan_s)

    async def _keep_lease(self, job_id: str, scope: anyio.CancelScope) -> None:
        while True:
            await anyio.sleep(self.lease_s / 3)
            if not await self.store.lease(job_id, self.owner, self.lease_s):
                logger.warning("job %s: lease lost to another replica; stopping here", job_id)
                scope.cancel()
                return

    async def _run(self, job: Job, resumed: bool) -> None:
        from betaops.server import guard

        try:
            with anyio.CancelScope() as scope:
                async with anyio.create_task_group() as tg:
                    tg.start_soon(self._keep_lease, job.id, scope)
                    await self._execute(guard, job, resumed)
                    tg.cancel_scope.cancel()
        finally:
            self.running.discard(job.id)
            handle = self.handles.pop(job.id, None)
            if handle is not None:
                handle.done.set()
            with anyio.CancelScope(shield=True):
                await self.store.release(job.id, self.owner)

    async def _execute(self, guard: Any, job: Job, resumed: bool) -> None:
        entry = self.runtime.catalog.get(job.tool)
        action = entry.action if entry is not None else None
        if not isinstance(action, Task):
            job.state, job.result = JobState.FAILED, {"message": f"{job.tool} is not reachable on this server."}
            await self.store.put_job(job)
            return
        params = action.params.model_validate(job.params["args"])
        approved = Plan(job.plan["preview"], job.plan["fingerprint"], job.plan["bound"])
        todo, earlier = approved, None
        if resumed:
            job.resumed += 1
            await self.store.put_job(job)
            logger.info("job %s: resuming (%s)", job.id, job.tool)
            try:
                fresh = await guard.plan(self.runtime, action, params)
            except ProviderError as exc:
                job.state, job.result = JobState.FAILED, {"message": f"Re-reading before resuming failed: {exc}"}
                await self.store.put_job(job)
                return
            # A resumed run acts on what was still to do; the rest of the approval is named, never dropped.
            still, earlier = split(approved.bound, fresh.bound)
            todo = Plan(approved.preview, approved.fingerprint, still)
        journal = Journal(self.store, job.id, await self.store.items(job.id))
        handle = self.handles.get(job.id) or Handle()
        try:
            outcome = await guard.send(
                self.runtime,
                action,
                params,
                todo,
                job.approval_id,
                job.params["how"],
                job.approval_id,
                handle.report,
                journal,
            )
        except ProviderError as exc:
            handle.error = exc
            job.state, job.result = JobState.FAILED, {"message": str(exc), "changed": exc.changed}
        except Exception as exc:  # a bug in one job must not end the lifespan that runs every job
            logger.exception("job %s (%s) stopped on an internal error", job.id, job.tool)
            handle.error = ProviderError(
                "betaops",
                f"the job stopped on an internal error ({type(exc).__name__}).",
                operation=job.tool,
                hint="betaops_job_status lists what each item did; check the rest before trying again.",
                changed=None,
            )
            job.state, job.result = JobState.FAILED, {"message": str(handle.error), "changed": None}
        else:
            update: dict[str, Any] = {"job_id": job.id}
            if earlier is not None:
                update["message"] = (
                    f"{outcome.message} The job was resumed after an interruption: this result covers what "
                    f"was still to do then. {size(earlier)} approved item(s) were already done (finished before "
                    "the interruption, or found done when re-read) and are listed in the job's "
                    "done_before_resuming (betaops_job_status)."
                )
            handle.outcome = outcome.model_copy(update=update)
            final = handle.outcome.model_dump(mode="json")
            await self.runtime.approvals.settle(
                job.approval_id, ApprovalState.EXECUTED, final
            )  # a replay names the job
            job.state, job.result = JobState.DONE, final
        if earlier is not None and isinstance(job.result, dict):
            job.result["done_before_resuming"] = earlier
        await self.store.put_job(job)
