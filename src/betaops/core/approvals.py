"""The single-use record of approvals: one approval, at most one write.

Every approval has an id: an elicited answer (a fresh id in the handshake era; the digest of the
sealed round in the 2026-07-28 era, so a replayed round has the same id), or a confirmation token's
nonce. Before a write is sent, its approval id is claimed here. A repeat of the same approval (a
replayed round or token, a retry after a lost answer, a call after a restart) finds the claim and
sends nothing new: it gets the first outcome back, or, when that outcome is unknown, may repeat the
request only under the same idempotency key, derived from the approval id.

The store is one small interface. `SqliteApprovals` is the embedded default (a file in the state
directory, written before the write is sent, no server to run); a shared store for several
replicas implements the same four methods.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import anyio


class State(StrEnum):
    SENDING = "sending"  # claimed and sent (or about to be): the outcome is not known yet
    EXECUTED = "executed"  # the provider answered with success
    FAILED = "failed"  # the provider refused: nothing was changed


@dataclass(frozen=True)
class Record:
    """What is known about one approval's write."""

    approval_id: str
    tool: str
    how: str  # elicitation, token, confirm-never
    state: State
    at: float
    outcome: dict[str, Any] | None = None  # the tool result first returned, for a repeat

    @property
    def idempotency_key(self) -> str:
        return idempotency_key(self.approval_id)


def idempotency_key(approval_id: str) -> str:
    """The provider idempotency key of an approval: the same for every repeat of it."""
    return f"betaops-{hashlib.sha256(approval_id.encode()).hexdigest()[:40]}"


class ApprovalStore(Protocol):
    async def claim(self, approval_id: str, *, tool: str, how: str) -> Record | None:
        """Record the approval as spent; None if this call claimed it, else the earlier record."""
        ...

    async def settle(self, approval_id: str, state: State, outcome: dict[str, Any] | None) -> None:
        """Record the write's outcome (EXECUTED or FAILED); SENDING stays for an unknown one."""
        ...

    async def get(self, approval_id: str) -> Record | None: ...

    def describe(self) -> str:
        """Which store this is, for betaops_context and /health."""
        ...


class SqliteApprovals:
    """Approvals in one SQLite file (or in memory, for a throwaway runtime). Safe across processes."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL" if self.path != ":memory:" else "PRAGMA journal_mode=MEMORY")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS approvals (id TEXT PRIMARY KEY, tool TEXT NOT NULL, how TEXT NOT NULL,"
                " state TEXT NOT NULL, at REAL NOT NULL, outcome TEXT)"
            )

    def _row(self, approval_id: str) -> Record | None:
        row = self._db.execute(
            "SELECT id, tool, how, state, at, outcome FROM approvals WHERE id = ?", (approval_id,)
        ).fetchone()
        if row is None:
            return None
        return Record(row[0], row[1], row[2], State(row[3]), row[4], json.loads(row[5]) if row[5] else None)

    def _claim(self, approval_id: str, tool: str, how: str) -> Record | None:
        with self._lock:
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO approvals (id, tool, how, state, at) VALUES (?, ?, ?, ?, ?)",
                (approval_id, tool, how, State.SENDING.value, time.time()),
            ).rowcount
            return None if inserted == 1 else self._row(approval_id)

    def _settle(self, approval_id: str, state: State, outcome: dict[str, Any] | None) -> None:
        body = json.dumps(outcome, ensure_ascii=False, default=str) if outcome is not None else None
        with self._lock:
            self._db.execute(
                "UPDATE approvals SET state = ?, outcome = ? WHERE id = ?", (state.value, body, approval_id)
            )

    def _get(self, approval_id: str) -> Record | None:
        with self._lock:
            return self._row(approval_id)

    async def claim(self, approval_id: str, *, tool: str, how: str) -> Record | None:
        return await anyio.to_thread.run_sync(self._claim, approval_id, tool, how)

    async def settle(self, approval_id: str, state: State, outcome: dict[str, Any] | None) -> None:
        await anyio.to_thread.run_sync(self._settle, approval_id, state, outcome)

    async def get(self, approval_id: str) -> Record | None:
        return await anyio.to_thread.run_sync(self._get, approval_id)

    def describe(self) -> str:
        return "memory (this process only)" if self.path == ":memory:" else f"sqlite {self.path}"

    def close(self) -> None:
        with self._lock:
            self._db.close()


def default_state_dir() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "betaops"
