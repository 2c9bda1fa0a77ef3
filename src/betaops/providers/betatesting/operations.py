"""The 43 BetaTesting.com API v2 operations, one line each.

Paths marked R in ../shared/reference/betatesting.md are reconstructed from the guide's REST
pattern (the provider's Swagger is private): correcting one against the real Swagger is a
one-line change here. The README's operation table is generated from this list.
"""

from __future__ import annotations

from functools import partial

from betaops.core.operation import Effect, Operation, Returns
from betaops.providers.betatesting import models as m

R, W, D = Effect.READ, Effect.WRITE, Effect.DESTRUCTIVE
ITEM, LIST, ITEMS, NOTHING = Returns.ITEM, Returns.LIST, Returns.ITEMS, Returns.NOTHING

_op = partial(Operation, "betatesting")

# Paths whose BetaTesting source is the public help centre (C); the others are reconstructed (R).
CONFIRMED_PATHS = 13

OPERATIONS: tuple[Operation, ...] = (
    # name, title, summary, method, path, params, result, returns, effect, idempotent, toolset
    # ---- tests
    _op("list_tests", "List tests", "List your company's tests, optionally by status.",
        "GET", "/tests", m.ListTestsParams, m.Test, LIST, R, True, "tests", paginated=True),
    _op("get_test", "Get a test", "Get one test with its status and counts.",
        "GET", "/tests/{test_id}", m.TestRef, m.Test, ITEM, R, True, "tests"),
    _op("create_test", "Create a test", "Create a new draft test.",
        "POST", "/tests", m.CreateTestParams, m.Test, ITEM, W, False, "tests"),
    _op("update_test", "Update a test", "Change a test's name, description, platform or tester cap.",
        "PATCH", "/tests/{test_id}", m.UpdateTestParams, m.Test, ITEM, W, True, "tests", target="get_test"),
    _op("copy_test", "Copy a test", "Create a new draft test copied from an existing one.",
        "POST", "/tests/{test_id}/copy", m.CopyTestParams, m.Test, ITEM, W, False, "tests", target="get_test"),
    _op("change_test_stage", "Change a test's stage",
        "Launch, pause, resume, close or complete a test; testers are notified.",
        "POST", "/tests/{test_id}/stage", m.ChangeStageParams, m.Test, ITEM, W, False, "tests",
        target="get_test"),
    # ---- testers in a test
    _op("list_testers", "List testers in a test", "List a test's testers; search by name or email, filter by status.",
        "GET", "/tests/{test_id}/testers", m.ListTestersParams, m.Tester, LIST, R, True, "testers",
        paginated=True),
    _op("get_tester", "Get a tester", "Get one tester's participation in a test.",
        "GET", "/tests/{test_id}/testers/{tester_id}", m.TesterRef, m.Tester, ITEM, R, True, "testers"),
    _op("list_complete_testers", "List testers who completed", "List the testers who completed a test.",
        "GET", "/tests/{test_id}/complete-testers", m.TestRef, m.Tester, LIST, R, True, "testers",
        paginated=True),
    _op("accept_testers", "Accept testers", "Accept applicants into a test; each is notified.",
        "POST", "/tests/{test_id}/testers/accept", m.TesterIdsParams, m.Tester, ITEMS, W, True, "testers",
        target="get_test"),
    _op("mark_testers_complete", "Mark testers complete", "Mark testers as having completed a test.",
        "POST", "/tests/{test_id}/testers/mark-complete", m.TesterIdsParams, m.Tester, ITEMS, W, True,
        "testers", target="get_test"),
    _op("send_message_to_testers", "Message testers", "Send a message to testers of a test (emails them).",
        "POST", "/tests/{test_id}/testers/message", m.MessageTestersParams, m.Message, ITEMS, W, False,
        "testers", target="get_test"),
    _op("remove_tester", "Remove a tester", "Remove a tester from a test.",
        "DELETE", "/tests/{test_id}/testers/{tester_id}", m.TesterRef, None, NOTHING, D, True, "testers",
        target="get_tester"),
    # ---- issues
    _op("list_issues", "List issues", "List a test's issues; filter by statuses and priorities, sort by date.",
        "GET", "/tests/{test_id}/issues", m.ListIssuesParams, m.Issue, LIST, R, True, "issues", paginated=True),
    _op("get_issue", "Get an issue", "Get one issue with its description and notes.",
        "GET", "/tests/{test_id}/issues/{issue_id}", m.IssueRef, m.Issue, ITEM, R, True, "issues"),
    _op("update_issue", "Update an issue", "Set an issue's status, priority or internal notes.",
        "PATCH", "/tests/{test_id}/issues/{issue_id}", m.UpdateIssueParams, m.Issue, ITEM, W, True, "issues",
        target="get_issue"),
    _op("delete_issue", "Delete an issue", "Delete an issue permanently.",
        "DELETE", "/tests/{test_id}/issues/{issue_id}", m.IssueRef, None, NOTHING, D, True, "issues",
        target="get_issue"),
    # ---- activities
    _op("list_activities", "List activities", "List a test's surveys and tasks.",
        "GET", "/tests/{test_id}/activities", m.TestRef, m.Activity, LIST, R, True, "activities",
        paginated=True),
    _op("get_activity", "Get an activity", "Get an activity with its items and response data.",
        "GET", "/tests/{test_id}/activities/{activity_id}", m.ActivityRef, m.Activity, ITEM, R, True,
        "activities"),
    _op("create_activity", "Create an activity", "Create a survey or task in a test.",
        "POST", "/tests/{test_id}/activities", m.CreateActivityParams, m.Activity, ITEM, W, False,
        "activities", target="get_test"),
    _op("update_activity", "Update an activity", "Change an activity's title or instructions.",
        "PATCH", "/tests/{test_id}/activities/{activity_id}", m.UpdateActivityParams, m.Activity, ITEM, W,
        True, "activities", target="get_activity"),
    _op("delete_activity", "Delete an activity", "Delete an activity and its responses.",
        "DELETE", "/tests/{test_id}/activities/{activity_id}", m.ActivityRef, None, NOTHING, D, True,
        "activities", target="get_activity"),
    _op("add_activity_item", "Add an activity item", "Add a question or task to an activity.",
        "POST", "/tests/{test_id}/activities/{activity_id}/items", m.CreateActivityItemParams,
        m.ActivityItem, ITEM, W, False, "activities", target="get_activity"),
    _op("update_activity_item", "Update an activity item", "Change a question or task in an activity.",
        "PATCH", "/tests/{test_id}/activities/{activity_id}/items/{item_id}", m.UpdateActivityItemParams,
        m.ActivityItem, ITEM, W, True, "activities", target="get_activity"),
    _op("delete_activity_item", "Delete an activity item", "Delete a question or task and its answers.",
        "DELETE", "/tests/{test_id}/activities/{activity_id}/items/{item_id}", m.ActivityItemRef, None,
        NOTHING, D, True, "activities", target="get_activity"),
    # ---- messages
    _op("list_messages", "List messages", "List messages exchanged with a test's testers.",
        "GET", "/tests/{test_id}/messages", m.TestRef, m.Message, LIST, R, True, "messages", paginated=True),
    # ---- invites
    _op("get_invite_settings", "Get invite settings", "Get how a test invites and accepts testers.",
        "GET", "/tests/{test_id}/invite-settings", m.TestRef, m.InviteSettings, ITEM, R, True, "invites"),
    _op("list_invites", "List invites", "List the invitations sent for a test.",
        "GET", "/tests/{test_id}/invites", m.ListInvitesParams, m.Invite, LIST, R, True, "invites",
        paginated=True),
    _op("update_invite_settings", "Update invite settings", "Change auto-accept, invite cap or invitation text.",
        "PATCH", "/tests/{test_id}/invite-settings", m.UpdateInviteSettingsParams, m.InviteSettings, ITEM, W,
        True, "invites", target="get_invite_settings"),
    _op("update_invite", "Update an invite", "Revoke an invitation, or set it pending to resend it.",
        "PATCH", "/tests/{test_id}/invites/{invite_id}", m.UpdateInviteParams, m.Invite, ITEM, W, True,
        "invites", target="get_test"),
    # ---- shipping
    _op("list_shipments", "List shipments", "List hardware shipments to a test's testers.",
        "GET", "/tests/{test_id}/shipments", m.TestRef, m.Shipment, LIST, R, True, "shipping", paginated=True),
    _op("update_shipment", "Update a shipment", "Set a shipment's carrier, tracking number or status.",
        "PATCH", "/tests/{test_id}/shipments/{shipment_id}", m.UpdateShipmentParams, m.Shipment, ITEM, W,
        True, "shipping", target="get_test"),
    # ---- ID verification
    _op("require_test_id_verification", "Require ID verification for a test",
        "Require testers of a test to verify their identity.",
        "POST", "/tests/{test_id}/id-verification", m.TestRef, m.IdVerification, ITEM, W, True,
        "verification", target="get_test"),
    _op("remove_test_id_verification", "Stop requiring ID verification for a test",
        "Stop requiring identity verification for a test.",
        "DELETE", "/tests/{test_id}/id-verification", m.TestRef, None, NOTHING, W, True, "verification",
        target="get_test"),
    # ---- community
    _op("list_custom_fields", "List custom fields", "List your company's custom tester fields.",
        "GET", "/community/custom-fields", m.NoParams, m.CustomField, ITEMS, R, True, "community"),
    _op("list_community_testers", "List community testers", "List your tester community; search or filter by tag.",
        "GET", "/community/testers", m.ListCommunityTestersParams, m.CommunityTester, LIST, R, True,
        "community", paginated=True),
    _op("get_community_tester", "Get a community tester", "Get one member of your tester community.",
        "GET", "/community/testers/{tester_id}", m.CommunityTesterRef, m.CommunityTester, ITEM, R, True,
        "community"),
    _op("update_community_tester", "Update a community tester", "Change a community tester's name, country or fields.",
        "PATCH", "/community/testers/{tester_id}", m.UpdateCommunityTesterParams, m.CommunityTester, ITEM, W,
        True, "community", target="get_community_tester"),
    _op("create_community_testers", "Add community testers", "Add up to 100 testers to your community at once.",
        "POST", "/community/testers/bulk", m.BulkCreateCommunityTestersParams, m.BulkCreateResult, ITEM, W,
        False, "community"),
    _op("add_community_tester_tags", "Tag a community tester", "Add tags to a community tester.",
        "POST", "/community/testers/{tester_id}/tags", m.TagsParams, m.CommunityTester, ITEM, W, True,
        "community", target="get_community_tester"),
    _op("remove_community_tester_tags", "Untag a community tester", "Remove tags from a community tester.",
        "DELETE", "/community/testers/{tester_id}/tags", m.TagsParams, m.CommunityTester, ITEM, W, True,
        "community", target="get_community_tester", body_in_delete=True),
    _op("require_tester_id_verification", "Require ID verification for a tester",
        "Require a community tester to verify their identity.",
        "POST", "/community/testers/{tester_id}/id-verification", m.CommunityTesterRef, m.IdVerification,
        ITEM, W, True, "verification", target="get_community_tester"),
    _op("remove_tester_id_verification", "Stop requiring ID verification for a tester",
        "Stop requiring a community tester to verify their identity.",
        "DELETE", "/community/testers/{tester_id}/id-verification", m.CommunityTesterRef, None, NOTHING, W,
        True, "verification", target="get_community_tester"),
)

BY_NAME = {op.name: op for op in OPERATIONS}

TOOLSETS: dict[str, str] = {
    "tests": "Tests: list, read, create, copy, launch, pause and close",
    "testers": "Testers in a test: list, accept, complete, message, remove",
    "issues": "Tester-reported issues: list, read, triage, delete",
    "activities": "Surveys and tasks and their items",
    "messages": "Messages exchanged with testers",
    "invites": "Invitations and invite settings",
    "shipping": "Hardware shipments to testers",
    "verification": "ID verification requirements",
    "community": "Your tester community: members, tags, custom fields",
}
DEFAULT_TOOLSETS = ("tests", "testers", "issues")
