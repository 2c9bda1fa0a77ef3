"""The confirmation guard every write passes, derived from the operation's effect.

Three ways a write can run, decided here and nowhere else:
1. The client can answer elicitation: the human sees a plain-language preview (built from a fresh
   read of the target) and accepts, declines or cancels.
2. It cannot: the call returns the preview and a confirm_token bound to tool, arguments and the
   target's state; the same call with the token re-reads the target and runs only if unchanged.
3. `--confirm never` (unattended automation): it runs at once.
Every path that does not execute says that nothing was changed.
"""

from __future__ import annotations

import inspect
import logging
import re
import uuid
from typing import Any

import anyio
from mcp.server.mcpserver import Context, Elicit
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from betaops.core.errors import ProviderError
from betaops.core.operation import Effect, Operation, Returns
from betaops.core.task import Plan, Progress, Task, TaskContext
from betaops.server.results import WriteResult, WriteStatus
from betaops.server.runtime import Runtime

logger = logging.getLogger(__name__)

NOTHING_CHANGED = "Nothing was changed."


class Approve(BaseModel):
    """The one question a human answers before a write."""

    approve: bool = Field(description="Apply this change?")


class Skip:
    """Resolver outcome when nobody is asked (token given, or no elicitation support)."""


SKIP = Skip()


Action = Operation | Task


def params_of(action: Action, args: BaseModel) -> BaseModel:
    """The action's own params (the tool input minus control fields like confirm_token)."""
    return action.params.model_validate(args.model_dump(include=set(action.params.model_fields)))


def call_args(params: BaseModel) -> dict[str, Any]:
    return params.model_dump(mode="json", exclude_none=True)


def task_context(runtime: Runtime, action: Action, progress: Progress | None = None) -> TaskContext:
    contexts = {
        name: TaskContext(conn.client, {o.name: o for o in conn.spec.operations}, progress)
        for name, conn in runtime.connections.items()
    }
    if action.provider in contexts:
        return contexts[action.provider]
    # A task across providers: it reaches each one through `providers`.
    first = next(iter(contexts.values()))
    return TaskContext(first.client, {}, progress, providers=contexts)


def runtime_target_op(runtime: Runtime, op: Operation) -> Operation | None:
    if op.target is None:
        return None
    conn = runtime.connections[op.provider]
    return next(o for o in conn.spec.operations if o.name == op.target)


async def read_target(runtime: Runtime, op: Operation, params: BaseModel) -> tuple[Operation | None, Any]:
    """Fetch what `op` would change, so the preview names it and the token can bind to it."""
    target_op = runtime_target_op(runtime, op)
    if target_op is None:
        return None, None
    target_params = target_op.params.model_validate(params.model_dump(include=set(target_op.params.model_fields)))
    try:
        reply = await runtime.connection(op).client.call(target_op, target_params)
    except ProviderError as exc:
        exc.changed = False
        raise
    return target_op, reply.data


async def plan(runtime: Runtime, action: Action, params: BaseModel) -> Plan:
    """The preview of a write and the state it was made from (re-checked before executing)."""
    if isinstance(action, Task):
        assert action.plan is not None
        return await action.plan(task_context(runtime, action), params)
    target_op, target = await read_target(runtime, action, params)
    return Plan(describe(action, params, target_op, target), target)


def describe(op: Operation, params: BaseModel, target_op: Operation | None, target: Any) -> str:
    """A plain-language summary of exactly what will change."""
    label = ""
    if target_op is not None and target_op.result is not None and isinstance(target, dict):
        model = target_op.result.model_validate(target)
        label_fn = getattr(model, "label", None)
        if callable(label_fn):
            label = label_fn()
        else:  # e.g. "beta test (skill_id amzn1..., status RUNNING)"
            noun = re.sub(r"(?<!^)(?=[A-Z])", " ", target_op.result.__name__).lower()
            facts = [f"{f} {getattr(params, f)}" for f in target_op.path_fields]
            facts += [f"status {target['status']}"] if isinstance(target.get("status"), str) else []
            label = f"{noun} ({', '.join(facts)})" if facts else noun
    where = ", ".join(f"{f} {getattr(params, f)}" for f in op.path_fields)
    head = f"{op.title}: {label}" if label else f"{op.title} ({where})" if where else op.title
    if label and where and target_op is not None and set(op.path_fields) - set(target_op.path_fields):
        head += f" ({where})"
    changes = params.model_dump(mode="json", exclude_none=True, exclude=set(op.path_fields))
    lines = [head + "."]
    if changes:
        shown = "; ".join(f"{k} = {_short(v)}" for k, v in changes.items())
        lines.append(f"With: {shown}.")
    if op.effect is Effect.DESTRUCTIVE:
        lines.append("This cannot be undone.")
    return "\n".join(lines)


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 300 else text[:299] + "…"


def can_ask(ctx: Context) -> bool:
    """Whether this client answers elicitation (else the token path is used)."""
    caps = ctx.client_capabilities
    return caps is not None and caps.elicitation is not None


def question(preview: Plan) -> Elicit[Approve]:
    """The one question a human is asked before a write, worded the same for every tool."""
    return Elicit(preview.preview + "\nApprove?", Approve)


