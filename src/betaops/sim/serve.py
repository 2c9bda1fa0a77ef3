"""`betaops sandbox serve`: the four simulators over HTTP on loopback, one port each.

Replicas in tests and benchmarks must talk to one provider, as they would in production; other
tools can be pointed at the same sandbox too. Each simulator runs on the wall clock (so the JWTs
and OAuth tokens betaops signs with real time are accepted), with its seeded data. `settings()`
prints the environment that points betaops at them through each provider's own base-URL setting.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import anyio

LOOPBACK = "127.0.0.1"
ORDER = ("betatesting", "testflight", "betasend", "alexa")


@dataclass(frozen=True)
class Served:
    name: str
    port: int
    app: Any
    env: dict[str, str]


def build(
    port: int, *, write_limit: int | None = None, write_window_s: float | None = None, read_limit: int | None = None
) -> list[Served]:
    """The simulators on `port`, `port + 1`, ...; the limits set BetaTesting's quotas (reads per minute)."""
    from betaops.providers.alexa.simulator import app as alexa_app
    from betaops.providers.alexa.simulator import config as alexa_sim
    from betaops.providers.betasend.simulator import app as betasend_app
    from betaops.providers.betasend.simulator import config as betasend_sim
    from betaops.providers.betatesting.simulator import app as bt_app
    from betaops.providers.betatesting.simulator import config as bt_sim
    from betaops.providers.testflight.simulator import app as tf_app
    from betaops.providers.testflight.simulator import config as tf_sim

    quota: dict[str, Any] = {}
    if write_limit is not None:
        quota["write_limit"] = write_limit
    if write_window_s is not None:
        quota["write_window_s"] = write_window_s
    if read_limit is not None:
        quota["read_limit"] = read_limit
    urls = {name: f"http://{LOOPBACK}:{port + i}" for i, name in enumerate(ORDER)}
    bt = bt_app.create_app(config=bt_sim.SimConfig(clock=time.time, **quota))
    tf = tf_app.create_app(config=tf_sim.SimConfig(clock=time.time))
    bs = betasend_app.create_app(config=betasend_sim.SimConfig(clock=time.time))
    al = alexa_app.create_app(config=alexa_sim.SimConfig(clock=time.time))
    bt_env = {
        "BETATESTING_BASE_URL": f"{urls['betatesting']}/api/external/v2",
        "BETATESTING_API_KEY": bt_sim.SANDBOX_API_KEY,
    }
    if write_limit is not None:
        bt_env["BETATESTING_WRITE_LIMIT_PER_MINUTE"] = str(write_limit)
    if write_window_s is not None:
        bt_env["BETATESTING_WRITE_WINDOW_S"] = str(write_window_s)
    tf_env = {
        "TESTFLIGHT_BASE_URL": urls["testflight"],
        "TESTFLIGHT_WRITE_LIMIT_PER_MINUTE": "1800",  # the simulator allows 3,600 an hour; a sandbox need not wait
        "TESTFLIGHT_KEY_ID": tf_sim.SANDBOX_KEY_ID,
        "TESTFLIGHT_ISSUER_ID": tf_sim.SANDBOX_ISSUER_ID,
        "TESTFLIGHT_PRIVATE_KEY": tf_sim.SANDBOX_PRIVATE_KEY_PEM,
    }
    bs_env = {  # BETASEND_BASE_URL: the Betasend settings gain it separately; until then, set it there
        "BETASEND_BASE_URL": f"{urls['betasend']}/api/v1",
        "BETASEND_DOMAIN": betasend_sim.SANDBOX_DOMAIN,
        "BETASEND_API_KEY": betasend_sim.SANDBOX_API_KEY,
        "BETASEND_HASH": betasend_sim.SANDBOX_HASH,
    }
    al_env = {
        "ALEXA_BASE_URL": urls["alexa"],
        "ALEXA_TOKEN_URL": f"{urls['alexa']}/auth/o2/token",
        "ALEXA_CLIENT_ID": alexa_sim.SANDBOX_CLIENT_ID,
        "ALEXA_CLIENT_SECRET": alexa_sim.SANDBOX_CLIENT_SECRET,
        "ALEXA_REFRESH_TOKEN": alexa_sim.SANDBOX_REFRESH_TOKEN,
    }
    return [
        Served("betatesting", port, bt, bt_env),
        Served("testflight", port + 1, tf, tf_env),
        Served("betasend", port + 2, bs, bs_env),
        Served("alexa", port + 3, al, al_env),
    ]


LOG_PATH = "/_sandbox/log"


class Observed:
    """A served simulator plus `GET /_sandbox/log`: what it answered and executed, for benchmarks.

    Replicas in other processes share this one simulator; the log is how a benchmark counts, from
    the provider's side, every write that executed, every write request that arrived (one the
    idempotency store replayed included), every 429, and any person or message twice."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.statuses: dict[int, int] = {}
        self.write_requests = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == LOG_PATH:
            from starlette.responses import JSONResponse

            await JSONResponse(self.log())(scope, receive, send)
            return
        if scope["type"] == "http" and scope["method"] != "GET":
            self.write_requests += 1

        async def counted(message: Any) -> None:
            if message["type"] == "http.response.start":
                self.statuses[message["status"]] = self.statuses.get(message["status"], 0) + 1
            await send(message)

        await self.app(scope, receive, counted)

    def log(self) -> dict[str, Any]:
        state = self.app.state.sim.state
        writes = [{"method": w.method, "path": w.path, "at": w.at} for w in state.write_log]
        repeated: dict[str, int] = {}
        if hasattr(state, "resources"):  # TestFlight: testers by email, and group memberships
            emails: dict[str, int] = {}
            for tester in state.resources["betaTesters"].values():
                email = str(tester.attributes.get("email"))
                emails[email] = emails.get(email, 0) + 1
            for group in state.resources["betaGroups"].values():
                ids = group.rels.get("betaTesters", [])
                for tid in set(ids):
                    if ids.count(tid) > 1:
                        repeated[f"member {tid}"] = ids.count(tid)
            repeated |= {e: n for e, n in emails.items() if n > 1}
        if hasattr(state, "messages"):  # BetaTesting: messages by (tester, body)
            bodies: dict[str, int] = {}
            for m in state.messages.values():
                key = f"{m.tester_id}:{m.body}"
                bodies[key] = bodies.get(key, 0) + 1
            repeated |= {k: n for k, n in bodies.items() if n > 1}
        return {
            "statuses": self.statuses,
            "writes": writes,
            "write_requests": self.write_requests,
            "repeated": repeated,
        }


def settings(served: list[Served]) -> str:
    """Shell lines that point betaops at the served simulators (sandbox credentials only)."""
    lines = []
    for one in served:
        lines += [f"export {k}={_quote(v)}" for k, v in one.env.items()]
    return "\n".join(lines)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\"'\"'") + "'"


async def serve(served: list[Served]) -> None:
    """Serve every simulator on loopback until cancelled."""
    import uvicorn

    async with anyio.create_task_group() as tg:
        for one in served:
            config = uvicorn.Config(
                Observed(one.app), host=LOOPBACK, port=one.port, log_level="warning", lifespan="off"
            )
            tg.start_soon(uvicorn.Server(config).serve)
