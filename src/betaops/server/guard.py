"""The confirmation guard: it decides whether a write was approved, and lets each approval act once.

How a write is approved, decided here and nowhere else:
1. The client shows MCP Apps: the preview is an approval card (`server/apps.py`). Its token travels
   only in the result's `_meta`, and the human's click redeems it through the app-only
   `betaops_approve` (`by_card`); its nonce is the approval id, claimed like any token's.
2. The client answers elicitation: the human is asked, with a preview built from a fresh read.
   When the client can be asked, it is always asked; a confirm_token is never a way around that.
3. It cannot (and `--confirm auto`): the call returns the preview, a one-line summary and a
   confirm_token bound to tool, arguments, summary and the exact plan; the confirming call repeats
   the arguments with token and summary. `--confirm elicit` refuses instead.
4. `--confirm never` (unattended automation): it runs at once.

Bound to what was shown: after approval the write is planned again and must match the approved
plan (preview, state, and every id it acts on); a task then acts on that plan's ids only.
Exactly once: each approval has an id (see `core/approvals.py`) claimed before anything is sent;
a repeat returns the first outcome and sends nothing new.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal

import anyio
from mcp.server.elicitation import AcceptedElicitation
from mcp.server.mcpserver import Context, Elicit
from pydantic import BaseModel, Field, ValidationError

from betaops.core.approvals import Record, State, idempotency_key
from betaops.core.confirm import digest
from betaops.core.errors import ProviderError
from betaops.core.operation import Operation, Returns
from betaops.core.shapes import fit
from betaops.core.task import Journal, Plan, Progress, Task, TaskContext
from betaops.server.apps import approval_meta, shows_apps
from betaops.server.jobs import is_bulk, started
from betaops.server.previews import describe
from betaops.server.results import WriteResult, WriteStatus
from betaops.server.runtime import ConfirmMode, Connection, Runtime
from betaops.server.sdk import round_id

logger = logging.getLogger(__name__)

NOTHING_CHANGED = "Nothing was changed."

Action = Operation | Task


class Approve(BaseModel):
    """The one question a human answers before a write."""

    approve: bool = Field(description="Apply this change?")


@dataclass(frozen=True)
class NotAsked:
    """Why nobody was asked: nothing to do, unattended mode, an approval card, or a client that cannot be asked."""

    why: Literal["noop", "never", "card", "cannot-ask"]


def params_of(action: Action, args: BaseModel) -> BaseModel:
    """The action's own params (the tool input minus control fields like confirm_token)."""
    return action.params.model_validate(args.model_dump(include=set(action.params.model_fields)))


def call_args(params: BaseModel) -> dict[str, Any]:
    return params.model_dump(mode="json", exclude_none=True)


def _context(conn: Connection, progress: Progress | None, journal: Journal | None) -> TaskContext:
    return TaskContext(
        conn.client,
        {o.name: o for o in conn.spec.operations},
        progress,
        journal=journal,
        pinned={k: v for k, v in conn.defaults.items() if v is not None},
        now=conn.now,
    )


def task_context(
    runtime: Runtime, action: Action, progress: Progress | None = None, journal: Journal | None = None
) -> TaskContext:
    """The context of the action's own provider (whose operations alone it imports), or for a task
    across providers one reaching each of them through `providers`."""
    if (conn := runtime.connections.get(action.provider)) is not None:
        return _context(conn, progress, journal)
    contexts = {name: _context(c, progress, journal) for name, c in runtime.connections.items()}
    first = next(iter(contexts.values()))
    return TaskContext(first.client, {}, progress, providers=contexts, journal=journal)


def _target_op(runtime: Runtime, op: Operation) -> Operation | None:
    if op.target is None:
        return None
    return next(o for o in runtime.connections[op.provider].spec.operations if o.name == op.target)


async def plan(runtime: Runtime, action: Action, params: BaseModel) -> Plan:
    """What this write would do, read fresh from the provider; raises ProviderError (nothing changed)."""
    if isinstance(action, Task):
        assert action.plan is not None
        return await action.plan(task_context(runtime, action), params)
    target_op = _target_op(runtime, action)
    target = None
    if target_op is not None:
        target_params = target_op.params.model_validate(params.model_dump(include=set(target_op.params.model_fields)))
        try:
            target = (await runtime.connection(action).client.call(target_op, target_params)).data
        except ProviderError as exc:
            exc.changed = False
            raise
    return describe(action, params, target_op, target, runtime.connection(action).spec.names)


def binding(action: Action, params: BaseModel, shown: Plan) -> str:
    """What an approval covers: the tool, its exact arguments, and the whole plan it was shown."""
    return digest(
        {"t": action.tool_name, "a": call_args(params), "p": shown.preview, "f": shown.fingerprint, "b": shown.bound}
    )


