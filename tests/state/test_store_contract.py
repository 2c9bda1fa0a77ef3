"""The one state-store interface, held to the same contract by both implementations.

Embedded SQLite (in the state dir) and Redis (a real redis-server) must agree on every promise:
one claim per approval even under concurrent claimers, leases that exclude until they expire,
a sliding window that never grants more than its limit, and item outcomes kept in order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from betaops.core.approvals import State
from betaops.core.errors import ConfigError
from betaops.core.state import Headroom, ItemState, Job, JobState, StateStore, open_store
from betaops.core.state_redis import RedisState
from betaops.core.state_sqlite import SqliteState

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StateStore]:
    made: StateStore
    if request.param == "sqlite":
        made = open_store(None, tmp_path)
        assert isinstance(made, SqliteState)
    else:
        made = open_store(request.getfixturevalue("redis_url"), tmp_path)
        assert isinstance(made, RedisState)
    try:
        yield made
    finally:
        await made.aclose()


async def test_concurrent_claims_of_one_approval_let_exactly_one_through(store: StateStore) -> None:
    winners: list[int] = []

    async def claim(n: int) -> None:
        if await store.claim("token:abc", tool="t", how="token") is None:
            winners.append(n)

    async with anyio.create_task_group() as tg:
        for n in range(20):
            tg.start_soon(claim, n)
    assert len(winners) == 1
    await store.settle("token:abc", State.EXECUTED, {"message": "done"})
    record = await store.get("token:abc")
    assert record is not None and record.state is State.EXECUTED and record.outcome == {"message": "done"}


async def test_a_lease_excludes_others_until_it_expires(store: StateStore) -> None:
    assert await store.lease("job-1", "a", 0.5)
    assert not await store.lease("job-1", "b", 0.5)
    assert await store.lease("job-1", "a", 0.5)  # renewal by the owner
    await anyio.sleep(0.7)
    assert await store.lease("job-1", "b", 5)
    await store.release("job-1", "a")  # not a's any more: no effect
    assert not await store.lease("job-1", "a", 5)
    await store.release("job-1", "b")
    assert await store.lease("job-1", "a", 5)


async def test_jobs_and_item_outcomes_round_trip_in_order(store: StateStore) -> None:
    job = Job("job-x", "testflight_invite_testers", "token:n", "key", {"args": {}}, {"bound": {}}, 3)
    await store.put_job(job)
    assert await store.open_jobs() == ["job-x"]
    for n in (3, 1, 2):
        await store.record_item("job-x", f"i{n}", ItemState.SENDING, {"n": n})
    await store.record_item("job-x", "i1", ItemState.DONE, {"n": 1})
    items = await store.items("job-x")
    assert list(items) == ["i3", "i1", "i2"]
    assert items["i1"] == (ItemState.DONE, {"n": 1})
    job.state = JobState.DONE
    await store.put_job(job)
    assert await store.open_jobs() == []
    loaded = await store.get_job("job-x")
    assert loaded is not None and loaded.state is JobState.DONE


async def test_the_window_grants_at_most_its_limit_and_says_how_long_to_wait(store: StateStore) -> None:
    granted = 0

    async def take(n: int) -> None:
        nonlocal granted
        if await store.take_slot("w", 5, 1.0, f"s{n}") == 0:
            granted += 1

    async with anyio.create_task_group() as tg:
        for n in range(12):
            tg.start_soon(take, n)
    assert granted == 5
    assert await store.slots_free("w", 5, 1.0) == 0
    wait = await store.take_slot("w", 5, 1.0, "late")
    assert 0 < wait <= 1.0
    await anyio.sleep(wait + 0.05)
    assert await store.take_slot("w", 5, 1.0, "late") == 0


async def test_a_settled_slot_counts_from_its_answer(store: StateStore) -> None:
    assert await store.take_slot("w", 1, 0.6, "a") == 0
    await anyio.sleep(0.4)
    await store.settle_slot("w", "a")  # answered 0.4 s after it was taken: free 0.6 s from now
    await anyio.sleep(0.3)  # 0.7 s after taking, 0.3 s after the answer
    assert await store.take_slot("w", 1, 0.6, "b") > 0


async def test_headroom_and_health(store: StateStore) -> None:
    assert await store.get_headroom("tf") is None
    await store.put_headroom("tf", Headroom(3600, 12, 1.5))
    assert await store.get_headroom("tf") == Headroom(3600, 12, 1.5)
    assert await store.health() == (True, "ok")


async def test_an_unreachable_redis_is_reported_unhealthy(tmp_path: Path) -> None:
    from tests.redis_server import free_port

    store = open_store(f"redis://127.0.0.1:{free_port()}/0", tmp_path)
    healthy, why = await store.health()
    await store.aclose()
    assert not healthy and "ConnectionError" in why
    assert "redis 127.0.0.1" in store.describe()


def test_only_redis_urls_are_accepted(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="redis://"):
        open_store("postgres://x", tmp_path)
