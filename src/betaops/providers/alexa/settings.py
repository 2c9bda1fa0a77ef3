"""Alexa (SMAPI) credentials and knobs, from `ALEXA_*` environment variables (or `.env`).

SMAPI takes a Login with Amazon access token; we hold the long-lived refresh token (for example
from `ask util generate-lwa-tokens`) and exchange it, so the three LWA values are all required.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from betaops.core.errors import ConfigError

NAME = "alexa"
# SMAPI's page sizes, which the client paginates by.
MAX_TESTER_PAGE = 500  # list testers: maxResults 1-500 (documented)
MAX_SKILL_PAGE = 50  # list skills: maxResults up to 50 (SMAPI skill operations)
REQUIRED = ("ALEXA_CLIENT_ID", "ALEXA_CLIENT_SECRET", "ALEXA_REFRESH_TOKEN")


class AlexaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALEXA_", env_file=".env", extra="ignore")

    client_id: str | None = Field(None, description="LWA security profile client id")
    client_secret: SecretStr | None = Field(None, description="LWA security profile client secret")
    refresh_token: SecretStr | None = Field(None, description="LWA refresh token with SMAPI scopes")
    skill_id: str | None = Field(None, description="Skill used when a tool call names none")
    base_url: str = "https://api.amazonalexa.com"
    token_url: str = "https://api.amazon.com/auth/o2/token"
    write_limit_per_minute: int = Field(30, ge=1)

    @property
    def configured(self) -> bool:
        return any(v is not None for v in (self.client_id, self.client_secret, self.refresh_token))

    def check(self) -> None:
        """Raise a ConfigError that names every variable still to set."""
        values = (self.client_id, self.client_secret, self.refresh_token)
        missing = [name for name, value in zip(REQUIRED, values, strict=True) if value is None]
        if missing:
            raise ConfigError(
                NAME,
                f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set.",
                hint="SMAPI needs all three Login with Amazon values (`ask util generate-lwa-tokens` prints a refresh token).",
            )