def summary(shown: Plan) -> str:
    """The preview's first line: what a host's permission dialog shows in the confirming call."""
    return shown.preview.split("\n", 1)[0][:300]


def can_ask(ctx: Context) -> bool:
    """Whether this client answers form elicitation."""
    caps = ctx.client_capabilities
    return caps is not None and caps.elicitation is not None


def ask(runtime: Runtime, ctx: Context, shown: Plan) -> Elicit[Approve] | NotAsked:
    """The question for the human, or why nobody is asked."""
    if shown.noop:
        return NotAsked("noop")
    if runtime.confirm is ConfirmMode.NEVER:
        return NotAsked("never")
    if shows_apps(ctx):
        return NotAsked("card")
    if not can_ask(ctx):
        return NotAsked("cannot-ask")
    return Elicit(f"{shown.preview}\nApprove?", Approve)


def nothing_to_do(shown: Plan) -> WriteResult:
    return WriteResult(
        status=WriteStatus.NOT_EXECUTED, message=f"Nothing to do. {NOTHING_CHANGED}", preview=shown.preview
    )


def not_executed(why: str, preview: str | None = None) -> WriteResult:
    return WriteResult(status=WriteStatus.NOT_EXECUTED, message=f"{why} {NOTHING_CHANGED}", preview=preview)


async def decide(
    runtime: Runtime,
    ctx: Context,
    action: Action,
    args: BaseModel,
    shown: Plan,
    answer: Any,
    progress: Progress | None,
) -> WriteResult:
    """Turn the human's answer (or its absence) into one executed write, or into nothing."""
    params = params_of(action, args)
    data = answer.data if isinstance(answer, AcceptedElicitation) else None
    if isinstance(data, NotAsked):
        token_given = getattr(args, "confirm_token", None) is not None and not can_ask(ctx)
        if data.why == "noop" and not token_given:
            return nothing_to_do(shown)
        if data.why == "never":
            return await once(runtime, action, params, shown, f"never:{uuid.uuid4()}", "confirm-never", progress)
        if data.why == "card":
            return _card(runtime, action, params, shown)
        return await _by_token(runtime, action, params, args, shown, progress)
    if not isinstance(data, Approve):
        action_taken = getattr(answer, "action", "cancel")
        return not_executed("The user declined." if action_taken == "decline" else "The user cancelled.")
    if not data.approve:
        return not_executed("The change was not approved.")
    if ctx.protocol_version is not None and ctx.request_state is not None:
        approval_id = round_id(ctx)
        if approval_id is None:  # fail closed: an approval that cannot be identified cannot be kept single-use
            return not_executed("The approval round could not be verified; call again to be asked afresh.")
        # The SDK re-ran the planner in this very request and took the answer only because the question
        # (the preview) is word for word the one the human approved: `shown` is as fresh as another
        # read would be, so the provider is not read a third time before sending.
        return await once(runtime, action, params, shown, f"round:{approval_id}", "elicitation", progress)
    # Handshake era: the answer arrived mid-call after the human took their time; re-read before sending.
    approval_id = f"elicit:{uuid.uuid4()}"
    return await _recheck_and_run(runtime, action, params, shown, approval_id, "elicitation", progress)


async def _recheck_and_run(
    runtime: Runtime,
    action: Action,
    params: BaseModel,
    shown: Plan,
    approval_id: str,
    how: str,
    progress: Progress | None,
) -> WriteResult:
    earlier = await runtime.approvals.get(approval_id)
    if earlier is not None:
        return await once(runtime, action, params, shown, approval_id, how, progress)
    current = await plan(runtime, action, params)
    if binding(action, params, current) != binding(action, params, shown):
        return not_executed(
            "What this change would do differs from what was approved (the target changed after the preview). "
            "Review the new preview and ask again.",
            current.preview,
        )
    return await once(runtime, action, params, current, approval_id, how, progress)


async def _by_token(
    runtime: Runtime, action: Action, params: BaseModel, args: BaseModel, shown: Plan, progress: Progress | None
) -> WriteResult:
    token = getattr(args, "confirm_token", None)
    if runtime.confirm is ConfirmMode.ELICIT:
        return not_executed(
            "This server asks a human for every write (--confirm elicit), and this client cannot be asked "
            "(it does not support elicitation)."
        )
    if not token:
        return _preview(runtime, action, params, shown)
    approval_id = token_approval(runtime, action, args, token)
    return await _redeem(runtime, action, params, shown, token, approval_id, "token", progress)


