"""An append-only JSON-lines record of every write attempt, written before the request is sent.

Each attempt is one line with `"outcome": "unknown"`; a second line with the same id records the
real outcome once it is known. A crash between the two leaves the first line, which says plainly
that the outcome is unknown. Arguments are recorded with anything secret-looking redacted.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from pathlib import Path
from typing import Any

import anyio

from betaops.core.approvals import default_state_dir

_SECRET_KEY = re.compile(r"token|secret|password|passwd|hash|api_?key|authorization|credential", re.I)
REDACTED = "[redacted]"


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if _SECRET_KEY.search(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def default_path() -> Path:
    return default_state_dir() / "audit.jsonl"


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = anyio.Lock()

    async def _append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"
        async with self._lock:
            await anyio.to_thread.run_sync(self._write, line)

    def _write(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # 0600: the log names testers and what was sent to them.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    async def attempt(
        self,
        *,
        tool: str,
        provider: str,
        arguments: dict[str, Any],
        mode: str,
        key: str,
        approval: str,
        how: str,
        repeat_of: str | None = None,
    ) -> str:
        record_id = uuid.uuid4().hex
        await self._append(
            {
                "id": record_id,
                "at": time.time(),
                "event": "attempt",
                "tool": tool,
                "provider": provider,
                "mode": mode,
                "arguments": redact(arguments),
                "idempotency_key": key,
                "approval": approval,  # the approval id: a token nonce, a sealed round, or an elicited answer
                "approved_by": how,
                "repeat_of": repeat_of,  # set when this repeats an approval whose first outcome was unknown
                "outcome": "unknown",
            }
        )
        return record_id

    async def outcome(self, record_id: str, outcome: str, detail: str = "") -> None:
        await self._append(
            {"id": record_id, "at": time.time(), "event": "outcome", "outcome": outcome, "detail": detail}
        )

    def read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
