"""Settings shared by every provider; each provider reads its own block (`providers/<name>/settings.py`).

A provider's block is read from the environment once per `Settings` (`Settings.of`), so every hook
given these settings sees the same values, and a test that builds its own `Settings` gets its own.

Secrets are `SecretStr`: they print as `**********` and never reach logs or tool output.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import Field, PrivateAttr, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

Block = TypeVar("Block", bound=BaseSettings)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BETAOPS_", env_file=".env", extra="ignore")

    confirm_secret: SecretStr | None = Field(
        None, description="Signs confirmation tokens; set it to keep tokens valid across restarts or replicas"
    )
    timeout_s: float = Field(30.0, gt=0)
    state_dir: Path | None = Field(
        None, description="Where spent approvals and the audit log live; default $XDG_STATE_HOME/betaops"
    )
    state_url: str | None = Field(
        None, description="redis://host:port/db: a state store shared by replicas; default embedded in the state dir"
    )
    job_lease_s: float = Field(
        30.0, gt=0, description="A bulk job's lease: how soon another replica resumes a job whose process died"
    )
    audit_log: Path | None = Field(None, description="JSON-lines audit of every write; default in the state dir")
    http_tokens: SecretStr | None = Field(
        None, description="serve --http: accepted bearer tokens, comma-separated; required beyond loopback"
    )
    http_public_url: str | None = Field(
        None, description="serve --http: the MCP endpoint's URL as clients reach it (behind a proxy or TLS)"
    )
    http_auth_issuer: str | None = Field(
        None, description="serve --http: authorization server named in the protected-resource metadata"
    )
    _blocks: dict[type[BaseSettings], BaseSettings] = PrivateAttr(default_factory=dict)

    def of(self, block: type[Block]) -> Block:
        """A provider's own settings block, read once for these settings."""
        if block not in self._blocks:
            self._blocks[block] = block()
        found = self._blocks[block]
        assert isinstance(found, block)
        return found
