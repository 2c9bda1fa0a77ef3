"""TestFlight as an invite target: a beta group, by id or by name within an app."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from betaops.core.invite_target import InviteCapability, Prepared, TargetRef
from betaops.core.invites import Person
from betaops.core.preview import quoted
from betaops.providers.testflight.operations import Id
from betaops.providers.testflight.tasks import TASKS, EmailsParams

INVITE = next(t for t in TASKS if t.name == "invite_testers")


def prepare(target: TargetRef, people: dict[str, Person]) -> Prepared:
    ref = {"beta_group_id": target.get("id"), "beta_group_name": target.get("name"), "app_id": target.get("app_id")}
    entries = [p.entry for p in people.values()]
    params = EmailsParams.model_validate({"emails": entries, **{k: v for k, v in ref.items() if v}})
    group = quoted(target.get("name")) if target.get("name") else f"id {target.get('id')}"
    return Prepared(params, f"TestFlight group {group}")


INVITE_TARGET = InviteCapability(
    target="TestFlight group",
    task=INVITE,
    id_means="TestFlight group id",
    prepare=prepare,
    fields={
        "name": (
            Annotated[str, Field(min_length=1, max_length=200)] | None,
            Field(None, description="TestFlight group name, with app_id"),
        ),
        "app_id": (Id | None, Field(None, description="TestFlight app of a named group")),
    },
)
