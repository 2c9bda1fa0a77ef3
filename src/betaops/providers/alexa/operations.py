"""The ten SMAPI beta test operations and the two that find a skill, one entry each.

Tester paths and bodies are quoted from Amazon's Beta Tester Management reference; the beta test
paths follow the Beta Test Management reference and the ASK CLI (../shared/reference/
alexa-and-betasend.md, R marks our reading of status codes). Vendors and skills follow SMAPI's
vendor and skill operations (ask-smapi-model's `Vendors` and `ListSkillResponse`): without them no
beta test tool can be used unless ALEXA_SKILL_ID is set. The README table is generated here.
"""

from __future__ import annotations

from functools import partial

from betaops.core.operation import Effect, Operation, Returns
from betaops.providers.alexa import models as m

R, W, D = Effect.READ, Effect.WRITE, Effect.DESTRUCTIVE
ITEM, LIST, ITEMS, NOTHING = Returns.ITEM, Returns.LIST, Returns.ITEMS, Returns.NOTHING

DOCS_TEST = "https://developer.amazon.com/en-US/docs/alexa/smapi/skill-beta-testing-api.html"
DOCS_TESTERS = "https://developer.amazon.com/en-US/docs/alexa/smapi/skill-beta-tester-api.html"
DOCS_SKILLS = "https://developer.amazon.com/en-US/docs/alexa/smapi/skill-operations.html"
DOCS_VENDORS = "https://developer.amazon.com/en-US/docs/alexa/smapi/vendor-operations.html"
BETA = "/v1/skills/{skill_id}/betaTest"

_test = partial(Operation, "alexa", docs_url=DOCS_TEST)
_testers = partial(Operation, "alexa", docs_url=DOCS_TESTERS)

TOOLSETS = {
    "skills": "Find the vendors and skills the credentials reach (skill ids for every beta test tool)",
    "tests": "A skill's beta test: create, read, update, start and end it",
    "testers": "Beta testers: invite, list, remove, remind, ask for feedback",
}
DEFAULT_TOOLSETS = ("skills", "tests", "testers")

OPERATIONS: tuple[Operation, ...] = (
    # name, title, summary, method, path, params, result, returns, effect, idempotent, toolset
    Operation(
        "alexa",
        "list_vendors",
        "List vendors",
        "List the vendors (developer accounts) these credentials act for: the vendor_id alexa_list_skills needs.",
        "GET",
        "/v1/vendors",
        m.NoParams,
        m.Vendor,
        ITEMS,
        R,
        True,
        "skills",
        docs_url=DOCS_VENDORS,
    ),
    Operation(
        "alexa",
        "list_skills",
        "List skills",
        "List a vendor's skills with their ids, names and stage: the skill_id every beta test tool takes.",
        "GET",
        "/v1/skills",
        m.ListSkillsParams,
        m.SkillSummary,
        LIST,
        R,
        True,
        "skills",
        paginated=True,
        docs_url=DOCS_SKILLS,
    ),
    _test(
        "create_beta_test",
        "Create a beta test",
        "Create a beta test (IN_DRAFT) for a skill that has none, optionally with a feedback email.",
        "POST",
        BETA,
        m.BetaTestEmailParams,
        None,
        NOTHING,
        W,
        False,
        "tests",
    ),
    _test(
        "get_beta_test",
        "Get a beta test",
        "Get a skill's beta test: status, expiry date, feedback email, invitation URL, invites remaining.",
        "GET",
        BETA,
        m.SkillRef,
        m.BetaTest,
        ITEM,
        R,
        True,
        "tests",
    ),
    _test(
        "update_beta_test",
        "Update a beta test",
        "Change a beta test's feedback email (the only field that can be changed).",
        "PUT",
        BETA,
        m.UpdateBetaTestParams,
        None,
        NOTHING,
        W,
        True,
        "tests",
        target="get_beta_test",
    ),
    _test(
        "start_beta_test",
        "Start a beta test",
        "Start an IN_DRAFT beta test; its testers are invited. Asynchronous: STARTING, then RUNNING.",
        "POST",
        BETA + "/start",
        m.SkillRef,
        None,
        NOTHING,
        W,
        False,
        "tests",
        target="get_beta_test",
    ),
    _test(
        "end_beta_test",
        "End a beta test",
        "End a RUNNING beta test; testers lose access. Asynchronous: STOPPING, then ENDED.",
        "POST",
        BETA + "/end",
        m.SkillRef,
        None,
        NOTHING,
        D,
        False,
        "tests",
        target="get_beta_test",
    ),
    _testers(
        "add_beta_testers",
        "Add beta testers",
        "Add up to 500 testers to a beta test; each gets an invitation email from Amazon. For more, or "
        "to skip existing testers, use alexa_invite_testers.",
        "POST",
        BETA + "/testers/add",
        m.TestersParams,
        None,
        NOTHING,
        W,
        False,
        "testers",
        target="get_beta_test",
    ),
    _testers(
        "list_beta_testers",
        "List beta testers",
        "List a beta test's testers with invitation status and whether a reminder may be sent.",
        "GET",
        BETA + "/testers",
        m.SkillRef,
        m.Tester,
        LIST,
        R,
        True,
        "testers",
        paginated=True,
    ),
    _testers(
        "remove_beta_testers",
        "Remove beta testers",
        "Remove up to 500 testers from a beta test; they lose access to the beta version.",
        "POST",
        BETA + "/testers/remove",
        m.TestersParams,
        None,
        NOTHING,
        D,
        True,
        "testers",
        target="get_beta_test",
    ),
    _testers(
        "send_reminder_to_testers",
        "Send a reminder to testers",
        "Email up to 500 testers who have not accepted yet a reminder to join the beta test.",
        "POST",
        BETA + "/testers/sendReminder",
        m.TestersParams,
        None,
        NOTHING,
        W,
        False,
        "testers",
        target="get_beta_test",
    ),
    _testers(
        "request_feedback_from_testers",
        "Request feedback from testers",
        "Email up to 500 testers a request for feedback on the beta version.",
        "POST",
        BETA + "/testers/requestFeedback",
        m.TestersParams,
        None,
        NOTHING,
        W,
        False,
        "testers",
        target="get_beta_test",
    ),
)

BY_NAME = {op.name: op for op in OPERATIONS}
