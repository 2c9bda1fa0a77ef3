"""Alexa as an invite target: a skill's beta test (the pinned skill when no id is given)."""

from __future__ import annotations

from betaops.core.errors import ProviderError
from betaops.core.invite_target import InviteCapability, Outcomes, Prepared, TargetRef, run_task
from betaops.core.invites import Person
from betaops.core.resolve import Choice
from betaops.core.task import Plan, TaskContext
from betaops.providers.alexa.models import InviteTestersParams
from betaops.providers.alexa.tasks import INVITE_TESTERS, InviteBound, current_testers


def prepare(target: TargetRef, people: dict[str, Person]) -> Prepared:
    skill_id = target.get("id") or target.pinned.get("skill_id")
    if skill_id is None:
        raise ValueError("no skill: give its id (alexa_list_skills lists them) or set ALEXA_SKILL_ID.")
    params = InviteTestersParams.model_validate({"skill_id": skill_id, "emails": list(people)})
    return Prepared(INVITE_TESTERS, params, f"Alexa skill {params.skill_id} beta")


async def run(ctx: TaskContext, prepared: Prepared, plan: Plan, key: str | None) -> Outcomes:
    """Added and already-there emails; after a failed call, who is in now decides (never a guess)."""
    try:
        result = (await run_task(ctx, prepared, plan, key)).model_dump()
    except ProviderError as exc:
        return await _after_failure(ctx, prepared, plan, exc)
    done = Outcomes()
    done.outcomes |= dict.fromkeys((e.lower() for e in result["added"]), "invited")
    done.outcomes |= dict.fromkeys((e.lower() for e in result["already_testers"]), "already_there")
    return done


async def _after_failure(ctx: TaskContext, prepared: Prepared, plan: Plan, exc: ProviderError) -> Outcomes:
    """Alexa stops at a failed call: look at who is in now instead of guessing."""
    params = prepared.params
    assert isinstance(params, InviteTestersParams)
    before = {e.lower() for e in InviteBound.model_validate(plan.bound).already}
    note = f"Stopped: {exc}"
    try:
        now = await current_testers(ctx, params.skill_id)
    except ProviderError:
        return Outcomes(failures={e.lower(): f"unknown: {exc}" for e in params.emails}, note=note)
    done = Outcomes(note=note)
    for email in (e.lower() for e in params.emails):
        if email in before:
            done.outcomes[email] = "already_there"
        elif email in now:
            done.outcomes[email] = "invited"
        else:
            done.outcomes[email] = "failed"
            done.failures[email] = exc.message
    return done


async def skills(ctx: TaskContext) -> list[Choice]:
    """Every skill of every vendor these credentials act for, by id and by each locale's name."""
    found: list[Choice] = []
    for vendor in (await ctx.call("list_vendors", {})).data or []:
        for skill in await ctx.collect("list_skills", {"vendor_id": vendor["id"]}, max_items=500):
            names = tuple(dict.fromkeys((skill.get("nameByLocale") or {}).values()))
            found.append(Choice(str(skill["skillId"]), names, str(skill.get("stage") or ""), skill))
    return found


INVITE_TARGET = InviteCapability(
    target="Alexa skill beta", id_means="Alexa skill", prepare=prepare, run=run, choices=skills
)
