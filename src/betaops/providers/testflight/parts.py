"""What TestFlight offers as code (`core.provider.Parts`), imported when a call first needs it."""

from __future__ import annotations

from betaops.core.provider import Parts
from betaops.providers.testflight.invite import INVITE_TARGET
from betaops.providers.testflight.operations import OPERATIONS
from betaops.providers.testflight.tasks import TASKS
from betaops.providers.testflight.testers import LIST_GROUP_TESTERS

PARTS = Parts(operations=OPERATIONS, tasks=(*TASKS, LIST_GROUP_TESTERS), invite=INVITE_TARGET)
