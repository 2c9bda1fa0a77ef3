"""The ten SMAPI beta test operations and the two that find a skill, one entry each.

Tester paths and bodies are quoted from Amazon's Beta Tester Management reference; the beta test
paths follow the Beta Test Management reference and the ASK CLI (../shared/reference/
alexa-and-betasend.md, R marks our reading of status codes). Vendors and skills follow SMAPI's
vendor and skill operations (ask-smapi-model's `Vendors` and `ListSkillResponse`): without them no
beta test tool can be used unless ALEXA_SKILL_ID is set. The README table is generated here.

References: developer.amazon.com/en-US/docs/alexa/smapi/ skill-beta-testing-api.html,
skill-beta-tester-api.html, skill-operations.html and vendor-operations.html.
"""

from __future__ import annotations

from functools import partial

from betaops.core.filters import Match
from betaops.core.operation import Effect, Operation, Returns
from betaops.providers.alexa import models as m

R, W, D = Effect.READ, Effect.WRITE, Effect.DESTRUCTIVE
ITEM, LIST, ITEMS, NOTHING = Returns.ITEM, Returns.LIST, Returns.ITEMS, Returns.NOTHING

BETA = "/v1/skills/{skill_id}/betaTest"

_op = partial(Operation, provider="alexa")

OPERATIONS: tuple[Operation, ...] = (
    _op(
        name="list_vendors",
        title="List vendors",
        summary="List the vendors (developer accounts) these credentials act for: the vendor_id alexa_list_skills needs.",
        method="GET",
        path="/v1/vendors",
        params=m.NoParams,
        result=m.Vendor,
        returns=ITEMS,
        effect=R,
        idempotent=True,
        toolset="skills",
    ),
    _op(
        name="list_skills",
        title="List skills",
        summary="List a vendor's skills with their ids, names and stage: the skill_id every beta test tool takes.",
        method="GET",
        path="/v1/skills",
        params=m.ListSkillsParams,
        result=m.SkillSummary,
        returns=LIST,
        effect=R,
        idempotent=True,
        toolset="skills",
        paginated=True,
    ),
    _op(
        name="create_beta_test",
        title="Create a beta test",
        summary="Create a beta test (IN_DRAFT) for a skill that has none, optionally with a feedback email.",
        method="POST",
        path=BETA,
        params=m.BetaTestEmailParams,
        result=None,
        returns=NOTHING,
        effect=W,
        idempotent=False,
        toolset="tests",
    ),
    _op(
        name="get_beta_test",
        title="Get a beta test",
        summary="Get a skill's beta test: status, expiry date, feedback email, invitation URL, invites remaining.",
        method="GET",
        path=BETA,
        params=m.SkillRef,
        result=m.BetaTest,
        returns=ITEM,
        effect=R,
        idempotent=True,
        toolset="tests",
    ),
    _op(
        name="update_beta_test",
        title="Update a beta test",
        summary="Change a beta test's feedback email (the only field that can be changed).",
        method="PUT",
        path=BETA,
        params=m.UpdateBetaTestParams,
        result=None,
        returns=NOTHING,
        effect=W,
        idempotent=True,
        toolset="tests",
        target="get_beta_test",
    ),
    _op(
        name="start_beta_test",
        title="Start a beta test",
        summary="Start an IN_DRAFT beta test; its testers are invited. Asynchronous: STARTING, then RUNNING.",
        method="POST",
        path=BETA + "/start",
        params=m.SkillRef,
        result=None,
        returns=NOTHING,
        effect=W,
        idempotent=False,
        toolset="tests",
        target="get_beta_test",
    ),
    _op(
        name="end_beta_test",
        title="End a beta test",
        summary="End a RUNNING beta test; testers lose access. Asynchronous: STOPPING, then ENDED.",
        method="POST",
        path=BETA + "/end",
        params=m.SkillRef,
        result=None,
        returns=NOTHING,
        effect=D,
        idempotent=False,
        toolset="tests",
        target="get_beta_test",
    ),
    _op(
        name="add_beta_testers",
        title="Add beta testers",
        summary="Add up to 500 testers to a beta test; each gets an invitation email from Amazon. For more, or "
        "to skip existing testers, use alexa_invite_testers.",
        method="POST",
        path=BETA + "/testers/add",
        params=m.TestersParams,
        result=None,
        returns=NOTHING,
        effect=W,
        idempotent=False,
        toolset="testers",
        target="get_beta_test",
    ),
    _op(
        name="list_beta_testers",
        title="List beta testers",
        summary="List a beta test's testers with invitation status and whether a reminder may be sent.",
        method="GET",
        path=BETA + "/testers",
        params=m.ListBetaTestersParams,
        result=m.Tester,
        returns=LIST,
        effect=R,
        idempotent=True,
        toolset="testers",
        paginated=True,
        matches=(Match("invitation_status", ("invitationStatus",), "in"),),
    ),
    _op(
        name="remove_beta_testers",
        title="Remove beta testers",
        summary="Remove up to 500 testers from a beta test; they lose access to the beta version.",
        method="POST",
        path=BETA + "/testers/remove",
        params=m.TestersParams,
        result=None,
        returns=NOTHING,
        effect=D,
        idempotent=True,
        toolset="testers",
        target="get_beta_test",
    ),
    _op(
        name="send_reminder_to_testers",
        title="Send a reminder to testers",
        summary="Email up to 500 testers who have not accepted yet a reminder to join the beta test.",
        method="POST",
        path=BETA + "/testers/sendReminder",
        params=m.TestersParams,
        result=None,
        returns=NOTHING,
        effect=W,
        idempotent=False,
        toolset="testers",
        target="get_beta_test",
    ),
    _op(
        name="request_feedback_from_testers",
        title="Request feedback from testers",
        summary="Email up to 500 testers a request for feedback on the beta version.",
        method="POST",
        path=BETA + "/testers/requestFeedback",
        params=m.TestersParams,
        result=None,
        returns=NOTHING,
        effect=W,
        idempotent=False,
        toolset="testers",
        target="get_beta_test",
    ),
)
