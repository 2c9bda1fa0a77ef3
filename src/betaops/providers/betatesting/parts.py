"""What BetaTesting offers as code (`core.provider.Parts`), imported when a call first needs it."""

from __future__ import annotations

from betaops.core.provider import Parts
from betaops.core.resolve import Named
from betaops.providers.betatesting.invite import INVITE_TARGET
from betaops.providers.betatesting.operations import OPERATIONS
from betaops.providers.betatesting.provider import tests
from betaops.providers.betatesting.tasks import TASKS

PARTS = Parts(operations=OPERATIONS, tasks=TASKS, invite=INVITE_TARGET, names={"test_id": Named("test", tests)})
