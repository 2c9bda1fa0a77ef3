"""What Betasend offers as code (`core.provider.Parts`), imported when a call first needs it."""

from __future__ import annotations

from betaops.core.provider import Parts
from betaops.core.resolve import Named
from betaops.providers.betasend.invite import INVITE_TARGET, lists
from betaops.providers.betasend.operations import OPERATIONS
from betaops.providers.betasend.tasks import TASKS

LISTS = Named("list", lists)

PARTS = Parts(operations=OPERATIONS, tasks=TASKS, invite=INVITE_TARGET, names={"list_id": LISTS, "list_ids": LISTS})
