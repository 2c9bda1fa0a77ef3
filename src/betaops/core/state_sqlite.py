"""The embedded state store: one SQLite file in the state directory, no server to run.

Every write commits before the caller goes on (WAL, synchronous=FULL), so a killed process loses
nothing it reported. Processes that share the state directory on one host share the state too
(SQLite locks the file); replicas on separate hosts need the Redis store.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import anyio

from betaops.core.approvals import SqliteApprovals
from betaops.core.state import Headroom, ItemState, Job, JobState

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS job_items (job TEXT NOT NULL, item TEXT NOT NULL, seq INTEGER NOT NULL,"
    " state TEXT NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (job, item))",
    "CREATE TABLE IF NOT EXISTS leases (job TEXT PRIMARY KEY, owner TEXT NOT NULL, until REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS slots (win TEXT NOT NULL, slot TEXT NOT NULL, at REAL NOT NULL,"
    " PRIMARY KEY (win, slot))",
    "CREATE TABLE IF NOT EXISTS headroom (provider TEXT PRIMARY KEY, body TEXT NOT NULL)",
)


class SqliteState(SqliteApprovals):
    """Approvals (inherited), jobs, pacing windows and headroom in one SQLite file."""

    shared = False

    def __init__(self, path: Path | str) -> None:
        super().__init__(path)
        with self._lock:
            for statement in _SCHEMA:
                self._db.execute(statement)

    def describe(self) -> str:
        return "memory (this process only)" if self.path == ":memory:" else f"embedded sqlite {self.path}"

    async def _run(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        def go() -> list[Any]:
            with self._lock:
                return self._db.execute(sql, args).fetchall()

        return await anyio.to_thread.run_sync(go)

    async def _transaction(self, fn: Any) -> Any:
        """Run fn(db) inside BEGIN IMMEDIATE: atomic against other processes sharing the file."""

        def go() -> Any:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    out = fn(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return out

        return await anyio.to_thread.run_sync(go)

    async def health(self) -> tuple[bool, str]:
        try:
            await self._run("SELECT 1")
        except Exception as exc:  # any failure to answer is "unhealthy", reported with its reason
            return False, f"{type(exc).__name__}: {exc}"
        return True, "ok"

    # ---------------------------------------------------------------- jobs
    async def put_job(self, job: Job) -> None:
        job.updated = time.time()
        await self._run(
            "INSERT OR REPLACE INTO jobs (id, state, body) VALUES (?, ?, ?)",
            (job.id, job.state.value, json.dumps(job.dump(), default=str)),
        )

    async def get_job(self, job_id: str) -> Job | None:
        rows = await self._run("SELECT body FROM jobs WHERE id = ?", (job_id,))
        return Job.load(json.loads(rows[0][0])) if rows else None

    async def open_jobs(self) -> list[str]:
        rows = await self._run("SELECT id FROM jobs WHERE state = ?", (JobState.RUNNING.value,))
        return [r[0] for r in rows]

    async def lease(self, job_id: str, owner: str, ttl_s: float) -> bool:
        def take(db: Any) -> bool:
            now = time.time()
            row = db.execute("SELECT owner, until FROM leases WHERE job = ?", (job_id,)).fetchone()
            if row is not None and row[0] != owner and row[1] > now:
                return False
            db.execute(
                "INSERT OR REPLACE INTO leases (job, owner, until) VALUES (?, ?, ?)", (job_id, owner, now + ttl_s)
            )
            return True

        result: bool = await self._transaction(take)
        return result

    async def release(self, job_id: str, owner: str) -> None:
        await self._run("DELETE FROM leases WHERE job = ? AND owner = ?", (job_id, owner))

    async def record_item(self, job_id: str, item: str, state: ItemState, detail: dict[str, Any]) -> None:
        body = json.dumps(detail, default=str)
        await self._run(
            "INSERT INTO job_items (job, item, seq, state, detail) VALUES (?, ?,"
            " (SELECT COUNT(*) FROM job_items WHERE job = ?), ?, ?)"
            " ON CONFLICT (job, item) DO UPDATE SET state = excluded.state, detail = excluded.detail",
            (job_id, item, job_id, state.value, body),
        )

    async def items(self, job_id: str) -> dict[str, tuple[ItemState, dict[str, Any]]]:
        rows = await self._run("SELECT item, state, detail FROM job_items WHERE job = ? ORDER BY seq", (job_id,))
        return {r[0]: (ItemState(r[1]), json.loads(r[2])) for r in rows}

    # ---------------------------------------------------------------- pacing and headroom
    async def take_slot(self, window: str, limit: int, window_s: float, slot: str) -> float:
        def take(db: Any) -> float:
            now = time.time()
            db.execute("DELETE FROM slots WHERE win = ? AND at <= ?", (window, now - window_s))
            (count, oldest) = db.execute("SELECT COUNT(*), MIN(at) FROM slots WHERE win = ?", (window,)).fetchone()
            if count < limit:
                db.execute("INSERT INTO slots (win, slot, at) VALUES (?, ?, ?)", (window, slot, now))
                return 0.0
            return max(float(oldest) + window_s - now, 0.001)

        wait: float = await self._transaction(take)
        return wait

    async def settle_slot(self, window: str, slot: str) -> None:
        await self._run("UPDATE slots SET at = MAX(at, ?) WHERE win = ? AND slot = ?", (time.time(), window, slot))

    async def slots_free(self, window: str, limit: int, window_s: float) -> int:
        rows = await self._run("SELECT COUNT(*) FROM slots WHERE win = ? AND at > ?", (window, time.time() - window_s))
        return max(limit - int(rows[0][0]), 0)

    async def put_headroom(self, provider: str, headroom: Headroom) -> None:
        body = json.dumps([headroom.limit, headroom.remaining, headroom.observed_at])
        await self._run("INSERT OR REPLACE INTO headroom (provider, body) VALUES (?, ?)", (provider, body))

    async def get_headroom(self, provider: str) -> Headroom | None:
        rows = await self._run("SELECT body FROM headroom WHERE provider = ?", (provider,))
        return Headroom(*json.loads(rows[0][0])) if rows else None

    async def aclose(self) -> None:
        self.close()