def make_resolver(runtime: Runtime, action: Action, names: list[str]) -> Any:
    """A per-tool resolver that asks the human when the client can answer, and skips otherwise."""

    async def resolver(ctx: Context, **tool_args: Any) -> Elicit[Approve] | Skip:
        if tool_args.get("confirm_token") or not can_ask(ctx):
            return SKIP
        fields = action.params.model_fields
        params = action.params.model_validate({k: v for k, v in tool_args.items() if k in fields})
        try:
            return question(await plan(runtime, action, params))
        except ProviderError as exc:
            raise ToolError(str(exc)) from exc

    parameters = [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context)]
    parameters += [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in names]
    resolver.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    resolver.__annotations__ = {"ctx": Context}
    resolver.__qualname__ = resolver.__name__ = f"confirm_{action.tool_name}"
    return resolver


async def execute(
    runtime: Runtime, action: Action, params: BaseModel, key: str, progress: Progress | None = None
) -> WriteResult:
    """Run a confirmed write, with an audit record written before anything is sent."""
    logger.info("executing %s", action.tool_name)
    audit = runtime.audit
    if audit is None:
        return await _execute(runtime, action, params, key, progress)
    record = await audit.attempt(
        tool=action.tool_name, provider=action.provider, arguments=call_args(params), mode=runtime.mode, key=key
    )
    try:
        result = await _execute(runtime, action, params, key, progress)
    except ProviderError as exc:
        await audit.outcome(record, "failed" if exc.changed is False else "unknown", str(exc))
        raise
    except BaseException:
        with anyio.CancelScope(shield=True):
            await audit.outcome(record, "unknown", "interrupted before the provider answered")
        raise
    await audit.outcome(record, "executed", result.message)
    return result


async def _execute(
    runtime: Runtime, action: Action, params: BaseModel, key: str, progress: Progress | None
) -> WriteResult:
    if isinstance(action, Task):
        outcome = await action.run(task_context(runtime, action, progress), params, key, None)
        return WriteResult(status=WriteStatus.EXECUTED, message=f"Done: {action.title.lower()}.", result=outcome)
    reply = await runtime.connection(action).client.call(action, params, idempotency_key=key)
    result: Any = None
    if action.result is not None and reply.data is not None:
        if action.returns is Returns.ITEMS:
            result = [action.result.model_validate(x).model_dump(mode="json") for x in reply.data]
        else:
            result = action.result.model_validate(reply.data).model_dump(mode="json")
    message = f"Done: {action.title.lower()}."
    if reply.replayed:
        message += " The provider replayed an earlier identical request; it was not done twice."
    return WriteResult(status=WriteStatus.EXECUTED, message=message, result=result, replayed=reply.replayed)


async def run_write(
    runtime: Runtime, action: Action, args: BaseModel, approval: Any, progress: Progress | None = None
) -> WriteResult:
    """Route one write call through the guard. Raises ToolError with 'Nothing was changed' on refusals."""
    params = params_of(action, args)
    token = getattr(args, "confirm_token", None)
    try:
        if runtime.confirm == "never":
            return await execute(runtime, action, params, f"betaops-{uuid.uuid4()}", progress)
        if token:
            return await _with_token(runtime, action, params, token, progress)
        data = getattr(approval, "data", None)
        if isinstance(data, Approve):
            if not data.approve:
                return _not_executed("The change was not approved.")
            return await execute(runtime, action, params, f"betaops-{uuid.uuid4()}", progress)
        if isinstance(data, Skip):
            return await _preview(runtime, action, params)
        action_taken = getattr(approval, "action", "cancel")
        return _not_executed("The user declined." if action_taken == "decline" else "The user cancelled.")
    except ProviderError as exc:
        raise ToolError(str(exc)) from exc


def _not_executed(why: str) -> WriteResult:
    return WriteResult(status=WriteStatus.NOT_EXECUTED, message=f"{why} {NOTHING_CHANGED}")


async def _preview(runtime: Runtime, action: Action, params: BaseModel) -> WriteResult:
    preview = await plan(runtime, action, params)
    token, expires = runtime.tokens.issue(action.tool_name, call_args(params), preview.fingerprint)
    return WriteResult(
        status=WriteStatus.CONFIRMATION_REQUIRED,
        message=(
            "Confirmation required: show the preview to the user. If they approve, call this tool again "
            f"with the same arguments plus confirm_token. {NOTHING_CHANGED}"
        ),
        preview=preview.preview,
        confirm_token=token,
        expires_at=expires,
    )


async def _with_token(
    runtime: Runtime, action: Action, params: BaseModel, token: str, progress: Progress | None
) -> WriteResult:
    current = await plan(runtime, action, params)
    redeemed = runtime.tokens.redeem(action.provider, action.tool_name, token, call_args(params), current.fingerprint)
    try:
        result = await execute(runtime, action, params, redeemed.idempotency_key, progress)
    except ProviderError as exc:
        # The token is released for a repeat only where the provider replays a repeated key; elsewhere
        # a repeat could act twice, so the user needs a fresh preview of the current state instead.
        conn = runtime.connections.get(action.provider)
        replays = conn is not None and conn.config.idempotency_header is not None
        runtime.tokens.settle(redeemed, outcome_known=exc.changed is not None or not replays)
        raise
    runtime.tokens.settle(redeemed, outcome_known=True)
    return result
