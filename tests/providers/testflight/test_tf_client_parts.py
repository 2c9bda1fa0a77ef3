"""Client parts without the network: JWT minting and reuse, settings, X-Rate-Limit, JSON:API errors and results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from betaops.core.errors import ConfigError
from betaops.providers.testflight.auth import AUDIENCE, ApiKey, AppStoreConnectJWT, load_private_key
from betaops.providers.testflight.errors import BUILD_NOT_READY, error_hint, parse_error
from betaops.providers.testflight.jsonapi import flatten, unwrap
from betaops.providers.testflight.provider import rate_limit
from betaops.providers.testflight.settings import TestFlightSettings
from betaops.sim.clock import FakeClock

pytestmark = pytest.mark.anyio
ISSUER = "57246542-96fe-1a63-e053-0824d011072a"


def pem_of(key: Any) -> str:
    raw: bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return raw.decode()


@pytest.fixture
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def decode(token: str, key: ec.EllipticCurvePrivateKey, now: float) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(
        token,
        key.public_key(),
        algorithms=["ES256"],
        audience=AUDIENCE,
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["exp"] > now
    return claims


async def test_team_token_claims_lifetime_and_reuse(ec_key: ec.EllipticCurvePrivateKey) -> None:
    clock = FakeClock(1_800_000_000.0)
    auth = AppStoreConnectJWT(ApiKey("ABC123DEFG", ec_key, ISSUER), clock=clock)
    token = await auth.token()
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "ES256", "kid": "ABC123DEFG", "typ": "JWT"}
    claims = decode(token, ec_key, clock())
    assert claims["iss"] == ISSUER and "sub" not in claims
    assert claims["iat"] == 1_800_000_000 - 60  # skew margin
    assert claims["exp"] - claims["iat"] <= 20 * 60
    clock.advance(13 * 60)  # still more than a minute left: reused
    assert await auth.token() == token and auth.minted == 1
    clock.advance(60)  # within the refresh margin: a new one
    fresh = await auth.token()
    assert fresh != token and auth.minted == 2


async def test_individual_key_uses_sub_user(ec_key: ec.EllipticCurvePrivateKey) -> None:
    clock = FakeClock(1_800_000_000.0)
    auth = AppStoreConnectJWT(ApiKey("IND1234567", ec_key, None), clock=clock)
    claims = decode(await auth.token(), ec_key, clock())
    assert claims["sub"] == "user" and "iss" not in claims


def test_lifetime_over_twenty_minutes_is_refused(ec_key: ec.EllipticCurvePrivateKey) -> None:
    with pytest.raises(ValueError, match="1200"):
        AppStoreConnectJWT(ApiKey("ABC123DEFG", ec_key, ISSUER), lifetime_s=20 * 60)


async def test_a_401_refreshes_once_and_retries_once(ec_key: ec.EllipticCurvePrivateKey) -> None:
    clock = FakeClock(1_800_000_000.0)
    auth = AppStoreConnectJWT(ApiKey("ABC123DEFG", ec_key, ISSUER), clock=clock)
    first = await auth.token()
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.headers["authorization"])
        return httpx2.Response(401 if len(seen) == 1 else 200, json={"data": []})

    async with httpx2.AsyncClient(transport=httpx2.MockTransport(handler), auth=auth) as client:
        response = await client.get("https://api.example/v1/apps")
    assert response.status_code == 200
    assert len(seen) == 2 and seen[0] == f"Bearer {first}" and seen[1] != seen[0]
    assert auth.minted == 2

    always: list[str] = []

    def refuse(request: httpx2.Request) -> httpx2.Response:
        always.append(request.headers["authorization"])
        return httpx2.Response(401, json={"errors": []})

    async with httpx2.AsyncClient(transport=httpx2.MockTransport(refuse), auth=auth) as client:
        response = await client.get("https://api.example/v1/apps")
    assert response.status_code == 401 and len(always) == 2  # one retry, not a loop


def test_settings_read_the_key_from_a_path_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    pem = pem_of(ec_key)
    path = tmp_path / "AuthKey_ABC123DEFG.p8"
    path.write_text(pem)
    monkeypatch.setenv("TESTFLIGHT_KEY_ID", "ABC123DEFG")
    monkeypatch.setenv("TESTFLIGHT_ISSUER_ID", ISSUER)
    monkeypatch.setenv("TESTFLIGHT_PRIVATE_KEY_PATH", str(path))
    key = TestFlightSettings().api_key()
    assert key.issuer_id == ISSUER and "PRIVATE" not in repr(key)
    monkeypatch.delenv("TESTFLIGHT_PRIVATE_KEY_PATH")
    monkeypatch.delenv("TESTFLIGHT_ISSUER_ID")
    monkeypatch.setenv("TESTFLIGHT_PRIVATE_KEY", pem)
    assert TestFlightSettings().api_key().issuer_id is None  # an individual key


def test_a_malformed_key_names_the_variable_and_not_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret_text = "-----BEGIN PRIVATE KEY-----\nTOPSECRETNOTAKEY\n-----END PRIVATE KEY-----\n"
    path = tmp_path / "bad.p8"
    path.write_text(secret_text)
    monkeypatch.setenv("TESTFLIGHT_KEY_ID", "ABC123DEFG")
    monkeypatch.setenv("TESTFLIGHT_PRIVATE_KEY_PATH", str(path))
    with pytest.raises(ConfigError) as caught:
        TestFlightSettings().api_key()
    assert "TESTFLIGHT_PRIVATE_KEY_PATH" in str(caught.value)
    assert "TOPSECRET" not in str(caught.value)
    rsa_pem = pem_of(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    with pytest.raises(ConfigError, match="TESTFLIGHT_PRIVATE_KEY is not an App Store Connect key"):
        load_private_key(rsa_pem, "TESTFLIGHT_PRIVATE_KEY")
    monkeypatch.setenv("TESTFLIGHT_PRIVATE_KEY_PATH", str(tmp_path / "missing.p8"))
    with pytest.raises(ConfigError, match="TESTFLIGHT_PRIVATE_KEY_PATH cannot be read"):
        TestFlightSettings().api_key()


def test_x_rate_limit_reports_the_tightest_window() -> None:
    assert rate_limit(httpx2.Headers({"X-Rate-Limit": "user-hour-lim:3600;user-hour-rem:500;"})) == (3600, 500)
    both = "user-hour-lim:3600;user-hour-rem:500;user-minute-lim:100;user-minute-rem:7;"
    assert rate_limit(httpx2.Headers({"X-Rate-Limit": both})) == (100, 7)
    assert rate_limit(httpx2.Headers({})) == (None, None)


def _response(status: int, body: Any, method: str = "GET", path: str = "/v1/apps") -> httpx2.Response:
    request = httpx2.Request(method, f"https://api.appstoreconnect.apple.com{path}")
    return httpx2.Response(status, json=body, request=request)


def test_json_api_errors_become_one_sentence_with_source() -> None:
    body = {
        "errors": [
            {
                "status": "400",
                "code": "PARAMETER_ERROR.INVALID",
                "title": "A parameter has an invalid value",
                "detail": "'emaill' is not a valid filter type",
                "source": {"parameter": "filter[emaill]"},
            },
            {"status": "409", "code": "ENTITY_ERROR", "title": "The request entity is invalid."},  # no detail
        ]
    }
    code, message = parse_error(_response(400, body))
    assert code == "PARAMETER_ERROR.INVALID"
    assert message == (
        "A parameter has an invalid value: 'emaill' is not a valid filter type (parameter filter[emaill]); "
        "The request entity is invalid"
    )


def test_a_422_on_adding_a_build_to_groups_says_what_to_do() -> None:
    body = {"errors": [{"status": "422", "code": "ENTITY_UNPROCESSABLE", "title": "x", "detail": "y"}]}
    response = _response(422, body, "POST", "/v1/builds/b1/relationships/betaGroups")
    assert error_hint(response, "ENTITY_UNPROCESSABLE") == BUILD_NOT_READY
    assert "processing" in BUILD_NOT_READY and "export compliance" in BUILD_NOT_READY
    assert error_hint(_response(422, body, "PATCH", "/v1/betaGroups/g1"), None) is None


def test_resources_flatten_with_relationship_ids_and_included() -> None:
    body = {
        "data": {
            "type": "builds",
            "id": "b1",
            "attributes": {"version": "42", "processingState": "VALID"},
            "relationships": {
                "app": {"data": {"type": "apps", "id": "a1"}, "links": {"self": "x"}},
                "betaGroups": {"data": [{"type": "betaGroups", "id": "g1"}]},
                "icons": {"links": {"related": "y"}},
            },
            "links": {"self": "z"},
        },
        "included": [{"type": "betaGroups", "id": "g1", "attributes": {"name": "QA"}}],
    }
    assert unwrap(body) == {
        "id": "b1",
        "type": "builds",
        "version": "42",
        "processingState": "VALID",
        "app_id": "a1",
        "beta_group_ids": ["g1"],
        "beta_groups": [{"id": "g1", "type": "betaGroups", "name": "QA"}],
    }
    assert flatten({"type": "apps", "id": "a1", "links": {"self": "x"}}) == {"type": "apps", "id": "a1"}
    assert unwrap({"data": None}) == {"note": "Nothing is linked here."}
