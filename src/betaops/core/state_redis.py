"""The shared state store: Redis, for several replicas (`BETAOPS_STATE_URL=redis://...`).

Single use is atomic in Redis itself: an approval is claimed with `SET NX`, so of two replicas
that receive the same replayed token at once exactly one sends. Pacing is one sliding window per
provider shared by every replica: a sorted set of slots scored by Redis' own clock (`TIME`), taken
and pruned in one Lua script, so N replicas together never exceed one provider limit. Job leases
are keys with a TTL: a killed replica's lease expires and another replica takes the job.
"""

from __future__ import annotations

import json
import time
from typing import Any

from redis.asyncio import Redis

from betaops.core.approvals import Record, State
from betaops.core.state import Headroom, ItemState, Job, JobState

PREFIX = "betaops:"

# KEYS[1] window; ARGV limit, window in ms, slot name. Returns {1, 0} when taken, else {0, ms to wait}.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(tonumber(oldest[2]) + window - now, 1)}
"""

# The slot counts from when its request was answered (never earlier than it was taken).
_SETTLE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', 'GT', now, ARGV[1])
"""

_FREE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
return redis.call('ZCARD', KEYS[1])
"""

# Renew a lease only while it is still ours.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _record(raw: str | bytes) -> Record:
    data = json.loads(raw)
    return Record(data["id"], data["tool"], data["how"], State(data["state"]), data["at"], data.get("outcome"))


class RedisState:
    """Approvals, jobs, pacing windows and headroom in one Redis (see the module docstring)."""

    shared = True

    def __init__(self, url: str) -> None:
        self.url = url
        self._redis: Redis = Redis.from_url(url, decode_responses=True, socket_timeout=10, socket_connect_timeout=5)
        self._take = self._redis.register_script(_TAKE)
        self._settle = self._redis.register_script(_SETTLE)
        self._free = self._redis.register_script(_FREE)
        self._renew = self._redis.register_script(_RENEW)
        self._release = self._redis.register_script(_RELEASE)

    def describe(self) -> str:
        kwargs = self._redis.connection_pool.connection_kwargs
        where = kwargs.get("path") or f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"
        return f"redis {where} (shared by every replica)"  # never the password

    async def health(self) -> tuple[bool, str]:
        try:
            await self._redis.ping()
        except Exception as exc:  # any failure to answer is "unhealthy", reported with its reason
            return False, f"{type(exc).__name__}: {exc}"
        return True, "ok"

    # ---------------------------------------------------------------- approvals
    async def claim(self, approval_id: str, *, tool: str, how: str) -> Record | None:
        key = f"{PREFIX}approval:{approval_id}"
        body = {"id": approval_id, "tool": tool, "how": how, "state": State.SENDING.value, "at": time.time()}
        if await self._redis.set(key, json.dumps(body), nx=True):
            return None
        raw = await self._redis.get(key)
        assert raw is not None  # approvals are never deleted
        return _record(raw)

    async def settle(self, approval_id: str, state: State, outcome: dict[str, Any] | None) -> None:
        key = f"{PREFIX}approval:{approval_id}"
        raw = await self._redis.get(key)
        if raw is None:
            return
        body = json.loads(raw)
        body.update(state=state.value, outcome=outcome)
        await self._redis.set(key, json.dumps(body, default=str), xx=True)

    async def get(self, approval_id: str) -> Record | None:
        raw = await self._redis.get(f"{PREFIX}approval:{approval_id}")
        return _record(raw) if raw is not None else None

    # ---------------------------------------------------------------- jobs
    async def put_job(self, job: Job) -> None:
        job.updated = time.time()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(f"{PREFIX}job:{job.id}", json.dumps(job.dump(), default=str))
            if job.state is JobState.RUNNING:
                pipe.sadd(f"{PREFIX}jobs:open", job.id)
            else:
                pipe.srem(f"{PREFIX}jobs:open", job.id)
            await pipe.execute()

    async def get_job(self, job_id: str) -> Job | None:
        raw = await self._redis.get(f"{PREFIX}job:{job_id}")
        return Job.load(json.loads(raw)) if raw is not None else None

    async def open_jobs(self) -> list[str]:
        return sorted(str(m) for m in await self._redis.smembers(f"{PREFIX}jobs:open"))

    async def lease(self, job_id: str, owner: str, ttl_s: float) -> bool:
        return bool(await self._renew(keys=[f"{PREFIX}lease:{job_id}"], args=[owner, max(int(ttl_s * 1000), 1)]))

    async def release(self, job_id: str, owner: str) -> None:
        await self._release(keys=[f"{PREFIX}lease:{job_id}"], args=[owner])

    async def record_item(self, job_id: str, item: str, state: ItemState, detail: dict[str, Any]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(f"{PREFIX}job:{job_id}:items", item, json.dumps([state.value, detail], default=str))
            pipe.rpush(f"{PREFIX}job:{job_id}:order", item)
            await pipe.execute()

    async def items(self, job_id: str) -> dict[str, tuple[ItemState, dict[str, Any]]]:
        order = await self._redis.lrange(f"{PREFIX}job:{job_id}:order", 0, -1)
        raw = await self._redis.hgetall(f"{PREFIX}job:{job_id}:items")
        out: dict[str, tuple[ItemState, dict[str, Any]]] = {}
        for entry in order:
            item = str(entry)
            if item in raw and item not in out:
                state, detail = json.loads(raw[item])
                out[item] = (ItemState(state), detail)
        return out

    # ---------------------------------------------------------------- pacing and headroom
    async def take_slot(self, window: str, limit: int, window_s: float, slot: str) -> float:
        taken, wait_ms = await self._take(keys=[f"{PREFIX}window:{window}"], args=[limit, int(window_s * 1000), slot])
        return 0.0 if int(taken) == 1 else int(wait_ms) / 1000

    async def settle_slot(self, window: str, slot: str) -> None:
        await self._settle(keys=[f"{PREFIX}window:{window}"], args=[slot])

    async def slots_free(self, window: str, limit: int, window_s: float) -> int:
        used = await self._free(keys=[f"{PREFIX}window:{window}"], args=[int(window_s * 1000)])
        return max(limit - int(used), 0)

    async def put_headroom(self, provider: str, headroom: Headroom) -> None:
        body = [headroom.limit, headroom.remaining, headroom.observed_at]
        await self._redis.set(f"{PREFIX}headroom:{provider}", json.dumps(body))

    async def get_headroom(self, provider: str) -> Headroom | None:
        raw = await self._redis.get(f"{PREFIX}headroom:{provider}")
        return Headroom(*json.loads(raw)) if raw is not None else None

    async def aclose(self) -> None:
        await self._redis.aclose()
