"""The one state store: what must outlive a process and be shared by replicas.

It holds four things, so that a restart or a second replica loses none of them:
- spent approvals (the `ApprovalStore` protocol of `core/approvals.py`): one approval, one write;
- jobs: a bulk write in flight, with the outcome of each item, resumable by any replica;
- pacing windows: write slots per provider, so N replicas together stay under one provider limit;
- rate-limit headroom: the provider's last word on our quota, as any replica last heard it.

Two implementations, chosen at start-up by `open_store`: embedded SQLite in the state directory
(the default, `core/state_sqlite.py`) and Redis when `BETAOPS_STATE_URL=redis://...`
(`core/state_redis.py`).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from betaops.core.approvals import ApprovalStore
from betaops.core.errors import ConfigError


class JobState(StrEnum):
    RUNNING = "running"  # owned by a replica (or waiting for one to resume it)
    DONE = "done"  # the task finished: `result` holds the write's outcome
    FAILED = "failed"  # the task stopped on an error: `result` says what is known


@dataclass
class Job:
    """A bulk write approved once and run in the background, item by item.

    Everything needed to resume it on another replica is here: the tool, its validated
    arguments, the approved plan (preview, fingerprint, bound) and the approval's idempotency key.
    """

    id: str
    tool: str
    approval_id: str
    key: str
    params: dict[str, Any]
    plan: dict[str, Any]  # {"preview", "fingerprint", "bound"} as approved
    total: int  # items the plan covers (an estimate of the work, shown as progress)
    state: JobState = JobState.RUNNING
    created: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)
    result: dict[str, Any] | None = None
    resumed: int = 0  # how many times another run picked it up after an interruption

    def dump(self) -> dict[str, Any]:
        data = asdict(self)
        data["state"] = self.state.value
        return data

    @classmethod
    def load(cls, data: dict[str, Any]) -> Job:
        return cls(**{**data, "state": JobState(data["state"])})


class ItemState(StrEnum):
    SENDING = "sending"  # sent, or about to be: the outcome is not known (checked before any resend)
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Headroom:
    limit: int | None
    remaining: int | None
    observed_at: float | None


class StateStore(ApprovalStore, Protocol):
    """Approvals, jobs, pacing and headroom, behind one interface (see the module docstring)."""

    shared: bool  # True when separate processes on separate hosts see the same state (Redis)

    async def health(self) -> tuple[bool, str]:
        """Whether the store answers now, and why not."""
        ...

    # ---------------------------------------------------------------- jobs
    async def put_job(self, job: Job) -> None: ...

    async def get_job(self, job_id: str) -> Job | None: ...

    async def open_jobs(self) -> list[str]:
        """Ids of jobs not finished (running, or interrupted and waiting to be resumed)."""
        ...

    async def lease(self, job_id: str, owner: str, ttl_s: float) -> bool:
        """Take or renew the right to run a job; False while another owner's lease is live."""
        ...

    async def release(self, job_id: str, owner: str) -> None: ...

    async def record_item(self, job_id: str, item: str, state: ItemState, detail: dict[str, Any]) -> None:
        """One item's outcome, written before the next item is sent."""
        ...

    async def items(self, job_id: str) -> dict[str, tuple[ItemState, dict[str, Any]]]: ...

    # ---------------------------------------------------------------- pacing and headroom
    async def take_slot(self, window: str, limit: int, window_s: float, slot: str) -> float:
        """Take a write slot in a sliding window shared by every user of the store.

        Returns 0 when taken, else the seconds until one frees (nothing taken)."""
        ...

    async def settle_slot(self, window: str, slot: str) -> None:
        """The slot's request was answered: it counts from now (see `core/ratelimit.py`)."""
        ...

    async def slots_free(self, window: str, limit: int, window_s: float) -> int: ...

    async def put_headroom(self, provider: str, headroom: Headroom) -> None: ...

    async def get_headroom(self, provider: str) -> Headroom | None: ...

    async def aclose(self) -> None: ...


def open_store(url: str | None, state_dir: Path) -> StateStore:
    """The store chosen at start-up: Redis for `redis://` / `rediss://` / `unix://` URLs, else embedded."""
    if url:
        if url.split(":", 1)[0] not in ("redis", "rediss", "unix"):
            raise ConfigError(
                "betaops",
                f"BETAOPS_STATE_URL must be a redis:// URL, not {url.split(':', 1)[0]}://.",
                hint="Unset it to use the embedded store in the state directory.",
            )
        from betaops.core.state_redis import RedisState

        return RedisState(url)
    from betaops.core.state_sqlite import SqliteState

    return SqliteState(state_dir / "state.sqlite3")
