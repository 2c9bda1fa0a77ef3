"""BetaTesting.com credentials and knobs, from `BETATESTING_*` environment variables (or `.env`)."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from betaops.core.errors import ConfigError

BETATESTING_KEY = re.compile(r"^btst_[A-Za-z0-9]{64}$")


class BetaTestingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BETATESTING_", env_file=".env", extra="ignore")

    api_key: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    scope: str = "api:read api:write"
    base_url: str = "https://betatesting.com/api/external/v2"
    token_url: str | None = Field(None, description="OAuth2 token endpoint; default {base_url}/oauth/token")
    write_limit_per_minute: int = Field(30, ge=1)
    write_window_s: float = Field(60.0, gt=0, description="The write quota's window (a sandbox may use a shorter one)")
    test_id: int | None = Field(None, ge=1, description="A test that tool inputs may then omit")

    @property
    def configured(self) -> bool:
        return self.api_key is not None or self.client_id is not None

    def check(self) -> None:
        """Raise a ConfigError that names the variable to fix."""
        if self.api_key is not None:
            if not BETATESTING_KEY.match(self.api_key.get_secret_value()):
                raise ConfigError(
                    "betatesting",
                    "BETATESTING_API_KEY does not look like a BetaTesting key.",
                    hint="Keys start with 'btst_' followed by 64 letters and digits (Company Settings > Integrations).",
                )
            return
        if self.client_id is not None and self.client_secret is None:
            raise ConfigError(
                "betatesting",
                "BETATESTING_CLIENT_ID is set but BETATESTING_CLIENT_SECRET is not.",
                hint="Set both for OAuth2 client credentials, or set BETATESTING_API_KEY instead.",
            )
