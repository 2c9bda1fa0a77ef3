"""App Store Connect credentials, from `TESTFLIGHT_*` environment variables (or `.env`).

A team key needs TESTFLIGHT_KEY_ID, TESTFLIGHT_ISSUER_ID and the `.p8` private key, given as a
file (TESTFLIGHT_PRIVATE_KEY_PATH) or as its PEM text (TESTFLIGHT_PRIVATE_KEY). Without an issuer
id the key is treated as an individual key (`sub: "user"`).
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from betaops.core.errors import ConfigError
from betaops.providers.testflight.auth import ApiKey, load_private_key

KEY_ID = re.compile(r"^[A-Z0-9]{6,20}$")
ISSUER_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
APP_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
SETUP = (
    "set TESTFLIGHT_KEY_ID, TESTFLIGHT_ISSUER_ID and TESTFLIGHT_PRIVATE_KEY_PATH (the .p8 file) "
    "or TESTFLIGHT_PRIVATE_KEY (its PEM text)"
)


class TestFlightSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TESTFLIGHT_", env_file=".env", extra="ignore")
    __test__ = False  # not a pytest test class, whatever its name

    key_id: str | None = None
    issuer_id: str | None = Field(None, description="Team keys only; absent means an individual key")
    private_key_path: Path | None = None
    private_key: SecretStr | None = Field(None, description="The .p8 PEM text, instead of a path")
    app_id: str | None = Field(None, description="The app task-level tools use when none is named")
    beta_group_id: str | None = Field(None, description="A beta group that tool inputs may then omit")
    base_url: str = "https://api.appstoreconnect.apple.com"
    token_lifetime_s: int = Field(900, ge=60, le=1140)
    write_limit_per_minute: int = Field(60, ge=1, description="Writes paced per minute (Apple: ~3,600 an hour)")

    @property
    def configured(self) -> bool:
        return self.key_id is not None or self.private_key_path is not None or self.private_key is not None

    def api_key(self) -> ApiKey:
        """The key to sign with; a ConfigError naming the variable to fix. Never echoes the key."""
        if not self.key_id:
            raise ConfigError("testflight", "TESTFLIGHT_KEY_ID is not set.", hint=f"To use App Store Connect, {SETUP}.")
        if not KEY_ID.match(self.key_id):
            raise ConfigError(
                "testflight",
                "TESTFLIGHT_KEY_ID does not look like an App Store Connect key id.",
                hint="It is the 10-character id shown next to the key in Users and Access > Integrations.",
            )
        if self.issuer_id is not None and not ISSUER_ID.match(self.issuer_id):
            raise ConfigError(
                "testflight",
                "TESTFLIGHT_ISSUER_ID is not a UUID.",
                hint="Copy the Issuer ID shown above the key list; leave it unset for an individual key.",
            )
        if self.app_id is not None and not APP_ID.match(self.app_id):
            raise ConfigError("testflight", "TESTFLIGHT_APP_ID is not an App Store Connect app id.")
        if self.private_key is not None:
            pem, variable = self.private_key.get_secret_value(), "TESTFLIGHT_PRIVATE_KEY"
        elif self.private_key_path is not None:
            variable = "TESTFLIGHT_PRIVATE_KEY_PATH"
            try:
                pem = self.private_key_path.expanduser().read_text()
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(
                    "testflight",
                    f"TESTFLIGHT_PRIVATE_KEY_PATH cannot be read ({type(exc).__name__}).",
                    hint="Point it at the AuthKey_<KEY_ID>.p8 file downloaded from App Store Connect.",
                ) from exc
        else:
            raise ConfigError(
                "testflight",
                "no private key: TESTFLIGHT_PRIVATE_KEY_PATH and TESTFLIGHT_PRIVATE_KEY are both unset.",
                hint=f"To use App Store Connect, {SETUP}.",
            )
        return ApiKey(self.key_id, load_private_key(pem, variable), self.issuer_id)
