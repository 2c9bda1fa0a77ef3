"""Alexa as an invite target: a skill's beta test (the pinned skill when no id is given)."""

from __future__ import annotations

from betaops.core.invite_target import InviteCapability, Prepared, TargetRef
from betaops.core.invites import Person
from betaops.providers.alexa.models import InviteTestersParams
from betaops.providers.alexa.tasks import INVITE_TESTERS


def prepare(target: TargetRef, people: dict[str, Person]) -> Prepared:
    skill_id = target.get("id") or target.pinned.get("skill_id")
    if skill_id is None:
        raise ValueError("no skill: give its id (alexa_list_skills lists them) or set ALEXA_SKILL_ID.")
    params = InviteTestersParams.model_validate({"skill_id": skill_id, "emails": list(people)})
    return Prepared(params, f"Alexa skill {params.skill_id} beta")


INVITE_TARGET = InviteCapability(
    target="Alexa skill beta", task=INVITE_TESTERS, id_means="Alexa skill id", prepare=prepare
)
