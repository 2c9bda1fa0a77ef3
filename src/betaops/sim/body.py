"""Reading a JSON request body the way the JSON providers do: empty is `{}`, anything else an object.

The simulators differ only in how they word the refusal, so each passes its own error factory.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def json_object(raw: bytes, error: Callable[[str], Exception], *, not_json: str, not_object: str) -> dict[str, Any]:
    """The body as a dict; `error(not_json)` or `error(not_object)` is raised for anything else."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise error(not_json) from None
    if not isinstance(body, dict):
        raise error(not_object)
    return body
