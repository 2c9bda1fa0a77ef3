"""Issues (bug reports): list with filters and sorts, read, update (status/priority/notes), delete."""

from __future__ import annotations

from betaops.providers.betatesting.models import IssuePriority, IssueStatus, SortOrder
from betaops.providers.betatesting.simulator.context import Call, Reply
from betaops.providers.betatesting.simulator.inputs import assign, paginate
from betaops.providers.betatesting.simulator.state import IssueRecord


def list_issues(call: Call) -> Reply:
    test, query = call.test(), call.query
    statuses = query.enum_list("filterStatuses", IssueStatus)
    priorities = query.enum_list("filterPriorities", IssuePriority)
    by_submit = query.enum("sortSubmitDate", SortOrder)
    by_update = query.enum("sortUpdateDate", SortOrder)
    issues = [
        i
        for i in call.state.issues.values()
        if i.test_id == test.id
        and (statuses is None or i.status in statuses)
        and (priorities is None or i.priority in priorities)
    ]
    issues.sort(key=lambda i: i.id)
    # Stable sorts: the last applied key is the primary one, so submit date wins over update date.
    if by_update:
        issues.sort(key=lambda i: i.updated_at, reverse=by_update == "desc")
    if by_submit:
        issues.sort(key=lambda i: i.submitted_at, reverse=by_submit == "desc")
    return Reply(200, paginate(issues, query, render=IssueRecord.wire))


def get_issue(call: Call) -> Reply:
    return Reply.item(call.issue().wire())


def update_issue(call: Call) -> Reply:
    issue, body = call.issue(), call.body
    status = body.enum("status", IssueStatus)
    priority = body.enum("priority", IssuePriority)
    notes = body.string("notes", max_len=5000)
    assign(issue, status=status, priority=priority, notes=notes)
    issue.updated_at = call.now
    return Reply.item(issue.wire())


def delete_issue(call: Call) -> Reply:
    del call.state.issues[call.issue().id]
    return Reply.no_content()
