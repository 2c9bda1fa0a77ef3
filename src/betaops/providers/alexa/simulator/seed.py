"""Seed data: a handful of skills whose beta tests cover every state, and one big tester list.

Deterministic (no randomness): the same state every run. The first tester of the demo skill is
the documented example, byte for byte, so the docs' example answer is what the simulator returns.
"""

from __future__ import annotations

from betaops.providers.alexa.simulator.config import OTHER_VENDOR_ID, SIM_NOW, VENDOR_ID
from betaops.providers.alexa.simulator.state import (
    BETA_DAYS,
    AlexaState,
    BetaTestRecord,
    SkillRecord,
    TesterRecord,
)
from betaops.sim.clock import iso

DAY = 86_400.0

DEMO_SKILL_ID = "amzn1.ask.skill.5a8f1c2e-7b3d-4e9a-9c61-2f4b8d0e7a13"  # RUNNING, 42 testers
LARGE_SKILL_ID = "amzn1.ask.skill.9d2e6b71-0c4a-4f58-b3e9-71a6c5d8f204"  # RUNNING, 1,250 testers
DRAFT_SKILL_ID = "amzn1.ask.skill.1b7c9e3a-4d25-4a8f-8e10-c3f5a7b9d612"  # IN_DRAFT, 5 testers
ENDED_SKILL_ID = "amzn1.ask.skill.e4a0b2c8-93f1-4d67-a5b2-8c0d1e3f5a79"  # ENDED
NEW_SKILL_ID = "amzn1.ask.skill.7f3b5d91-2e8c-4b06-9a47-d1c3e5f70b28"  # no beta test yet
LEGACY_SKILL_ID = "amzn1.echo-sdk-ams.app.0e2c4a68-b1d3-4f59-8a7c-6e8f0a2b4d15"  # 2016-style id, RUNNING
FOREIGN_SKILL_ID = "amzn1.ask.skill.c2d4e6f8-0a1b-4c3d-9e5f-a7b9c1d3e5f7"  # another vendor's: 403

EXAMPLE_TESTER: dict[str, str | bool] = {
    "emailId": "example@email.address",
    "associationDate": "2018-09-26T07:32:37.589Z",
    "isReminderAllowed": True,
    "invitationStatus": "ACCEPTED",
}
"""The tester in the documented list example."""

LARGE_TESTERS = 1_250
DEFAULT_TESTER_LIMIT = 500
LARGE_TESTER_LIMIT = 5_000


def stamp(ts: float) -> str:
    """SMAPI dates carry milliseconds: `2018-09-26T07:32:37.589Z`."""
    return iso(ts).replace("Z", f".{int(ts * 1000) % 1000:03d}Z")


def invitation_url(skill_id: str) -> str:
    return f"https://skills-store.amazon.com/deeplink/tvt/{skill_id.rsplit('.', 1)[-1].replace('-', '')}"


def _tester(email: str, joined: float, accepted: bool) -> TesterRecord:
    return TesterRecord(email, stamp(joined), not accepted, "ACCEPTED" if accepted else "NOT_ACCEPTED")


def _beta(skill_id: str, status: str, started: float | None, limit: int, feedback: str | None) -> BetaTestRecord:
    expiry = stamp(started + BETA_DAYS * DAY) if started is not None else None
    return BetaTestRecord(status, feedback, invitation_url(skill_id), expiry, limit, started or SIM_NOW)


def _fill(bt: BetaTestRecord, prefix: str, count: int, first_joined: float) -> None:
    for n in range(count):
        email = f"{prefix}{n + 1:04d}@example.com"
        # Joined over the days after the start; two in three have accepted.
        bt.testers[email] = _tester(email, first_joined + n * 613.0 + 0.125, n % 3 != 2)


VENDOR_NAME = "Sandbox Skills Co"


def build_state(now: float = SIM_NOW) -> AlexaState:
    state = AlexaState(vendors={VENDOR_ID: VENDOR_NAME, OTHER_VENDOR_ID: "Someone Else's Studio"})

    def skill(skill_id: str, name: str, bt: BetaTestRecord | None, vendor: str = VENDOR_ID) -> None:
        state.skills[skill_id] = SkillRecord(skill_id, vendor, name, bt)

    demo = _beta(DEMO_SKILL_ID, "RUNNING", now - 30 * DAY, DEFAULT_TESTER_LIMIT, "beta-feedback@example.com")
    demo.testers["example@email.address"] = TesterRecord(
        "example@email.address", "2018-09-26T07:32:37.589Z", True, "ACCEPTED"
    )
    _fill(demo, "demo.tester", 41, now - 29 * DAY)
    skill(DEMO_SKILL_ID, "Garden Helper", demo)

    large = _beta(LARGE_SKILL_ID, "RUNNING", now - 60 * DAY, LARGE_TESTER_LIMIT, "qa@example.com")
    _fill(large, "listener", LARGE_TESTERS, now - 59 * DAY)
    skill(LARGE_SKILL_ID, "Daily Trivia", large)

    draft = _beta(DRAFT_SKILL_ID, "IN_DRAFT", None, DEFAULT_TESTER_LIMIT, None)
    for n in range(5):
        email = f"draft.tester{n + 1}@example.com"
        draft.testers[email] = TesterRecord(email, stamp(now - (5 - n) * DAY), True, "NOT_ACCEPTED")
    skill(DRAFT_SKILL_ID, "Recipe Coach", draft)

    ended = _beta(ENDED_SKILL_ID, "ENDED", now - 120 * DAY, DEFAULT_TESTER_LIMIT, "old-feedback@example.com")
    _fill(ended, "past.tester", 8, now - 119 * DAY)
    skill(ENDED_SKILL_ID, "Sleep Sounds", ended)

    skill(NEW_SKILL_ID, "Bird Calls", None)

    legacy = _beta(LEGACY_SKILL_ID, "RUNNING", now - 10 * DAY, DEFAULT_TESTER_LIMIT, None)
    _fill(legacy, "early.adopter", 3, now - 9 * DAY)
    skill(LEGACY_SKILL_ID, "Tide Times", legacy)
    state.skills[LEGACY_SKILL_ID].stage, state.skills[LEGACY_SKILL_ID].asin = "live", "B01TIDETIME"

    other = _beta(FOREIGN_SKILL_ID, "RUNNING", now - 5 * DAY, DEFAULT_TESTER_LIMIT, None)
    _fill(other, "stranger", 2, now - 4 * DAY)
    skill(FOREIGN_SKILL_ID, "Someone Else's Skill", other, OTHER_VENDOR_ID)
    return state
