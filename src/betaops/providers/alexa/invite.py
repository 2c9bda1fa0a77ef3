"""Alexa as an invite target: a skill's beta test (the pinned skill when no id is given)."""

from __future__ import annotations

from betaops.core.invite_target import InviteCapability, Prepared, TargetRef
from betaops.core.invites import Person
from betaops.core.resolve import Choice
from betaops.core.task import TaskContext
from betaops.providers.alexa.models import InviteTestersParams
from betaops.providers.alexa.tasks import INVITE_TESTERS


def prepare(target: TargetRef, people: dict[str, Person]) -> Prepared:
    skill_id = target.get("id") or target.pinned.get("skill_id")
    if skill_id is None:
        raise ValueError("no skill: give its id (alexa_list_skills lists them) or set ALEXA_SKILL_ID.")
    params = InviteTestersParams.model_validate({"skill_id": skill_id, "emails": list(people)})
    return Prepared(params, f"Alexa skill {params.skill_id} beta")


async def skills(ctx: TaskContext) -> list[Choice]:
    """Every skill of every vendor these credentials act for, by id and by each locale's name."""
    found: list[Choice] = []
    for vendor in (await ctx.call("list_vendors", {})).data or []:
        for skill in await ctx.collect("list_skills", {"vendor_id": vendor["id"]}, max_items=500):
            names = tuple(dict.fromkeys((skill.get("nameByLocale") or {}).values()))
            found.append(Choice(str(skill["skillId"]), names, str(skill.get("stage") or ""), skill))
    return found


INVITE_TARGET = InviteCapability(
    target="Alexa skill beta", task=INVITE_TESTERS, id_means="Alexa skill", prepare=prepare, choices=skills
)
