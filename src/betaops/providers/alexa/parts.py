"""What Alexa offers as code (`core.provider.Parts`), imported when a call first needs it."""

from __future__ import annotations

from betaops.core.provider import Parts
from betaops.core.resolve import Named
from betaops.providers.alexa.invite import INVITE_TARGET, skills
from betaops.providers.alexa.operations import OPERATIONS
from betaops.providers.alexa.tasks import TASKS

PARTS = Parts(operations=OPERATIONS, tasks=TASKS, invite=INVITE_TARGET, names={"skill_id": Named("skill", skills)})
