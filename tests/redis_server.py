"""A real `redis-server` for the tests (the Debian package), on a free loopback port in a temp dir.

No fakes: the shared store's single use, sliding window and leases are Redis' own behaviour.
Locally the tests that need it are skipped, with the reason, when the binary is missing; CI
(`.ci/run`) installs it, so there they always run.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BINARY = "redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """Run redis-server on 127.0.0.1 until the block ends; yields its redis:// URL."""
    binary = shutil.which(BINARY)
    if binary is None:
        pytest.skip("redis-server is not installed here (apt-get install redis-server); CI installs it")
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory), "--save", ""]
    args += ["--appendonly", "no", "--protected-mode", "yes", "--logfile", str(directory / "redis.log")]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"redis-server did not start: see {directory / 'redis.log'}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def flush(url: str) -> None:
    """An empty database for the next test (FLUSHDB over a plain socket: no client state carries over)."""
    host, port = url.removeprefix("redis://").split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(b"FLUSHDB\r\n")
        assert conn.recv(16).startswith(b"+OK")
