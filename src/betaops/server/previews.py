"""The preview of a single-operation write, made from a fresh read of its target.

A preview names the target (its label from the provider, escaped onto one line), shows each
changed field as before → after from that read, shows text that will reach people in full, and
says plainly when nothing would change. Task-level writes make their own previews (`Task.plan`)
with the same helpers from `core/preview.py`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from pydantic import BaseModel

from betaops.core.operation import Effect, Operation
from betaops.core.preview import change, quoted, value
from betaops.core.task import Plan

_MISSING = object()


def escaped(text: str) -> str:
    """Provider text escaped for a preview, without the surrounding quotes (a label adds its own)."""
    return quoted(text)[1:-1]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def current_value(target: Any, name: str, alias: str | None) -> Any:
    """The target's current value of a changed field, under its name, alias or camelCase name."""
    if not isinstance(target, dict):
        return _MISSING
    for key in (name, alias, _camel(name)):
        if key and key in target:
            return target[key]
    attributes = target.get("attributes")
    if isinstance(attributes, dict):
        return current_value(attributes, name, alias)
    return _MISSING


def label_of(target_op: Operation | None, target: Any, params: BaseModel) -> str:
    if target_op is None or target_op.result is None or not isinstance(target, dict):
        return ""
    # Every provider string is escaped before a label quotes it, so it stays one value on one line.
    safe = {k: escaped(v) if isinstance(v, str) else v for k, v in target.items()}
    try:
        model = target_op.result.model_validate(safe)
    except ValueError:
        model = None
    label_fn = getattr(model, "label", None)
    if callable(label_fn):
        return str(label_fn())
    noun = re.sub(r"(?<!^)(?=[A-Z])", " ", target_op.result.__name__).lower()
    facts = [f"{f} {value(getattr(params, f))}" for f in target_op.path_fields]
    facts += [f"status {value(target['status'])}"] if isinstance(target.get("status"), str) else []
    return f"{noun} ({', '.join(facts)})" if facts else noun


def describe(
    op: Operation, params: BaseModel, target_op: Operation | None, target: Any, named: Collection[str] = ()
) -> Plan:
    """The plan of one operation's write: preview, the target's state, and the ids it binds.

    A path id that may be given by name (`named`) is always shown: the human approves that id."""
    label = label_of(target_op, target, params)
    where = ", ".join(f"{f} {value(getattr(params, f))}" for f in op.path_fields)
    head = f"{op.title}: {label}" if label else f"{op.title} ({where})" if where else op.title
    unlabelled = target_op is not None and set(op.path_fields) - set(target_op.path_fields)
    if label and where and (unlabelled or set(op.path_fields) & set(named)):
        head += f" ({where})"
    changes = params.model_dump(mode="json", exclude_none=True, exclude=set(op.path_fields))
    lines = [head + "."]
    same = 0
    for name, new in changes.items():
        info = type(params).model_fields.get(name)
        before = current_value(target, name, info.alias if info else None) if target_op is not None else _MISSING
        if before is _MISSING:
            lines.append(f"Set {name}: {value(new)}.")
        else:
            lines.append(f"Change {change(name, before, new)}." if before != new else f"Keep {name}: {value(new)}.")
            same += before == new
    noop = bool(changes) and same == len(changes) and op.method in ("PATCH", "PUT")
    if noop:
        lines = [head + ".", "Nothing would change: every value is already as asked. Nothing was sent."]
    elif op.effect is Effect.DESTRUCTIVE:
        lines.append("This cannot be undone.")
    bound = params.model_dump(mode="json", exclude_none=True)
    return Plan("\n".join(lines), target, bound=bound, noop=noop)


__all__ = ["describe", "escaped", "label_of", "quoted"]
