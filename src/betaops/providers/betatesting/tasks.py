"""BetaTesting task-level tools: a triage summary and a bulk issue update confirmed as one action."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from betaops.core.errors import ProviderError
from betaops.core.invites import Outcome, Person, TargetReport, parse_people
from betaops.core.operation import Effect
from betaops.core.task import Plan, Task, TaskContext
from betaops.providers.betatesting.models import Id, IssuePriority, IssueStatus, Tag, Text

PROVIDER = "betatesting"
ACTIVE = ("draft", "to_do", "in_progress", "needs_more_info", "retest")
SEVERE = ("critical", "high")


class SummarizeIssuesParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    test_id: Id = Field(description="Test id")
    stale_days: int = Field(14, ge=1, le=365, description="Open issues not updated for this many days are stale")
    newest: int = Field(5, ge=1, le=25, description="How many newest critical/high issues to show")


class IssueLine(BaseModel):
    id: int
    title: str
    status: str
    priority: str
    submitted_at: str | None = None
    updated_at: str | None = None


class IssueSummary(BaseModel):
    test_id: int
    total: int
    by_status: dict[str, int]
    by_priority: dict[str, int]
    open_critical_high: list[IssueLine] = Field(description="Newest open critical and high issues")
    stale: list[IssueLine] = Field(description="Open issues not updated for stale_days (oldest first, max 10)")
    stale_count: int
    as_of: str


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _line(issue: dict[str, Any]) -> IssueLine:
    return IssueLine.model_validate({k: issue.get(k) for k in IssueLine.model_fields})


async def summarize_issues(
    ctx: TaskContext, params: SummarizeIssuesParams, _: str | None, plan: Plan | None = None
) -> IssueSummary:
    issues = await ctx.collect("list_issues", {"test_id": params.test_id, "sort_submit_date": "desc"})
    await ctx.report(len(issues), len(issues), f"read {len(issues)} issues")
    now = datetime.now(UTC)
    cutoff = now - timedelta(days=params.stale_days)
    open_issues = [i for i in issues if i.get("status") in ACTIVE]
    severe = [i for i in open_issues if i.get("priority") in SEVERE]
    stale = sorted(
        (i for i in open_issues if (_when(i.get("updated_at")) or now) < cutoff),
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


class IssueChange(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)
    issue_id: Id = Field(description="Issue id")
    status: IssueStatus | None = Field(None, description="New status")
    priority: IssuePriority | None = Field(None, description="New priority")
    notes: Text | None = Field(None, description="New internal notes")


class UpdateIssuesParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    test_id: Id = Field(description="Test id")
    changes: Annotated[list[IssueChange], Field(min_length=1, max_length=50)] = Field(
        description="One entry per issue (1-50); each sets status, priority and/or notes"
    )


class IssueOutcome(BaseModel):
    issue_id: int
    outcome: Literal["updated", "failed"]
    detail: str


class UpdateIssuesResult(BaseModel):
    test_id: int
    updated: int
    failed: int
    outcomes: list[IssueOutcome]


def _fields(change: IssueChange) -> dict[str, Any]:
    return change.model_dump(exclude_none=True, exclude={"issue_id"})


async def _current(ctx: TaskContext, params: UpdateIssuesParams) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for change in params.changes:
        reply = await ctx.call("get_issue", {"test_id": params.test_id, "issue_id": change.issue_id})
        found[change.issue_id] = reply.data
    return found


async def plan_update_issues(ctx: TaskContext, params: UpdateIssuesParams) -> Plan:
    ids = [c.issue_id for c in params.changes]
    if len(set(ids)) != len(ids):
        raise ProviderError(PROVIDER, "an issue appears twice in changes.", hint="Give each issue once.")
    if any(not _fields(c) for c in params.changes):
        raise ProviderError(PROVIDER, "a change sets nothing.", hint="Give status, priority or notes per issue.")
    current = await _current(ctx, params)
    lines = [f"Update {len(params.changes)} issues in test #{params.test_id}:"]
    for change in params.changes:
        issue = current[change.issue_id]
        what = ", ".join(
            f"{k} {issue.get(k)!s} -> {v}" if k != "notes" else "notes replaced" for k, v in _fields(change).items()
        )
        lines.append(f'- #{change.issue_id} "{issue.get("title")}": {what}')
    fingerprint = {
        i: (d.get("status"), d.get("priority"), d.get("notes"), d.get("updated_at")) for i, d in current.items()
    }
    return Plan("\n".join(lines), fingerprint)


async def update_issues(
    ctx: TaskContext, params: UpdateIssuesParams, key: str | None, plan: Plan | None = None
) -> UpdateIssuesResult:
    outcomes: list[IssueOutcome] = []
    for n, change in enumerate(params.changes):
        args = {"test_id": params.test_id, "issue_id": change.issue_id, **_fields(change)}
        try:
            reply = await ctx.call("update_issue", args, idempotency_key=f"{key}-{change.issue_id}" if key else None)
        except ProviderError as exc:
            outcomes.append(IssueOutcome(issue_id=change.issue_id, outcome="failed", detail=str(exc)))
            continue
        replayed = " (already done by an earlier identical call)" if reply.replayed else ""
        after = ", ".join(f"{k}={reply.data.get(k)}" for k in _fields(change) if k != "notes")
        outcomes.append(
            IssueOutcome(issue_id=change.issue_id, outcome="updated", detail=(after or "notes set") + replayed)
        )
        await ctx.report(n + 1, len(params.changes), f"updated issue #{change.issue_id}")
    done = sum(o.outcome == "updated" for o in outcomes)
    return UpdateIssuesResult(test_id=params.test_id, updated=done, failed=len(outcomes) - done, outcomes=outcomes)


class InviteToCommunityParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    people: Annotated[list[Annotated[str, Field(max_length=320)]], Field(min_length=1, max_length=5000)] = Field(
        description="Emails, optionally 'First Last <email>' (1-5000)"
    )
    tags: Annotated[list[Tag], Field(min_length=1, max_length=20)] | None = Field(
        None, description="Tags for the new testers"
    )


BULK = 100  # the provider's bulk-create limit per call


async def _community_emails(ctx: TaskContext) -> set[str]:
    members = await ctx.collect("list_community_testers", {}, max_items=100_000)
    return {str(m.get("email", "")).lower() for m in members}


async def _split(ctx: TaskContext, params: InviteToCommunityParams) -> tuple[list[Person], list[str], list[str]]:
    people, invalid = parse_people(params.people)
    existing = await _community_emails(ctx)
    new = [p for e, p in people.items() if e not in existing]
    return new, sorted(e for e in people if e in existing), invalid


async def plan_invite(ctx: TaskContext, params: InviteToCommunityParams) -> Plan:
    new, there, invalid = await _split(ctx, params)
    tags = f" tagged {', '.join(params.tags)}" if params.tags else ""
    lines = [f"Add {len(new)} new testers to your BetaTesting community{tags} ({-(-len(new) // BULK)} calls)."]
    if new:
        lines.append("New: " + ", ".join(p.email for p in new[:10]) + (" ..." if len(new) > 10 else ""))
    lines.append(f"Already members (skipped): {len(there)}. Not valid emails (skipped): {len(invalid)}.")
    if invalid:
        lines.append("Invalid: " + ", ".join(invalid[:10]))
    return Plan("\n".join(lines), sorted(p.email for p in new))


async def invite_to_community(
    ctx: TaskContext, params: InviteToCommunityParams, key: str | None, plan: Plan | None = None
) -> TargetReport:
    outcomes, failures = await add_to_community(ctx, params, key)
    return TargetReport.build("BetaTesting community", outcomes, failures)


async def add_to_community(
    ctx: TaskContext, params: InviteToCommunityParams, key: str | None
) -> tuple[dict[str, Outcome], dict[str, str]]:
    """Every email's outcome, and the reason for each failure."""
    new, there, invalid = await _split(ctx, params)
    outcomes: dict[str, Outcome] = {}
    outcomes.update(dict.fromkeys(there, "already_there"))
    outcomes.update(dict.fromkeys(invalid, "invalid"))
    failures: dict[str, str] = {}
    for n in range(0, len(new), BULK):
        chunk = new[n : n + BULK]
        rows = [
            {"email": p.email, "first_name": p.first_name, "last_name": p.last_name, "tags": params.tags} for p in chunk
        ]
        try:
            reply = await ctx.call(
                "create_community_testers", {"testers": rows}, idempotency_key=f"{key}-{n // BULK}" if key else None
            )
        except ProviderError as exc:
            failures.update(dict.fromkeys((p.email for p in chunk), str(exc)))
            outcomes.update(dict.fromkeys((p.email for p in chunk), "failed"))
            continue
        created = {str(c.get("email", "")).lower() for c in reply.data.get("created", [])}
        for p in chunk:
            outcomes[p.email] = "invited" if p.email in created else "already_there"
        await ctx.report(min(n + BULK, len(new)), len(new), f"added {min(n + BULK, len(new))} of {len(new)}")
    return outcomes, failures


TASKS = (
    Task(
        PROVIDER,
        "summarize_issues",
        "Summarize a test's issues",
        "Triage view of a test: counts by status and priority, newest open critical/high issues, stale open issues.",
        SummarizeIssuesParams,
        IssueSummary,
        Effect.READ,
        True,
        "issues",
        run=summarize_issues,
    ),
    Task(
        PROVIDER,
        "update_issues",
        "Update several issues",
        "Set status, priority or notes on up to 50 issues of a test as one approved action; reports each issue.",
        UpdateIssuesParams,
        UpdateIssuesResult,
        Effect.WRITE,
        True,
        "issues",
        run=update_issues,
        plan=plan_update_issues,
    ),
    Task(
        PROVIDER,
        "invite_testers",
        "Add testers to your community",
        "Add people by email to your BetaTesting tester community (skipping members and invalid emails), "
        "100 per call; reports each email. BetaTesting has no API to invite an email into one test.",
        InviteToCommunityParams,
        TargetReport,
        Effect.WRITE,
        False,
        "community",
        run=invite_to_community,
        plan=plan_invite,
    ),
)