async def _redeem(
    runtime: Runtime,
    action: Action,
    params: BaseModel,
    shown: Plan,
    token: str,
    approval_id: str,
    how: str,
    progress: Progress | None,
) -> WriteResult:
    """Run a verified token's write once: the token path and the approval card's click alike."""
    if await runtime.approvals.get(approval_id) is None:
        if shown.noop:
            return nothing_to_do(shown)
        runtime.tokens.check_target(action.provider, action.tool_name, token, binding(action, params, shown))
    return await once(runtime, action, params, shown, approval_id, how, progress)


def _card(runtime: Runtime, action: Action, params: BaseModel, shown: Plan) -> WriteResult:
    """The preview as an approval card: its token goes only into the result's `_meta`, which the host
    gives the card and keeps from the model, so the model holds nothing it could redeem itself."""
    line = summary(shown)
    args = call_args(params)
    token, _ = runtime.tokens.issue(action.tool_name, args, line, binding(action, params, shown))
    result = WriteResult(
        status=WriteStatus.CONFIRMATION_REQUIRED,
        message=(
            "Approval required: the user approves or declines this change on the card shown with this result; "
            f"it cannot be approved in chat. {NOTHING_CHANGED}"
        ),
        preview=shown.preview,
    )
    result._app_meta = approval_meta(action.tool_name, args, line, token)
    return result


async def by_card(
    runtime: Runtime,
    action: Action,
    args: BaseModel,
    token: str,
    line: str,
    approve: bool,
    progress: Progress | None,
) -> WriteResult:
    """The human's click on an approval card. The token's nonce is the approval id, exactly as on the
    token path: approving runs the write once (re-planned, and bound to what the card showed),
    declining spends the approval so that nothing can run on it, and a repeat gets the first outcome."""
    params = params_of(action, args)
    nonce = runtime.tokens.verify(action.provider, action.tool_name, token, call_args(params), line)
    approval_id = f"token:{nonce}"
    if not approve:
        declined = not_executed("The user declined.")
        earlier = await runtime.approvals.claim(approval_id, tool=action.tool_name, how="app")
        if earlier is not None:
            return _first_outcome(earlier) or not_executed("This approval was already used; nothing new was sent.")
        # Spent without a write: FAILED is the state whose outcome says nothing was changed.
        await runtime.approvals.settle(approval_id, State.FAILED, declined.model_dump(mode="json"))
        return declined
    record = await runtime.approvals.get(approval_id)
    if record is not None and (first := _first_outcome(record)) is not None:
        return first
    shown = await plan(runtime, action, params)
    return await _redeem(runtime, action, params, shown, token, approval_id, "app", progress)


def token_approval(runtime: Runtime, action: Action, args: BaseModel, token: str) -> str:
    """The approval id a confirming call's token carries; raises if it is not valid for this exact call."""
    params = call_args(params_of(action, args))
    nonce = runtime.tokens.verify(
        action.provider, action.tool_name, token, params, getattr(args, "confirm_summary", None)
    )
    return f"token:{nonce}"


def _preview(runtime: Runtime, action: Action, params: BaseModel, shown: Plan) -> WriteResult:
    line = summary(shown)
    token, _ = runtime.tokens.issue(action.tool_name, call_args(params), line, binding(action, params, shown))
    return WriteResult(
        status=WriteStatus.CONFIRMATION_REQUIRED,
        message=(
            "Confirmation required: show the preview to the user. If they approve, call this tool again with the "
            f"same arguments plus confirm_token and confirm_summary (valid 10 minutes). {NOTHING_CHANGED}"
        ),
        preview=shown.preview,
        confirm_token=token,
        confirm_summary=line,
    )


def _first_outcome(record: Record) -> WriteResult | None:
    """What a repeat of a used approval gets: its first outcome, marked as a replay."""
    if record.state is State.SENDING or record.outcome is None:
        return None
    first = WriteResult.model_validate(record.outcome)
    when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(record.at))
    message = f"This approval was already used ({when}); nothing new was sent. Its first outcome: {first.message}"
    return first.model_copy(update={"message": message, "replayed": True})


async def used_token(runtime: Runtime, ctx: Context, action: Action, args: BaseModel) -> WriteResult | None:
    """The first outcome of a used token, when the call repeats one (even if its target is gone now)."""
    token = getattr(args, "confirm_token", None)
    if not token or can_ask(ctx):
        return None
    try:
        approval_id = token_approval(runtime, action, args, token)
    except (ProviderError, ValidationError):  # not valid for this call (or a name no longer found): no replay
        return None
    record = await runtime.approvals.get(approval_id)
    return _first_outcome(record) if record is not None else None


