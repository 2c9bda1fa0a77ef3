"""Betasend credentials and knobs, from `BETASEND_*` environment variables (or `.env`).

Betasend has no OAuth: an account is reached at `https://{domain}.betasend.com/api/v1` with an API
key and a hash, both shown on the account's profile page, sent as form fields on every call.
`BETASEND_BASE_URL` replaces that URL (a proxy, a test server); it must be https (or loopback).
"""

from __future__ import annotations

import re

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from betaops.core.errors import ConfigError

DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$")
CREDENTIAL = re.compile(r"^[A-Za-z0-9_-]{8,128}$")


class BetasendSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BETASEND_", env_file=".env", extra="ignore")

    domain: str | None = Field(None, description="The account's subdomain: {domain}.betasend.com")
    api_key: SecretStr | None = None
    hash: SecretStr | None = None
    list_id: int | None = Field(None, ge=1, description="Default list for betasend_add_subscribers_to_lists")
    base_url: str | None = Field(
        None, description="API base URL instead of https://{domain}.betasend.com/api/v1 (a proxy, a test server)"
    )
    write_limit_per_minute: int = Field(60, ge=1)

    @property
    def configured(self) -> bool:
        return any(v is not None for v in (self.domain, self.api_key, self.hash, self.base_url))

    def api_url(self) -> str:
        """`BETASEND_BASE_URL`, else the account's own API URL."""
        return self.base_url or f"https://{self.domain}.betasend.com/api/v1"

    def check(self) -> None:
        """Raise a ConfigError that names the variable to fix (never its value)."""
        if self.domain is None and self.base_url is None:
            raise ConfigError("betasend", "BETASEND_DOMAIN is not set.", hint=SETUP_HINT)
        if self.api_key is None:
            raise ConfigError("betasend", "BETASEND_API_KEY is not set.", hint=SETUP_HINT)
        if self.hash is None:
            raise ConfigError("betasend", "BETASEND_HASH is not set.", hint=SETUP_HINT)
        if self.domain is not None and not DOMAIN.match(self.domain):
            raise ConfigError(
                "betasend",
                "BETASEND_DOMAIN is not a Betasend subdomain.",
                hint="Use only the part before .betasend.com (letters, digits, '-' or '_').",
            )
        assert self.api_key is not None
        for name, secret in (("BETASEND_API_KEY", self.api_key), ("BETASEND_HASH", self.hash)):
            if not CREDENTIAL.match(secret.get_secret_value()):
                raise ConfigError(
                    "betasend",
                    f"{name} does not look like a Betasend credential.",
                    hint="Copy the API key and Hash from your Betasend profile page.",
                )


SETUP_HINT = "set BETASEND_DOMAIN, BETASEND_API_KEY and BETASEND_HASH (Betasend profile page)"
