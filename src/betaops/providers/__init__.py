"""Every provider betaops knows, in the order they are listed."""

from __future__ import annotations

from betaops.core.provider import ProviderSpec
from betaops.providers.alexa.provider import ALEXA
from betaops.providers.betasend.provider import BETASEND
from betaops.providers.betatesting.provider import BETATESTING
from betaops.providers.testflight.provider import TESTFLIGHT

PROVIDERS: dict[str, ProviderSpec] = {p.name: p for p in (BETATESTING, TESTFLIGHT, BETASEND, ALEXA)}
