"""BetaTesting task-level tools: a triage summary, a bulk issue update, community invites, messages by audience.

Each write's plan reads the current state once and binds what the run acts on (the fields that
change per issue, the new members, the exact recipient ids), so the run never looks anything up again.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from betaops.core.confirm import digest
from betaops.core.errors import ProviderError
from betaops.core.filters import When, stamp
from betaops.core.invites import InviteResult, PersonOutcome, after_error, parse_people
from betaops.core.model import Model
from betaops.core.operation import Effect
from betaops.core.preview import change, every, quoted, value
from betaops.core.task import Plan, Task, TaskContext
from betaops.providers.betatesting.models import (
    Id,
    IdList,
    IssuePriority,
    IssueStatus,
    ShortText,
    Tag,
    TesterStatus,
    Text,
)

PROVIDER = "betatesting"
ACTIVE = ("draft", "to_do", "in_progress", "needs_more_info", "retest")
SEVERE = ("critical", "high")


class SummarizeIssuesParams(Model):
    model_config = ConfigDict(extra="forbid")
    test_id: Id = Field(description="Test id")
    stale_days: int = Field(14, ge=1, le=365, description="Open issues not updated for this many days are stale")
    newest: int = Field(5, ge=1, le=25, description="Newest critical/high issues shown")
    since: When | None = Field(None, description="Submitted since: ISO date or Nd (N days ago)")


class IssueLine(Model):
    id: int
    title: str
    status: str
    priority: str
    submitted_at: str | None = None
    updated_at: str | None = None


class IssueSummary(Model):
    test_id: int
    total: int
    by_status: dict[str, int]
    by_priority: dict[str, int]
    open_critical_high: list[IssueLine] = Field(description="Newest open critical and high issues")
    stale: list[IssueLine] = Field(description="Open issues not updated for stale_days (oldest first, max 10)")
    stale_count: int
    as_of: str


def _line(issue: dict[str, Any]) -> IssueLine:
    return IssueLine.model_validate({k: issue.get(k) for k in IssueLine.model_fields})


async def summarize_issues(
    ctx: TaskContext, params: SummarizeIssuesParams, _: str | None, plan: Plan | None = None
) -> IssueSummary:
    args = {"test_id": params.test_id, "sort_submit_date": "desc", "since": params.since}
    issues = await ctx.collect("list_issues", {k: v for k, v in args.items() if v is not None})
    await ctx.report(len(issues), len(issues), f"read {len(issues)} issues")
    now = datetime.fromtimestamp(ctx.now(), UTC)  # the connection's clock: the simulator's in the sandbox
    cutoff = now - timedelta(days=params.stale_days)
    open_issues = [i for i in issues if i.get("status") in ACTIVE]
    severe = [i for i in open_issues if i.get("priority") in SEVERE]
    stale = sorted(
        (i for i in open_issues if (stamp(i.get("updated_at")) or now) < cutoff),
        key=lambda i: i.get("updated_at") or "",
    )
    return IssueSummary(
        test_id=params.test_id,
        total=len(issues),
        by_status=dict(Counter(str(i.get("status")) for i in issues)),
        by_priority=dict(Counter(str(i.get("priority")) for i in issues)),
        open_critical_high=[_line(i) for i in severe[: params.newest]],
        stale=[_line(i) for i in stale[:10]],
        stale_count=len(stale),
        as_of=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


class IssueChange(Model):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)
    issue_id: Id = Field(description="Issue id")
    status: IssueStatus | None = Field(None, description="New status")
    priority: IssuePriority | None = Field(None, description="New priority")
    notes: Text | None = Field(None, description="New internal notes")


class UpdateIssuesParams(Model):
    model_config = ConfigDict(extra="forbid")
    test_id: Id = Field(description="Test id")
    changes: Annotated[list[IssueChange], Field(min_length=1, max_length=50)] = Field(
        description="One entry per issue (1-50)"
    )


class IssueOutcome(Model):
    issue_id: int
    outcome: Literal["updated", "unchanged", "failed"]
    detail: str


class UpdateIssuesResult(Model):
    test_id: int
    updated: int
    failed: int
    outcomes: list[IssueOutcome]


class IssueUpdate(Model):
    issue_id: int
    fields: dict[str, str] = Field(description="Only the fields whose value changes, with their new value")


class UpdateIssuesBound(Model):
    test_id: int
    updates: list[IssueUpdate]
    unchanged: list[int] = Field(description="Issues already as asked")


def _fields(change: IssueChange) -> dict[str, Any]:
    return change.model_dump(exclude_none=True, exclude={"issue_id"})


async def _current(ctx: TaskContext, params: UpdateIssuesParams) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for c in params.changes:
        reply = await ctx.call("get_issue", {"test_id": params.test_id, "issue_id": c.issue_id})
        found[c.issue_id] = reply.data
    return found


def _issue(issue_id: int, issue: dict[str, Any]) -> str:
    return f"issue #{issue_id} {quoted(issue.get('title'))}"


async def plan_update_issues(ctx: TaskContext, params: UpdateIssuesParams) -> Plan:
    ids = [c.issue_id for c in params.changes]
    if len(set(ids)) != len(ids):
        raise ProviderError(PROVIDER, "an issue appears twice in changes.", hint="Give each issue once.")
    if any(not _fields(c) for c in params.changes):
        raise ProviderError(PROVIDER, "a change sets nothing.", hint="Give status, priority or notes per issue.")
    current = await _current(ctx, params)
    updates: list[IssueUpdate] = []
    details: list[str] = []
    unchanged: list[int] = []
    for c in params.changes:
        issue = current[c.issue_id]
        fields = {k: v for k, v in _fields(c).items() if issue.get(k) != v}
        if fields:
            updates.append(IssueUpdate(issue_id=c.issue_id, fields=fields))
            shown = "; ".join(change(k, issue.get(k), v) for k, v in fields.items())
            details.append(f"- {_issue(c.issue_id, issue)}: {shown}")
        else:
            unchanged.append(c.issue_id)
            details.append(f"- {_issue(c.issue_id, issue)}: already as asked, left unchanged")
    if updates:
        head = f"Update {len(updates)} of {len(ids)} issue(s) in test #{params.test_id}:"
    else:
        head = f"Nothing will change: the {len(ids)} issue(s) of test #{params.test_id} are already as asked."
    fingerprint = {
        str(i): [d.get("title"), d.get("status"), d.get("priority"), d.get("notes"), d.get("updated_at")]
        for i, d in current.items()
    }
    bound = UpdateIssuesBound(test_id=params.test_id, updates=updates, unchanged=unchanged)
    return Plan("\n".join([head, *details]), fingerprint, bound.model_dump(mode="json"), noop=not updates)


async def update_issues(
    ctx: TaskContext, params: UpdateIssuesParams, key: str | None, plan: Plan | None
) -> UpdateIssuesResult:
    assert plan is not None, "a write runs with its approved plan"
    b = UpdateIssuesBound.model_validate(plan.bound)
    outcomes = [IssueOutcome(issue_id=i, outcome="unchanged", detail="already as asked") for i in b.unchanged]
    for n, update in enumerate(b.updates):
        args = {"test_id": b.test_id, "issue_id": update.issue_id, **update.fields}
        try:
            reply = await ctx.call("update_issue", args, idempotency_key=f"{key}-{update.issue_id}" if key else None)
        except ProviderError as exc:
            outcomes.append(IssueOutcome(issue_id=update.issue_id, outcome="failed", detail=str(exc)))
            continue
        replayed = " (already done by an earlier identical call)" if reply.replayed else ""
        after = ", ".join(f"{k}={reply.data.get(k)}" for k in update.fields if k != "notes")
        outcomes.append(
            IssueOutcome(issue_id=update.issue_id, outcome="updated", detail=(after or "notes set") + replayed)
        )
        await ctx.report(n + 1, len(b.updates), f"updated issue #{update.issue_id}")
    done = sum(o.outcome == "updated" for o in outcomes)
    failed = sum(o.outcome == "failed" for o in outcomes)
    return UpdateIssuesResult(test_id=b.test_id, updated=done, failed=failed, outcomes=outcomes)


# ---------------------------------------------------------------------------- community


class InviteToCommunityParams(Model):
    model_config = ConfigDict(extra="forbid")
    people: Annotated[list[Annotated[str, Field(max_length=320)]], Field(min_length=1, max_length=5000)] = Field(
        description="Emails, optionally 'First Last <email>' (1-5000)"
    )
    tags: Annotated[list[Tag], Field(min_length=1, max_length=20)] | None = Field(
        None, description="Tags for the new testers"
    )


BULK = 100  # the provider's bulk-create limit per call


class NewMember(Model):
    email: str
    first_name: str | None = None
    last_name: str | None = None


class CommunityBound(Model):
    tags: list[str] | None
    new: list[NewMember]
    already: list[str]
    invalid: list[str]


def _entry(p: NewMember) -> str:
    name = " ".join(x for x in (p.first_name, p.last_name) if x)
    return f"{name} <{p.email}>" if name else p.email


async def plan_community(ctx: TaskContext, params: InviteToCommunityParams) -> Plan:
    people, invalid = parse_people(params.people)
    members = await ctx.collect("list_community_testers", {}, max_items=100_000)
    existing = {str(m.get("email", "")).lower() for m in members}
    b = CommunityBound(
        tags=params.tags,
        new=[
            NewMember(email=e, first_name=p.first_name, last_name=p.last_name)
            for e, p in people.items()
            if e not in existing
        ],
        already=sorted(e for e in people if e in existing),
        invalid=invalid,
    )
    tags = f" tagged {', '.join(quoted(t) for t in params.tags)}" if params.tags else ""
    if b.new:
        lines = [f"Add {len(b.new)} new testers to your BetaTesting community{tags} ({-(-len(b.new) // BULK)} calls)."]
        lines.append(f"New: {every((_entry(p) for p in b.new), 'emails')}.")
    else:
        lines = ["Nothing will change: nobody new to add to your BetaTesting community."]
    if b.already:
        lines.append(f"Already members (skipped): {every(b.already, 'emails')}.")
    if b.invalid:
        lines.append(f"Not valid emails (skipped): {every(b.invalid, 'entries')}.")
    return Plan("\n".join(lines), sorted(p.email for p in b.new), b.model_dump(mode="json"), noop=not b.new)


async def invite_to_community(
    ctx: TaskContext, params: InviteToCommunityParams, key: str | None, plan: Plan | None
) -> InviteResult:
    """Every email's outcome; a failed call keeps the provider's reason for each of its people."""
    assert plan is not None, "a write runs with its approved plan"
    bound = CommunityBound.model_validate(plan.bound)
    outcomes = [PersonOutcome(email=e, outcome="already_there") for e in bound.already]
    outcomes += [PersonOutcome(email=e, outcome="invalid", detail="not a valid email address") for e in bound.invalid]
    new = bound.new
    for n in range(0, len(new), BULK):
        chunk = new[n : n + BULK]
        rows = [{**p.model_dump(), "tags": bound.tags} for p in chunk]
        try:
            reply = await ctx.call(
                "create_community_testers", {"testers": rows}, idempotency_key=_chunk_key(key, chunk)
            )
        except ProviderError as exc:
            outcomes += after_error((p.email for p in chunk), exc)
            continue
        created = {str(c.get("email", "")).lower() for c in reply.data.get("created", [])}
        skipped = {str(c.get("email", "")).lower(): str(c.get("reason") or "") for c in reply.data.get("skipped", [])}
        for p in chunk:  # a skipped row is a member already: the provider says why
            if p.email in created:
                outcomes.append(PersonOutcome(email=p.email, outcome="invited"))
            else:
                outcomes.append(
                    PersonOutcome(email=p.email, outcome="already_there", detail=skipped.get(p.email) or None)
                )
        await ctx.report(min(n + BULK, len(new)), len(new), f"added {min(n + BULK, len(new))} of {len(new)}")
    return InviteResult.of(outcomes)


def _chunk_key(key: str | None, chunk: list[NewMember]) -> str | None:
    """A call's idempotency key names its people, not its position: a resumed job, which re-chunks
    whoever is still to add, never reuses a key for a different body (the provider would refuse it),
    while the same call repeated keeps its key (the provider replays it)."""
    if key is None:
        return None
    return f"{key}-{digest(sorted(p.email for p in chunk))[:16]}"


# ---------------------------------------------------------------------------- messages

MESSAGE_BATCH = 100  # tester ids per send call
EXCLUDED = {"opt_out": ("opted out", "include_opted_out"), "removed": ("removed", "include_removed")}


class MessageTestersParams(Model):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)
    test_id: Id = Field(description="Test id")
    audience: Literal["all"] | Annotated[list[TesterStatus], Field(min_length=1)] | None = Field(
        None, description='"all", or a list of tester statuses; or give tester_ids instead'
    )
    tester_ids: IdList | None = Field(None, description="Exactly these testers (1-100), instead of an audience")
    subject: ShortText | None = Field(None, description="Subject line")
    message: Text = Field(description="Message body, emailed to each tester")
    include_opted_out: bool = Field(False, description="Also message testers who opted out")
    include_removed: bool = Field(False, description="Also message testers removed from the test")

    @model_validator(mode="after")
    def _one_audience(self) -> MessageTestersParams:
        if (self.audience is None) == (self.tester_ids is None):
            raise ValueError('give exactly one of audience ("all" or statuses) and tester_ids')
        return self


class Delivery(Model):
    tester_id: int
    outcome: Literal["sent", "failed", "unknown"]
    message_id: int | None = None
    detail: str | None = None


class MessageTestersResult(Model):
    test_id: int
    subject: str | None = None
    message: str = Field(description="The text sent, once (every recipient got the same)")
    sent: int
    failed: int
    unknown: int = Field(description="Recipients whose outcome is unknown (the answer was lost)")
    excluded: dict[str, int] = Field(description="Testers left out, by status")
    recipients: list[Delivery]


class MessageBound(Model):
    test_id: int
    tester_ids: list[int]
    subject: str | None
    message: str
    excluded: dict[str, int]


def _tester(t: dict[str, Any]) -> str:
    name = " ".join(str(p) for p in (t.get("first_name"), t.get("last_name")) if p)
    return f"#{t.get('id')} {name} <{t.get('email')}>"


async def plan_message(ctx: TaskContext, params: MessageTestersParams) -> Plan:
    test = (await ctx.call("get_test", {"test_id": params.test_id})).data
    testers = await ctx.collect("list_testers", {"test_id": params.test_id}, max_items=100_000)
    if params.tester_ids is not None:
        known = {t["id"] for t in testers}
        unknown = [i for i in params.tester_ids if i not in known]
        if unknown:
            raise ProviderError(
                PROVIDER,
                f"not testers of test #{params.test_id}: {', '.join(map(str, unknown))}.",
                hint="List them with betatesting_list_testers.",
                changed=False,
            )
        wanted = set(params.tester_ids)
        chosen = [t for t in testers if t["id"] in wanted]
    elif params.audience == "all":
        chosen = testers
    else:
        chosen = [t for t in testers if t.get("status") in (params.audience or [])]
    allowed = {"opt_out": params.include_opted_out, "removed": params.include_removed}
    left_out = Counter(str(t.get("status")) for t in chosen if not allowed.get(str(t.get("status")), True))
    recipients = [t for t in chosen if allowed.get(str(t.get("status")), True)]
    b = MessageBound(
        test_id=params.test_id,
        tester_ids=[int(t["id"]) for t in recipients],
        subject=params.subject,
        message=params.message,
        excluded=dict(left_out),
    )
    where = f"test #{params.test_id} {quoted(test.get('name'))}"
    if recipients:
        calls = -(-len(recipients) // MESSAGE_BATCH)
        lines = [f"Message {len(recipients)} tester(s) of {where}, in {calls} call(s)."]
        by_status = Counter(str(t.get("status")) for t in recipients)
        lines.append("By status: " + ", ".join(f"{n} {quoted(s)}" for s, n in sorted(by_status.items())) + ".")
    else:
        lines = [f"Nothing will be sent: no tester of {where} is in this audience."]
    if left_out:
        why = [f"{n} {EXCLUDED[s][0]} (set {EXCLUDED[s][1]} to include them)" for s, n in sorted(left_out.items())]
        lines.append(f"Excluded: {', '.join(why)}.")
    if recipients:
        lines.append(f"Recipients: {every(map(_tester, recipients), 'testers')}.")
        lines.append(f"Subject: {value(params.subject)}.")
        lines.append(f"Message, in full: {quoted(params.message)}")
    fingerprint = sorted([t["id"], t.get("status")] for t in testers)
    return Plan("\n".join(lines), fingerprint, b.model_dump(mode="json"), noop=not recipients)


async def message_testers(
    ctx: TaskContext, params: MessageTestersParams, key: str | None, plan: Plan | None
) -> MessageTestersResult:
    assert plan is not None, "a write runs with its approved plan"
    b = MessageBound.model_validate(plan.bound)
    deliveries: list[Delivery] = []
    for n in range(0, len(b.tester_ids), MESSAGE_BATCH):
        chunk = b.tester_ids[n : n + MESSAGE_BATCH]
        args = {"test_id": b.test_id, "tester_ids": chunk, "subject": b.subject, "message": b.message}
        try:
            reply = await ctx.call(
                "send_message_to_testers",
                {k: v for k, v in args.items() if v is not None},
                idempotency_key=f"{key}-{n // MESSAGE_BATCH}" if key else None,
            )
        except ProviderError as exc:
            kind: Literal["failed", "unknown"] = "failed" if exc.changed is False else "unknown"
            deliveries += [Delivery(tester_id=i, outcome=kind, detail=exc.message) for i in chunk]
            continue
        ids = {m.get("tester_id"): m.get("id") for m in reply.data}
        deliveries += [Delivery(tester_id=i, outcome="sent", message_id=ids.get(i)) for i in chunk]
        done = min(n + MESSAGE_BATCH, len(b.tester_ids))
        await ctx.report(done, len(b.tester_ids), f"messaged {done} of {len(b.tester_ids)} testers")
    return MessageTestersResult(
        test_id=b.test_id,
        subject=b.subject,
        message=b.message,
        sent=sum(d.outcome == "sent" for d in deliveries),
        failed=sum(d.outcome == "failed" for d in deliveries),
        unknown=sum(d.outcome == "unknown" for d in deliveries),
        excluded=b.excluded,
        recipients=deliveries,
    )


TASKS = (
    Task(
        provider=PROVIDER,
        name="summarize_issues",
        title="Summarize a test's issues",
        summary="Triage a test: counts by status and priority, the newest open critical/high and stale issues.",
        params=SummarizeIssuesParams,
        result=IssueSummary,
        effect=Effect.READ,
        idempotent=True,
        toolset="issues",
        run=summarize_issues,
    ),
    Task(
        provider=PROVIDER,
        name="update_issues",
        title="Update several issues",
        summary="Set status, priority or notes on up to 50 issues in one approved action; reports each.",
        params=UpdateIssuesParams,
        result=UpdateIssuesResult,
        effect=Effect.WRITE,
        idempotent=True,
        toolset="issues",
        run=update_issues,
        plan=plan_update_issues,
    ),
    Task(
        provider=PROVIDER,
        name="invite_testers",
        title="Add testers to your community",
        summary="Add people by email to your BetaTesting tester community (skipping members and invalid emails), "
        "100 per call; reports each email. BetaTesting has no API to invite an email into one test.",
        params=InviteToCommunityParams,
        result=InviteResult,
        effect=Effect.WRITE,
        idempotent=False,
        toolset="community",
        run=invite_to_community,
        plan=plan_community,
    ),
    Task(
        provider=PROVIDER,
        name="message_testers",
        title="Message a test's testers",
        summary="Email one message to a test's testers: all, by status, or by id. Opted-out and removed testers "
        "are left out unless included; the preview counts every recipient and shows the full message.",
        params=MessageTestersParams,
        result=MessageTestersResult,
        effect=Effect.WRITE,
        idempotent=False,
        toolset="testers",
        run=message_testers,
        plan=plan_message,
    ),
)
