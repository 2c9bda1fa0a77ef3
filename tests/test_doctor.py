"""`betaops doctor` against the four simulators: good, wrong and missing credentials, no secret printed.

The simulators check credentials as the providers do (keys, signed JWTs, Login with Amazon, form
keys). In-process tests reach them through their ASGI transports; the subprocess test runs the
installed `betaops` entry point against simulators served over loopback HTTP.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from betaops.doctor import MASK, diagnose, redact, report
from betaops.providers.alexa import provider as alexa
from betaops.providers.alexa.simulator import app as alexa_sim
from betaops.providers.alexa.simulator import config as alexa_cfg
from betaops.providers.alexa.simulator import seed as alexa_seed
from betaops.providers.betasend.simulator import app as betasend_sim
from betaops.providers.betasend.simulator import config as betasend_cfg
from betaops.providers.betatesting import provider as betatesting
from betaops.providers.betatesting.simulator import app as betatesting_sim
from betaops.providers.betatesting.simulator import config as betatesting_cfg
from betaops.providers.testflight import provider as testflight
from betaops.providers.testflight.simulator import app as testflight_sim
from betaops.providers.testflight.simulator import config as testflight_cfg
from betaops.settings import Settings
from betaops.sim.transport import sim_transport

pytestmark = pytest.mark.anyio
PREFIXES = ("BETATESTING_", "TESTFLIGHT_", "ALEXA_", "BETASEND_", "BETAOPS_")
WRONG_BTST = "btst_" + "Z9" * 32
WRONG_REFRESH = "Atzr|not-the-sandbox-refresh-token-0123456789"
WRONG_HASH = "0123456789abcdef0123456789abcdef"


def other_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def tls(url: str) -> str:
    """The sandbox URL as https: live settings take TLS only (beyond loopback); the transport ignores the host."""
    return url.replace("http://", "https://", 1)


def good_env(urls: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Each provider's variables holding the credentials its simulator accepts."""
    urls = urls or {}
    return {
        "betatesting": {
            "BETATESTING_API_KEY": betatesting_cfg.SANDBOX_API_KEY,
            "BETATESTING_BASE_URL": urls.get("betatesting", tls(betatesting.SANDBOX_BASE_URL)),
        },
        "testflight": {
            "TESTFLIGHT_KEY_ID": testflight_cfg.SANDBOX_KEY_ID,
            "TESTFLIGHT_ISSUER_ID": testflight_cfg.SANDBOX_ISSUER_ID,
            "TESTFLIGHT_PRIVATE_KEY": testflight_cfg.SANDBOX_PRIVATE_KEY_PEM,
            "TESTFLIGHT_BASE_URL": urls.get("testflight", tls(testflight.SANDBOX_BASE_URL)),
        },
        "alexa": {
            "ALEXA_CLIENT_ID": alexa_cfg.SANDBOX_CLIENT_ID,
            "ALEXA_CLIENT_SECRET": alexa_cfg.SANDBOX_CLIENT_SECRET,
            "ALEXA_REFRESH_TOKEN": alexa_cfg.SANDBOX_REFRESH_TOKEN,
            "ALEXA_BASE_URL": urls.get("alexa", tls(alexa.SANDBOX_BASE_URL)),
            "ALEXA_TOKEN_URL": urls.get("alexa", tls(alexa.SANDBOX_BASE_URL)) + alexa_cfg.TOKEN_PATH,
        },
        "betasend": {
            "BETASEND_DOMAIN": "sandbox",
            "BETASEND_API_KEY": betasend_cfg.SANDBOX_API_KEY,
            "BETASEND_HASH": betasend_cfg.SANDBOX_HASH,
        },
    }


def apps() -> dict[str, object]:
    """Fresh simulators; TestFlight's runs on the real clock, as live tokens are signed with it."""
    return {
        "betatesting": betatesting_sim.create_app(),
        "testflight": testflight_sim.create_app(config=testflight_cfg.SimConfig(clock=time.time)),
        "alexa": alexa_sim.create_app(),
        "betasend": betasend_sim.create_app(),
    }


def transports() -> dict[str, httpx2.AsyncBaseTransport]:
    return {name: sim_transport(app) for name, app in apps().items()}  # type: ignore[arg-type]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for key in os.environ:
        if key.startswith(PREFIXES):
            monkeypatch.delenv(key)
    monkeypatch.chdir(Path(__file__).parent)  # no stray .env file
    return monkeypatch


