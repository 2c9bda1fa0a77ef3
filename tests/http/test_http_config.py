"""`serve --http` refuses unsafe or incomplete set-ups before it listens, and says what to set."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from betaops import cli
from betaops.core.errors import ConfigError
from betaops.server.app import ServerOptions, build_runtime
from betaops.server.http import HttpOptions, is_loopback, transport_security
from tests.http.http_support import SECRET, TOKEN, http_app, http_settings
from tests.support import make_box


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """cli.main quiets some loggers for the process; put them back for the tests that follow."""
    names = ["", "httpx2", "httpcore", "mcp", "betaops"]
    levels = {name: logging.getLogger(name).level for name in names}
    handlers = list(logging.getLogger().handlers)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging.getLogger().handlers[:] = handlers


def build(settings: Any, **options: Any) -> Any:
    return http_app(make_box("betatesting").runtime, settings, HttpOptions(**options))


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "mcp.example.com", "localhost.evil"])
def test_other_addresses_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.5", "::"])
def test_beyond_loopback_without_tokens_is_refused(host: str) -> None:
    with pytest.raises(ConfigError) as refused:
        build(http_settings(), host=host, allowed_hosts=("mcp.example.com",))
    assert "BETAOPS_HTTP_TOKENS" in str(refused.value)


def test_every_interface_needs_a_named_host() -> None:
    with pytest.raises(ConfigError) as refused:
        build(http_settings(http_tokens=TOKEN), host="0.0.0.0")
    assert "--allowed-host" in str(refused.value)


def test_a_specific_address_is_allowed_as_host_with_its_port() -> None:
    security = transport_security(http_settings(), HttpOptions(host="10.0.0.5", port=9000))
    assert "10.0.0.5:9000" in security.allowed_hosts
    assert "127.0.0.1:*" in security.allowed_hosts
    assert security.enable_dns_rebinding_protection


def test_short_tokens_are_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigError) as refused:
        build(http_settings(http_tokens=f"{TOKEN},short-one"))
    assert "#2" in str(refused.value)
    assert "short-one" not in str(refused.value)


def test_stateless_needs_the_shared_confirmation_secret() -> None:
    with pytest.raises(ConfigError) as refused:
        build(http_settings(), stateless=True)
    assert "BETAOPS_CONFIRM_SECRET" in str(refused.value)
    build(http_settings(confirm_secret=SECRET), stateless=True)


def test_tokens_stay_secret_in_settings() -> None:
    settings = http_settings(http_tokens=TOKEN)
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())


def test_cli_refuses_a_public_interface_without_tokens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BETAOPS_HTTP_TOKENS", raising=False)
    code = cli.main(["serve", "--sandbox", "--http", "--host", "0.0.0.0", "--allowed-host", "mcp.example.com"])
    assert code == 2
    err = capsys.readouterr().err
    assert "not loopback" in err and "BETAOPS_HTTP_TOKENS" in err


def test_cli_http_flags_need_http(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--sandbox", "--port", "9000"]) == 2
    assert "need --http" in capsys.readouterr().err


def test_cli_passes_the_http_flags_through() -> None:
    flags = ["--host", "0.0.0.0", "--port", "9001", "--stateless", "--allowed-host", "a.example"]
    flags += ["--allowed-host", "b.example:443", "--allowed-origin", "https://a.example"]
    ns = cli.parser().parse_args(["serve", "--http", *flags])
    assert cli.http_options(ns) == HttpOptions(
        host="0.0.0.0",
        port=9001,
        stateless=True,
        allowed_hosts=("a.example", "b.example:443"),
        allowed_origins=("https://a.example",),
    )


def test_stateless_warns_about_providers_without_idempotency_keys(caplog: pytest.LogCaptureFixture) -> None:
    settings = http_settings(confirm_secret=SECRET)
    runtime = build_runtime(settings, ServerOptions(sandbox=True))
    with caplog.at_level(logging.WARNING, logger="betaops.server.http"):
        http_app(runtime, settings, HttpOptions(stateless=True), warn_for=runtime)
    [warning] = [r.getMessage() for r in caplog.records if r.name == "betaops.server.http"]
    exposed = [c.spec.title for c in runtime.connections.values() if c.config.idempotency_header is None]
    assert exposed and all(title in warning for title in exposed)
    assert "BetaTesting.com" not in warning  # its writes carry an Idempotency-Key: the provider replays
    assert "another replica" in warning


def test_stateless_without_a_shared_store_warns_even_with_keyed_providers_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Idempotency keys stop a repeated write at the provider, not N replicas' pacing or a lost job."""
    box = make_box("betatesting")  # BetaTesting only
    with caplog.at_level(logging.WARNING, logger="betaops.server.http"):
        http_app(box.runtime, http_settings(confirm_secret=SECRET), HttpOptions(stateless=True), warn_for=box.runtime)
    [warning] = [r.getMessage() for r in caplog.records if r.name == "betaops.server.http"]
    assert "N times a provider's limit" in warning and "BETAOPS_STATE_URL=redis://" in warning
    assert "take no idempotency key" not in warning