async def once(
    runtime: Runtime,
    action: Action,
    params: BaseModel,
    shown: Plan,
    approval_id: str,
    how: str,
    progress: Progress | None,
) -> WriteResult:
    """Run the approved write at most once per approval id; a repeat gets the first outcome."""
    earlier = await runtime.approvals.claim(approval_id, tool=action.tool_name, how=how)
    repeat_of: str | None = None
    if earlier is not None:
        if (first := _first_outcome(earlier)) is not None:
            return first
        conn = runtime.connections.get(action.provider)
        keyed = isinstance(action, Operation) and conn is not None and conn.config.idempotency_header is not None
        if approval_id in runtime.in_flight or not keyed:
            return not_executed(
                "This approval was already used and its outcome is not known yet (still running, or its answer was "
                "lost); nothing new was sent. Check the current state, then ask for a fresh preview if needed."
            )
        repeat_of = approval_id  # an unknown outcome, repeated under the same key: the provider replays it
    if repeat_of is None and isinstance(action, Task) and runtime.jobs is not None and is_bulk(action, shown):
        return await _as_job(runtime, action, params, shown, approval_id, how, progress)
    runtime.in_flight.add(approval_id)
    try:
        return await send(runtime, action, params, shown, approval_id, how, repeat_of, progress)
    finally:
        runtime.in_flight.discard(approval_id)


async def _as_job(
    runtime: Runtime,
    action: Task,
    params: BaseModel,
    shown: Plan,
    approval_id: str,
    how: str,
    progress: Progress | None,
) -> WriteResult:
    """A bulk write: recorded as a job and started in the background, outside this request.

    The call waits a few seconds (`JobRunner.inline_s`): a job done by then answers here as a direct
    write would (its result, or the provider's refusal); a longer one answers with its job id. The
    approval's first outcome is that answer, so a replayed approval gets the same job back."""
    job, handle = await runtime.jobs.submit(action, params, shown, approval_id, how)
    if handle is not None:
        handle.progress = progress
        with anyio.move_on_after(runtime.jobs.inline_s):
            await handle.done.wait()
        handle.progress = None
        if handle.error is not None:
            raise handle.error
        if handle.outcome is not None:
            result: WriteResult = handle.outcome
            return result
    return started(job, shown)


async def send(
    runtime: Runtime,
    action: Action,
    params: BaseModel,
    shown: Plan,
    approval_id: str,
    how: str,
    repeat_of: str | None,
    progress: Progress | None,
    journal: Journal | None = None,
) -> WriteResult:
    """Audit, execute and settle one approved write: the one path of direct writes and jobs alike."""
    key = idempotency_key(approval_id)
    logger.info("executing %s (approved by %s)", action.tool_name, how)
    record = None
    if runtime.audit is not None:
        record = await runtime.audit.attempt(
            tool=action.tool_name,
            provider=action.provider,
            arguments=call_args(params),
            mode=runtime.mode,
            key=key,
            approval=approval_id,
            how=how,
            repeat_of=repeat_of,
        )
    try:
        result = await _execute(runtime, action, params, shown, key, progress, journal)
    except ProviderError as exc:
        if exc.changed is False:
            failed = not_executed(f"The provider refused: {exc}")
            await runtime.approvals.settle(approval_id, State.FAILED, failed.model_dump(mode="json"))
        if record is not None:
            await runtime.audit.outcome(record, "failed" if exc.changed is False else "unknown", str(exc))  # type: ignore[union-attr]
        raise
    except BaseException:
        if record is not None:
            with anyio.CancelScope(shield=True):
                await runtime.audit.outcome(record, "unknown", "interrupted before the provider answered")  # type: ignore[union-attr]
        raise
    await runtime.approvals.settle(approval_id, State.EXECUTED, result.model_dump(mode="json"))
    if record is not None:
        await runtime.audit.outcome(record, "executed", result.message)  # type: ignore[union-attr]
    return result


async def _execute(
    runtime: Runtime,
    action: Action,
    params: BaseModel,
    shown: Plan,
    key: str,
    progress: Progress | None,
    journal: Journal | None = None,
) -> WriteResult:
    done = f"Done: {action.title.lower()}."
    if isinstance(action, Task):
        outcome = await action.run(task_context(runtime, action, progress, journal), params, key, shown)
        return WriteResult(status=WriteStatus.EXECUTED, message=done, result=outcome)
    reply = await runtime.connection(action).client.call(action, params, idempotency_key=key)
    result: Any = reply.raw if reply.data is None else None
    note: str | None = None
    if action.result is not None and reply.data is not None:
        result, note = fit(action.result, reply.data, many=action.returns is Returns.ITEMS)
    # An asynchronous acceptance (a 202: "starting", "stopping") says so instead of "Done".
    accepted = reply.status == 202 and reply.note is not None
    message = reply.note if accepted and reply.note else done
    if reply.replayed:
        message += " The provider replayed an earlier identical request; it was not done twice."
    for extra in (note, None if accepted else reply.note):
        if extra:
            message += f" {extra}"
    return WriteResult(status=WriteStatus.EXECUTED, message=message, result=result, replayed=reply.replayed)
