"""The TestFlight simulator's rules over HTTP: paging, limits, JWT, rate limits, preconditions, faults.

Requests go through `sim_transport` and the OpenAPI contract checker; tests that send something
invalid on purpose take the expected request-side violations off the checker with `take()`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from betaops.providers.testflight.simulator import (
    SANDBOX_INDIVIDUAL_KEY_ID,
    SANDBOX_INDIVIDUAL_PRIVATE_KEY_PEM,
    SANDBOX_ISSUER_ID,
    SANDBOX_KEY_ID,
    SIM_NOW,
    SimConfig,
    build_state,
    sign_individual_token,
    sign_token,
)
from betaops.providers.testflight.simulator.config import UNKNOWN_PRIVATE_KEY_PEM
from betaops.providers.testflight.simulator.seed_text import BIDI, INSTRUCTION_TEXT
from betaops.sim import FakeClock, Faults
from tests.providers.testflight.contract import SimHarness, sim_harness

pytestmark = pytest.mark.anyio

APP = "1588204131"
HARBOR = "1671145560"


def many(rtype: str, *rids: str) -> dict[str, Any]:
    return {"data": [{"type": rtype, "id": r} for r in rids]}


def error(response: httpx2.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"errors"} and len(body["errors"]) == 1
    err: dict[str, Any] = body["errors"][0]
    assert err["status"] == str(response.status_code) and err["detail"] and err["title"] and err["id"]
    return err


def harness(**config: Any) -> SimHarness:
    return sim_harness(config=SimConfig(clock=FakeClock(SIM_NOW), **config))


def detail_of(h: SimHarness, build_key: str) -> dict[str, Any]:
    res = h.state.get("buildBetaDetails", h.ids[f"{build_key}.detail"])
    assert res is not None
    return dict(res.attributes)


# ------------------------------------------------------------------------------ paging


async def test_paging_over_the_big_app_follows_links_next_to_the_end() -> None:
    h = harness()
    expected = {t.id for t in h.state.iter_testers_of_app(APP)}
    assert len(expected) >= 500
    seen: list[str] = []
    url: str | None = f"/v1/betaTesters?filter[apps]={APP}&sort=email&limit=200&fields[betaTesters]=email"
    pages = 0
    async with h.client as client:
        while url:
            r = await client.get(url)
            assert r.status_code == 200
            doc = r.json()
            pages += 1
            seen += [d["id"] for d in doc["data"]]
            assert doc["meta"]["paging"]["total"] == len(expected)
            assert doc["meta"]["paging"]["limit"] == 200
            url = doc["links"].get("next")
            if url:
                query = parse_qs(urlsplit(url).query)
                assert query["filter[apps]"] == [APP] and query["sort"] == ["email"] and query["limit"] == ["200"]
                assert query["cursor"] == [doc["meta"]["paging"]["nextCursor"]]
            else:
                assert "nextCursor" not in doc["meta"]["paging"]
    assert pages == -(-len(expected) // 200)
    assert len(seen) == len(set(seen)) and set(seen) == expected
    emails = [h.state.get("betaTesters", i).attributes.get("email") for i in seen]
    present = [e for e in emails if e is not None]
    assert emails[: len(present)] == present  # public-link testers without an email sort last
    initials = [e[0].lower() for e in present]
    assert initials == sorted(initials)
    h.transport.assert_clean()


async def test_related_collections_page_on_their_own() -> None:
    h = harness()
    group = h.ids["trailhead.public"]
    members = h.state.get("betaGroups", group).rels["betaTesters"]
    ids: list[str] = []
    async with h.client as client:
        url: str | None = f"/v1/betaGroups/{group}/relationships/betaTesters?limit=100"
        while url:
            doc = (await client.get(url)).json()
            ids += [d["id"] for d in doc["data"]]
            url = doc["links"].get("next")
    assert ids == members
    h.transport.assert_clean()


async def test_default_page_size_and_bad_cursor() -> None:
    h = harness()
    async with h.client as client:
        doc = (await client.get("/v1/betaTesters")).json()
        assert len(doc["data"]) == 50 and "next" in doc["links"]
        r = await client.get("/v1/betaTesters?cursor=not-a-cursor")
    assert r.status_code == 400 and error(r)["source"] == {"parameter": "cursor"}


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/v1/betaTesters?limit=201", "limit"),
        ("/v1/betaGroups?include=betaTesters&limit[betaTesters]=51", "limit[betaTesters]"),
        ("/v1/betaGroups?include=builds&limit[builds]=1001", "limit[builds]"),
        ("/v1/apps?include=builds&limit[builds]=51", "limit[builds]"),
        ("/v1/betaTesters?limit=0", "limit"),
    ],
)
async def test_limit_maxima(url: str, parameter: str) -> None:
    h = harness()
    async with h.client as client:
        r = await client.get(url)
    assert r.status_code == 400
    err = error(r)
    assert err["code"] == "PARAMETER_ERROR.INVALID" and err["source"] == {"parameter": parameter}
    assert h.transport.take()  # the checker saw the same request-side violation


async def test_limit_builds_1000_is_allowed_on_beta_groups() -> None:
    h = harness()
    async with h.client as client:
        r = await client.get("/v1/betaGroups?include=builds&limit[builds]=1000")
        r2 = await client.get(f"/v1/betaGroups/{h.ids['trailhead.core']}?include=builds&limit[builds]=1000")
    assert r.status_code == 200 and r2.status_code == 200
    rel = r2.json()["data"]["relationships"]["builds"]
    assert len(rel["data"]) == 4 and rel["meta"]["paging"] == {"total": 4, "limit": 1000}
    h.transport.assert_clean()


# --------------------------------------------------------------------- query parameters


async def test_parameter_errors() -> None:
    h = harness()
    async with h.client as client:
        unknown = await client.get("/v1/betaTesters?filter[emaill]=a@example.com")
        required = await client.get("/v1/betaAppReviewSubmissions")
        metrics = await client.get(
            f"/v1/betaTesters/{h.ids['trailhead.tester.first_external']}/metrics/betaTesterUsages"
        )
        illegal = await client.get("/v1/apps?page=2")
        bad_field = await client.get("/v1/builds?fields[builds]=version,colour")
        bad_sort = await client.get("/v1/betaTesters?sort=age")
    err = error(unknown)
    assert (unknown.status_code, err["code"], err["detail"]) == (
        400,
        "PARAMETER_ERROR.INVALID",
        "'emaill' is not a valid filter type",
    )
    assert err["source"] == {"parameter": "filter[emaill]"}
    assert (required.status_code, error(required)["code"]) == (400, "PARAMETER_ERROR.REQUIRED")
    assert error(required)["source"] == {"parameter": "filter[build]"}
    assert error(metrics)["source"] == {"parameter": "filter[apps]"}
    assert (illegal.status_code, error(illegal)["code"]) == (400, "PARAMETER_ERROR.ILLEGAL")
    assert error(bad_field)["source"] == {"parameter": "fields[builds]"}
    assert error(bad_sort)["source"] == {"parameter": "sort"}
    assert len(h.transport.take()) >= 6


async def test_filters_sort_fields_and_include() -> None:
    h = harness()
    async with h.client as client:
        builds = (
            await client.get(f"/v1/builds?filter[app]={APP}&filter[processingState]=PROCESSING,FAILED&sort=version")
        ).json()
        groups = (await client.get(f"/v1/betaGroups?filter[app]={APP}&filter[isInternalGroup]=true&sort=-name")).json()
        by_version = (await client.get(f"/v1/builds?filter[preReleaseVersion.version]=3.6.0&filter[app]={APP}")).json()
        sparse = (
            await client.get(
                f"/v1/betaGroups/{h.ids['trailhead.public']}?fields[betaGroups]=name,publicLink&include=app&fields[apps]=name"
            )
        ).json()
    assert [b["attributes"]["version"] for b in builds["data"]] == ["322", "324"]
    assert [g["attributes"]["name"] for g in groups["data"]] == ["QA Internal", "Core Team"]
    assert {b["attributes"]["version"] for b in by_version["data"]} == {"330", "331"}
    assert set(sparse["data"]["attributes"]) == {"name", "publicLink"} and "relationships" not in sparse["data"]
    assert sparse["included"][0]["attributes"] == {"name": "Trailhead: Hiking Maps"}
    h.transport.assert_clean()


# -------------------------------------------------------------------------------- JWT


def _raw_client(h: SimHarness, token: str | None) -> httpx2.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {"Authorization": "Basic abc"}
    return httpx2.AsyncClient(transport=h.transport, base_url="http://testflight.sandbox", headers=headers)


@pytest.mark.parametrize(
    ("case", "token"),
    [
        ("expired", lambda now: sign_token(now - 1500, lifetime_s=1200)),
        ("wrong aud", lambda now: sign_token(now, audience="apple-developer-enterprise-v1")),
        ("unknown kid", lambda now: sign_token(now, key_id="ABCDEFGHIJ")),
        ("wrong key", lambda now: sign_token(now, private_key_pem=UNKNOWN_PRIVATE_KEY_PEM)),
        ("lifetime over 20 min", lambda now: sign_token(now, lifetime_s=1260)),
        ("wrong issuer", lambda now: sign_token(now, issuer_id="00000000-0000-0000-0000-000000000000")),
        ("team key without iss", lambda now: sign_token(now, issuer_id=None)),
        (
            "individual key with iss",
            lambda now: sign_token(
                now, key_id=SANDBOX_INDIVIDUAL_KEY_ID, private_key_pem=SANDBOX_INDIVIDUAL_PRIVATE_KEY_PEM
            ),
        ),
        ("individual key wrong sub", lambda now: sign_individual_token(now, extra={"sub": "robot"})),
        ("iat in the future", lambda now: sign_token(now + 600)),
        ("no exp", lambda now: sign_token(now, extra={"exp": None})),
        ("HS256", lambda now: sign_token(now, private_key_pem="s" * 32, algorithm="HS256")),
        ("not a JWT", lambda now: "abc.def"),
        ("no header", lambda now: None),
    ],
)
async def test_jwt_rejections(case: str, token: Any) -> None:
    h = harness()
    async with _raw_client(h, token(SIM_NOW)) as client:
        r = await client.get("/v1/apps")
    assert r.status_code == 401, case
    assert error(r)["code"] == "NOT_AUTHORIZED"
    assert r.headers["X-Rate-Limit"] == "user-hour-lim:3600;user-hour-rem:3600;"
    assert h.state.requests  # logged, redacted
    assert h.state.requests[-1].headers.get("authorization") == "[redacted]"


async def test_valid_tokens_team_individual_skew_and_scope() -> None:
    h = harness()
    tokens = [
        sign_token(SIM_NOW, lifetime_s=1200),
        sign_individual_token(SIM_NOW),
        sign_token(SIM_NOW + 30),  # iat slightly ahead: clock skew allowed
        sign_token(SIM_NOW - 1190, lifetime_s=1200),  # 10 s left
        sign_token(SIM_NOW, extra={"scope": ["GET /v1/apps"]}),
    ]
    for token in tokens:
        async with _raw_client(h, token) as client:
            assert (await client.get("/v1/apps")).status_code == 200
    async with _raw_client(h, sign_token(SIM_NOW, extra={"scope": ["GET /v1/apps"]})) as client:
        assert (await client.get("/v1/builds")).status_code == 401
    assert SANDBOX_KEY_ID.isalnum() and SANDBOX_KEY_ID.isupper() and len(SANDBOX_KEY_ID) == 10
    assert len(SANDBOX_ISSUER_ID) == 36
    h.transport.assert_clean()


# ------------------------------------------------------------------------ rate limits


async def test_rate_limit_header_counts_down_then_429_then_recovers() -> None:
    h = harness(hour_limit=5)
    async with h.client as client:
        remaining = []
        for _ in range(5):
            r = await client.get("/v1/apps")
            assert r.status_code == 200
            remaining.append(r.headers["X-Rate-Limit"])
        assert remaining == [f"user-hour-lim:5;user-hour-rem:{n};" for n in (4, 3, 2, 1, 0)]
        r = await client.get("/v1/apps")
        assert r.status_code == 429
        err = error(r)
        assert err["code"] == "RATE_LIMIT_EXCEEDED" and err["title"] == "The request rate limit has been reached."
        assert err["detail"].startswith("We've received too many requests for this API.")
        assert r.headers["X-Rate-Limit"] == "user-hour-lim:5;user-hour-rem:0;"
        h.clock.advance(3601)
        assert (await client.get("/v1/apps")).status_code == 200
    h.transport.assert_clean()


async def test_minute_limit_entries() -> None:
    h = harness(minute_limit=2)
    async with h.client as client:
        first = await client.get("/v1/apps")
        await client.get("/v1/apps")
        third = await client.get("/v1/apps")
        h.clock.advance(61)
        fourth = await client.get("/v1/apps")
    assert first.headers["X-Rate-Limit"] == "user-hour-lim:3600;user-hour-rem:3599;user-minute-lim:2;user-minute-rem:1;"
    assert third.status_code == 429 and fourth.status_code == 200


# ------------------------------------------------------------------------ preconditions


@pytest.mark.parametrize(
    ("build", "group", "reason"),
    [
        ("trailhead.322", "trailhead.crew", "BUILD_PROCESSING"),
        ("trailhead.322", "trailhead.qa", "BUILD_PROCESSING"),
        ("trailhead.310", "trailhead.qa", "BUILD_EXPIRED"),
        ("trailhead.323", "trailhead.qa", "MISSING_EXPORT_COMPLIANCE"),
        ("trailhead.324", "trailhead.qa", "BUILD_INVALID"),
        ("trailhead.330", "trailhead.crew", "INTERNAL_ONLY_BUILD"),
        ("ledgerly.89", "ledgerly.early", "BETA_REVIEW_REQUIRED"),
    ],
)
async def test_unready_build_cannot_join_a_group(build: str, group: str, reason: str) -> None:
    h = harness()
    gid, bid = h.ids[group], h.ids[build]
    before = list(h.state.get("betaGroups", gid).rels["builds"])
    async with h.client as client:
        r = await client.post(f"/v1/betaGroups/{gid}/relationships/builds", json=many("builds", bid))
        r2 = await client.post(f"/v1/builds/{bid}/relationships/betaGroups", json=many("betaGroups", gid))
    for resp in (r, r2):
        assert resp.status_code == 422
        err = error(resp)
        assert err["code"] == "ENTITY_UNPROCESSABLE" and err["meta"] == {"reason": reason}
        assert bid in err["detail"]
    assert h.state.get("betaGroups", gid).rels["builds"] == before
    assert h.state.write_log == []  # refused writes are not writes
    h.transport.assert_clean()


async def test_ready_builds_join_groups_in_both_orders() -> None:
    h = harness()
    b321, crew, qa = h.ids["trailhead.321"], h.ids["trailhead.crew"], h.ids["trailhead.qa"]
    async with h.client as client:
        # staged before review (asc CLI order), then submitted
        assert (
            await client.post(f"/v1/betaGroups/{crew}/relationships/builds", json=many("builds", b321))
        ).status_code == 204
        # INTERNAL_ONLY builds may go to internal groups
        r = await client.post(f"/v1/betaGroups/{qa}/relationships/builds", json=many("builds", h.ids["trailhead.330"]))
        assert r.status_code == 204
        sub = await client.post(
            "/v1/betaAppReviewSubmissions",
            json={
                "data": {
                    "type": "betaAppReviewSubmissions",
                    "relationships": {"build": {"data": {"type": "builds", "id": b321}}},
                }
            },
        )
        assert sub.status_code == 201 and sub.json()["data"]["attributes"]["betaReviewState"] == "WAITING_FOR_REVIEW"
        assert detail_of(h, "trailhead.321")["externalBuildState"] == "WAITING_FOR_BETA_REVIEW"
        again = await client.post(
            "/v1/betaAppReviewSubmissions",
            json={
                "data": {
                    "type": "betaAppReviewSubmissions",
                    "relationships": {"build": {"data": {"type": "builds", "id": b321}}},
                }
            },
        )
        assert again.status_code == 409 and "already submitted" in error(again)["detail"]
        assert h.state.start_reviews() and detail_of(h, "trailhead.321")["externalBuildState"] == "IN_BETA_REVIEW"
        assert h.state.advance_reviews(approve=True)
        assert detail_of(h, "trailhead.321")["externalBuildState"] == "IN_BETA_TESTING"
        got = (await client.get(f"/v1/builds/{b321}/betaAppReviewSubmission")).json()
        assert got["data"]["attributes"]["betaReviewState"] == "APPROVED"
    h.transport.assert_clean()


async def test_rejected_review_and_missing_beta_information() -> None:
    h = harness()
    async with h.client as client:
        body: dict[str, Any] = {
            "data": {
                "type": "betaAppReviewSubmissions",
                "relationships": {"build": {"data": {"type": "builds", "id": h.ids["harbor.5"]}}},
            }
        }
        r = await client.post("/v1/betaAppReviewSubmissions", json=body)
        assert r.status_code == 422 and error(r)["meta"] == {"reason": "MISSING_BETA_APP_INFORMATION"}
        body["data"]["relationships"]["build"]["data"]["id"] = h.ids["trailhead.331"]
        h.state.advance_reviews(approve=False)
        assert detail_of(h, "trailhead.331")["externalBuildState"] == "BETA_REJECTED"
        # a rejected build may be resubmitted
        assert (await client.post("/v1/betaAppReviewSubmissions", json=body)).status_code == 201
    h.transport.assert_clean()


async def test_external_group_needs_an_internal_group() -> None:
    h = harness()

    def group(name: str, internal: bool) -> dict[str, Any]:
        attrs: dict[str, Any] = {"name": name, "isInternalGroup": internal}
        return {
            "data": {
                "type": "betaGroups",
                "attributes": attrs,
                "relationships": {"app": {"data": {"type": "apps", "id": HARBOR}}},
            }
        }

    async with h.client as client:
        r = await client.post("/v1/betaGroups", json=group("Mac Beta", False))
        assert r.status_code == 422 and error(r)["meta"] == {"reason": "INTERNAL_GROUP_REQUIRED"}
        assert (await client.post("/v1/betaGroups", json=group("Harbor Team", True))).status_code == 201
        created = await client.post("/v1/betaGroups", json=group("Mac Beta", False))
        assert created.status_code == 201
        assert created.headers["Location"] == f"http://testflight.sandbox/v1/betaGroups/{created.json()['data']['id']}"
        dup = await client.post("/v1/betaGroups", json=group("Mac Beta", False))
        assert dup.status_code == 409 and error(dup)["code"].startswith("ENTITY_ERROR")
    h.transport.assert_clean()


async def test_conflicts_duplicate_member_email_locale() -> None:
    h = harness()
    crew = h.ids["trailhead.crew"]
    member = h.state.get("betaGroups", crew).rels["betaTesters"][0]
    async with h.client as client:
        dup = await client.post(f"/v1/betaGroups/{crew}/relationships/betaTesters", json=many("betaTesters", member))
        bad_email = await client.post(
            "/v1/betaTesters",
            json={
                "data": {
                    "type": "betaTesters",
                    "attributes": {"email": "not-an-email"},
                    "relationships": {"betaGroups": many("betaGroups", crew)},
                }
            },
        )
        no_group = await client.post(
            "/v1/betaTesters", json={"data": {"type": "betaTesters", "attributes": {"email": "x@example.com"}}}
        )
        locale = await client.post(
            "/v1/betaAppLocalizations",
            json={
                "data": {
                    "type": "betaAppLocalizations",
                    "attributes": {"locale": "en-US"},
                    "relationships": {"app": {"data": {"type": "apps", "id": APP}}},
                }
            },
        )
        missing = await client.post(
            f"/v1/betaGroups/{crew}/relationships/betaTesters", json=many("betaTesters", "no-such-tester")
        )
    assert dup.status_code == 409 and error(dup)["code"] == "ENTITY_ERROR.RELATIONSHIP.INVALID"
    assert bad_email.status_code == 409 and error(bad_email)["source"] == {"pointer": "/data/attributes/email"}
    assert no_group.status_code == 409
    assert locale.status_code == 409 and "en-US" in error(locale)["detail"]
    assert missing.status_code == 409 and error(missing)["source"] == {"pointer": "/data/0/id"}
    # the spec declares `format: email`: the checker flags the bad address on the request side too
    assert [v.message for v in h.transport.take()] == [
        "request body at /data/attributes/email: 'not-an-email' is not a 'email'"
    ]


async def test_wrong_body_shapes() -> None:
    h = harness()
    crew = h.ids["trailhead.crew"]
    async with h.client as client:
        misspelled = await client.patch(
            f"/v1/betaGroups/{crew}", json={"data": {"type": "betaGroups", "id": crew, "attrbutes": {"name": "x"}}}
        )
        wrong_type = await client.patch(
            f"/v1/betaGroups/{crew}",
            json={"data": {"type": "betaGroups", "id": crew, "attributes": {"publicLinkLimit": "many"}}},
        )
        not_json = await client.post("/v1/betaGroups", content=b"{", headers={"Content-Type": "application/json"})
        id_mismatch = await client.patch(
            f"/v1/betaGroups/{crew}", json={"data": {"type": "betaGroups", "id": "other", "attributes": {}}}
        )
    assert misspelled.status_code == 422 and error(misspelled)["code"] == "ENTITY_UNPROCESSABLE"
    assert wrong_type.status_code == 409 and error(wrong_type)["source"] == {
        "pointer": "/data/attributes/publicLinkLimit"
    }
    assert not_json.status_code == 400 and error(not_json)["code"] == "ENTITY_INVALID"
    assert id_mismatch.status_code == 409
    assert h.transport.take()


async def test_external_tester_cap() -> None:
    state = build_state()
    cap = len(state.external_tester_ids(APP))
    h = sim_harness(state, SimConfig(clock=FakeClock(SIM_NOW), external_tester_cap=cap))
    crew, core = h.ids["trailhead.crew"], h.ids["trailhead.core"]
    body = {
        "data": {
            "type": "betaTesters",
            "attributes": {"email": "late.comer@example.com"},
            "relationships": {"betaGroups": many("betaGroups", crew)},
        }
    }
    async with h.client as client:
        full = await client.post("/v1/betaTesters", json=body)
        assert full.status_code == 409 and "full" in error(full)["detail"]
        assert not any(t.attributes.get("email") == "late.comer@example.com" for t in h.state.all("betaTesters"))
        # an existing external tester can join another external group; internal groups are not capped
        member = h.state.get("betaGroups", h.ids["trailhead.public"]).rels["betaTesters"][0]
        if member not in h.state.get("betaGroups", crew).rels["betaTesters"]:
            assert (
                await client.post(f"/v1/betaGroups/{crew}/relationships/betaTesters", json=many("betaTesters", member))
            ).status_code == 204
        body["data"]["relationships"] = {"betaGroups": many("betaGroups", core)}
        assert (await client.post("/v1/betaTesters", json=body)).status_code == 201
        newcomer = next(
            t.id for t in h.state.all("betaTesters") if t.attributes.get("email") == "late.comer@example.com"
        )
        over = await client.post(f"/v1/betaGroups/{crew}/relationships/betaTesters", json=many("betaTesters", newcomer))
        assert over.status_code == 409
    h.transport.assert_clean()


async def test_export_compliance_sends_the_build_back_to_processing() -> None:
    h = harness()
    b323, qa = h.ids["trailhead.323"], h.ids["trailhead.qa"]
    async with h.client as client:
        r = await client.patch(
            f"/v1/builds/{b323}",
            json={"data": {"type": "builds", "id": b323, "attributes": {"usesNonExemptEncryption": True}}},
        )
        assert r.status_code == 200 and r.json()["data"]["attributes"]["processingState"] == "PROCESSING"
        blocked = await client.post(f"/v1/betaGroups/{qa}/relationships/builds", json=many("builds", b323))
        assert blocked.status_code == 422 and error(blocked)["meta"] == {"reason": "BUILD_PROCESSING"}
        assert b323 in h.state.advance_processing()
        assert detail_of(h, "trailhead.323")["internalBuildState"] == "MISSING_EXPORT_COMPLIANCE"
        again = await client.patch(
            f"/v1/builds/{b323}",
            json={"data": {"type": "builds", "id": b323, "attributes": {"usesNonExemptEncryption": False}}},
        )
        assert again.status_code == 409
        link = {"data": {"type": "appEncryptionDeclarations", "id": h.ids["trailhead.declaration"]}}
        assert (
            await client.patch(f"/v1/builds/{b323}/relationships/appEncryptionDeclaration", json=link)
        ).status_code == 204
        assert detail_of(h, "trailhead.323") == {
            "autoNotifyEnabled": True,
            "internalBuildState": "READY_FOR_BETA_TESTING",
            "externalBuildState": "READY_FOR_BETA_SUBMISSION",
        }
        assert (
            await client.post(f"/v1/betaGroups/{qa}/relationships/builds", json=many("builds", b323))
        ).status_code == 204
        assert detail_of(h, "trailhead.323")["internalBuildState"] == "IN_BETA_TESTING"
    h.transport.assert_clean()


# ------------------------------------------------------------------- statuses and paths


async def test_tester_deletes_are_202_and_relationship_writes_204() -> None:
    h = harness()
    tester = h.ids["trailhead.tester.first_external"]
    async with h.client as client:
        groups = [
            g["id"] for g in (await client.get(f"/v1/betaTesters/{tester}/relationships/betaGroups")).json()["data"]
        ]
        assert groups
        r = await client.request(
            "DELETE", f"/v1/betaTesters/{tester}/relationships/betaGroups", json=many("betaGroups", groups[0])
        )
        assert r.status_code == 204 and r.content == b""
        assert (await client.delete(f"/v1/betaTesters/{tester}")).status_code == 202
        gone = await client.get(f"/v1/betaTesters/{tester}")
        assert gone.status_code == 404 and error(gone)["code"] == "NOT_FOUND"
    assert all(tester not in g.rels["betaTesters"] for g in h.state.all("betaGroups"))
    assert [w.status for w in h.state.write_log] == [204, 202]
    h.transport.assert_clean()


async def test_path_and_method_errors() -> None:
    h = harness()
    async with h.client as client:
        path = await client.get("/v1/bulkBetaTesterAssignments")
        method = await client.put("/v1/betaGroups", json={})
        unknown_id = await client.get("/v1/builds/00000000-0000-4000-8000-000000000000")
        delete_submission = await client.delete(f"/v1/betaAppReviewSubmissions/{h.ids['trailhead.331.submission']}")
    assert (path.status_code, error(path)["code"]) == (404, "PATH_ERROR")
    assert (method.status_code, error(method)["code"]) == (405, "METHOD_NOT_ALLOWED")
    assert (unknown_id.status_code, error(unknown_id)["code"]) == (404, "NOT_FOUND")
    assert delete_submission.status_code == 405
    h.transport.take()


# -------------------------------------------------------------------------------- faults


async def test_faults_before_and_after_execute() -> None:
    faults = Faults()
    h = harness(faults=faults)
    crew = h.ids["trailhead.crew"]
    async with h.client as client:
        faults.queue("500")
        r = await client.get("/v1/apps")
        assert r.status_code == 500 and error(r)["code"] == "UNEXPECTED_ERROR"
        faults.queue("429")
        r = await client.get("/v1/apps")
        assert r.status_code == 429 and error(r)["code"] == "RATE_LIMIT_EXCEEDED"
        faults.queue("reset")
        with pytest.raises(httpx2.ReadError):
            await client.get("/v1/apps")
        faults.queue("timeout_after_execute", method="PATCH")
        body = {"data": {"type": "betaGroups", "id": crew, "attributes": {"name": "Renamed"}}}
        with pytest.raises(httpx2.ReadTimeout):
            await client.patch(f"/v1/betaGroups/{crew}", json=body)
    assert h.state.get("betaGroups", crew).attributes["name"] == "Renamed"  # it executed
    assert [w.method for w in h.state.write_log] == ["PATCH"]
    # Apple's spec lists no 5xx: the checker reports the injected 500, and nothing else
    assert [v.message for v in h.transport.take()] == [
        "status 500 is not listed for apps_getCollection (listed: 400, 401, 403, 200, 429)"
    ]


# ---------------------------------------------------------------------------------- seed


def test_seed_is_deterministic_and_realistic() -> None:
    a, b = build_state(), build_state()
    assert a.ids == b.ids
    assert [t.attributes for t in a.all("betaTesters")] == [t.attributes for t in b.all("betaTesters")]
    assert build_state(12).ids != a.ids
    assert len(a.all("apps")) == 4
    assert {t.attributes["state"] for t in a.all("betaTesters")} == {
        "NOT_INVITED",
        "INVITED",
        "ACCEPTED",
        "INSTALLED",
        "REVOKED",
    }
    assert {b.attributes["processingState"] for b in a.all("builds")} == {"PROCESSING", "VALID", "FAILED"}
    assert any(b.attributes["expired"] for b in a.all("builds"))
    assert any(b.attributes["buildAudienceType"] == "INTERNAL_ONLY" for b in a.all("builds"))
    external = {d.attributes["externalBuildState"] for d in a.all("buildBetaDetails")}
    assert {
        "READY_FOR_BETA_SUBMISSION",
        "IN_BETA_TESTING",
        "WAITING_FOR_BETA_REVIEW",
        "MISSING_EXPORT_COMPLIANCE",
        "BETA_REJECTED",
        "IN_BETA_REVIEW",
    } <= external
    comments = [
        s.attributes["comment"]
        for t in ("betaFeedbackCrashSubmissions", "betaFeedbackScreenshotSubmissions")
        for s in a.all(t)
    ]
    assert any(INSTRUCTION_TEXT in c for c in comments) and any(BIDI in c for c in comments)
    assert any("\u200b" in c for c in comments)
    assert all(a.get("betaCrashLogs", s.rels["crashLog"]) for s in a.all("betaFeedbackCrashSubmissions"))
    assert any(g.attributes.get("publicLink") for g in a.all("betaGroups"))