def setenv(env: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for key, value in values.items():
        env.setenv(key, value)


async def test_good_credentials_everywhere_are_ok(env: pytest.MonkeyPatch) -> None:
    for values in good_env().values():
        setenv(env, values)
    checks = await diagnose(Settings(), transports=transports())
    assert [(c.provider, c.ok) for c in checks] == [
        ("betatesting", True),
        ("testflight", True),
        ("betasend", True),
        ("alexa", True),
    ], [c.detail for c in checks]
    text, status = report(checks)
    assert status == 0 and "all 4 configured providers work." in text
    assert "vendors listed" in text


async def test_a_pinned_alexa_skill_is_read_and_an_unknown_one_is_named(env: pytest.MonkeyPatch) -> None:
    setenv(env, good_env()["alexa"])
    skill = next(iter(alexa_seed.build_state().skills))
    env.setenv("ALEXA_SKILL_ID", skill)
    (alexa_check,) = [c for c in await diagnose(Settings(), transports=transports()) if c.provider == "alexa"]
    assert alexa_check.ok and skill in alexa_check.detail
    env.setenv("ALEXA_SKILL_ID", "amzn1.ask.skill.00000000-0000-4000-8000-000000000000")
    (alexa_check,) = [c for c in await diagnose(Settings(), transports=transports()) if c.provider == "alexa"]
    assert not alexa_check.ok and "404" in alexa_check.detail


@pytest.mark.parametrize(
    ("provider", "wrong", "says"),
    [
        ("betatesting", {"BETATESTING_API_KEY": WRONG_BTST}, "BETATESTING_API_KEY"),
        ("testflight", {"TESTFLIGHT_PRIVATE_KEY": other_pem()}, "TESTFLIGHT_KEY_ID"),
        ("alexa", {"ALEXA_REFRESH_TOKEN": WRONG_REFRESH}, "ALEXA_REFRESH_TOKEN"),
        ("betasend", {"BETASEND_HASH": WRONG_HASH}, "BETASEND_HASH"),
    ],
)
async def test_wrong_credentials_fail_with_the_fix_and_without_the_secret(
    env: pytest.MonkeyPatch, provider: str, wrong: dict[str, str], says: str
) -> None:
    setenv(env, {**good_env()[provider], **wrong})
    checks = await diagnose(Settings(), transports=transports())
    mine = next(c for c in checks if c.provider == provider)
    assert mine.configured and not mine.ok
    text, status = report(checks)
    assert status == 1 and says in mine.detail and f"{provider:<12} FAILED" in text
    for secret in wrong.values():
        assert secret not in text
        assert not any(line in text for line in secret.splitlines()[1:-1])  # nor any line of a PEM key


@pytest.mark.parametrize(
    ("provider", "partial", "names"),
    [
        ("betatesting", {"BETATESTING_CLIENT_ID": "client-1"}, "BETATESTING_CLIENT_SECRET"),
        ("testflight", {"TESTFLIGHT_KEY_ID": "TF7SIM2X9R"}, "TESTFLIGHT_PRIVATE_KEY"),
        ("alexa", {"ALEXA_CLIENT_ID": "amzn1.application-oa2-client.x"}, "ALEXA_CLIENT_SECRET, ALEXA_REFRESH_TOKEN"),
        ("betasend", {"BETASEND_DOMAIN": "sandbox"}, "BETASEND_API_KEY"),
    ],
)
async def test_missing_credentials_name_what_to_set(
    env: pytest.MonkeyPatch, provider: str, partial: dict[str, str], names: str
) -> None:
    setenv(env, partial)
    sims = transports()
    checks = await diagnose(Settings(), transports=sims)
    mine = next(c for c in checks if c.provider == provider)
    assert mine.configured and not mine.ok and names in mine.detail
    assert report(checks)[1] == 1


async def test_nothing_configured_says_what_to_set_and_fails(env: pytest.MonkeyPatch) -> None:
    text, status = report(await diagnose(Settings(), transports=transports()))
    assert status == 1 and "no provider is configured" in text and "BETASEND_HASH" in text


async def test_an_unreachable_provider_is_reported_quickly_as_a_network_problem(env: pytest.MonkeyPatch) -> None:
    port = free_port()  # nothing listens there
    setenv(env, good_env({"betatesting": f"http://127.0.0.1:{port}/api/external/v2"})["betatesting"])
    checks = await diagnose(Settings())
    mine = checks[0]
    assert not mine.ok and "connection refused" in mine.detail and "network" in mine.detail


def test_redact_masks_every_configured_secret() -> None:
    assert redact("key btst_abcdef rejected", ["btst_abcdef"]) == f"key {MASK} rejected"


# ---------------------------------------------------------------------------- the entry point, over HTTP


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served() -> Iterator[dict[str, str]]:
    """BetaTesting, TestFlight and Alexa simulators on loopback ports (Betasend's URL is fixed to its domain)."""
    servers: list[uvicorn.Server] = []
    threads: list[threading.Thread] = []
    urls: dict[str, str] = {}
    prefix = {"betatesting": "/api/external/v2", "testflight": "", "alexa": ""}
    for name, app in apps().items():
        if name not in prefix:
            continue
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))  # type: ignore[arg-type]
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append(server)
        threads.append(thread)
        urls[name] = f"http://127.0.0.1:{port}{prefix[name]}"
    deadline = time.monotonic() + 20
    while not all(s.started for s in servers):
        assert time.monotonic() < deadline, "the simulators did not start"
        time.sleep(0.05)
    yield urls
    for server in servers:
        server.should_exit = True
    for thread in threads:
        thread.join(timeout=10)


def entry_point() -> list[str]:
    script = Path(sys.executable).parent / "betaops"
    return [str(script)] if script.exists() else [sys.executable, "-m", "betaops"]


def doctor(values: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    return subprocess.run(
        [*entry_point(), "doctor"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **values},
        stdin=subprocess.DEVNULL,
        cwd=cwd,
    )


def test_the_entry_point_checks_real_http_providers(served: dict[str, str], tmp_path: Path) -> None:
    good = good_env(served)
    values = {**good["betatesting"], **good["testflight"], **good["alexa"]}
    done = doctor(values, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(" ok ") == 3 and "all 3 configured providers work." in done.stdout

    wrong = doctor({**values, "BETATESTING_API_KEY": WRONG_BTST, "ALEXA_REFRESH_TOKEN": WRONG_REFRESH}, tmp_path)
    assert wrong.returncode == 1
    assert "betatesting  FAILED" in wrong.stdout and "alexa        FAILED" in wrong.stdout
    assert "testflight   ok" in wrong.stdout and "2 of 3 configured providers need attention." in wrong.stdout
    for secret in (WRONG_BTST, WRONG_REFRESH, alexa_cfg.SANDBOX_CLIENT_SECRET, testflight_cfg.SANDBOX_PRIVATE_KEY_PEM):
        assert secret not in wrong.stdout + wrong.stderr
