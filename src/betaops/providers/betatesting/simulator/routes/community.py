"""The company's tester community: custom fields, members, tags, bulk creation, ID verification."""

from __future__ import annotations

import re
from typing import Any

from betaops.providers.betatesting.simulator.context import Call, Reply
from betaops.providers.betatesting.simulator.inputs import Input, assign, invalid, need, paginate
from betaops.providers.betatesting.simulator.state import CommunityTesterRecord

TAG_PATTERN = r"[\w .:-]{1,50}"
COUNTRY_PATTERN = r"[A-Z]{2}"
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


def list_custom_fields(call: Call) -> Reply:
    fields = [f.wire() for f in call.state.custom_fields.values() if f.company_id == call.company_id]
    return Reply.items(fields)


def _members(call: Call) -> list[CommunityTesterRecord]:
    return [t for t in call.state.community.values() if t.company_id == call.company_id]


def list_community_testers(call: Call) -> Reply:
    search = call.query.string("search", max_len=100)
    tag = call.query.string("tag", max_len=50, pattern=TAG_PATTERN)
    needle = search.casefold() if search else None
    rows = [
        t.wire()
        for t in _members(call)
        if (tag is None or tag in t.tags)
        and (needle is None or needle in f"{t.first_name} {t.last_name} {t.email}".casefold())
    ]
    return Reply(200, paginate(rows, call.query))


def get_community_tester(call: Call) -> Reply:
    return Reply.item(call.community_tester().wire())


def _custom_fields(call: Call, raw: dict[str, Any], where: str) -> dict[str, Any]:
    """Values checked against the company's field definitions (unknown keys and bad types are 422)."""
    fields = {f.key: f for f in call.state.custom_fields.values() if f.company_id == call.company_id}
    for key, value in raw.items():
        spec = fields.get(key)
        if spec is None:
            raise invalid(f"The {where}.{key} field is not a custom field of your company.")
        ok = {
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "select": value in (spec.options or []),
            "date": isinstance(value, str) and DATE_PATTERN.fullmatch(value) is not None,
            "text": isinstance(value, str) and 0 < len(value) <= 255,
        }[spec.type]
        if not ok:
            detail = f"one of: {', '.join(spec.options or [])}" if spec.type == "select" else f"a {spec.type}"
            raise invalid(f"The {where}.{key} field must be {detail}.")
    return dict(raw)


def update_community_tester(call: Call) -> Reply:
    tester, body = call.community_tester(), call.body
    first = body.string("firstName")
    last = body.string("lastName")
    country = body.string("country", pattern=COUNTRY_PATTERN)
    raw_fields = body.mapping("customFields")
    fields = _custom_fields(call, raw_fields, "customFields") if raw_fields is not None else None
    assign(tester, first_name=first, last_name=last, country=country)
    if fields is not None:
        tester.custom_fields.update(fields)
    return Reply.item(tester.wire())


def _new_tester(call: Call, index: int, raw: Any) -> CommunityTesterRecord:
    where = f"testers.{index}"
    if not isinstance(raw, dict):
        raise invalid(f"The {where} field must be an object.")
    row = Input(raw, from_query=False, prefix=f"{where}.")
    email = need(row.string("email", required=True))
    if not EMAIL_PATTERN.fullmatch(email):
        raise invalid(f"The {where}.email field must be a valid email address.")
    tags = row.string_list("tags", max_items=20, max_len=50, pattern=TAG_PATTERN) or []
    raw_fields = row.mapping("customFields")
    return CommunityTesterRecord(
        id=0,
        company_id=call.company_id,
        email=email,
        first_name=row.string("firstName"),
        last_name=row.string("lastName"),
        country=None,
        tags=list(dict.fromkeys(tags)),
        custom_fields=_custom_fields(call, raw_fields, f"{where}.customFields") if raw_fields else {},
        id_verification_required=False,
        created_at=call.now,
    )


def create_community_testers(call: Call) -> Reply:
    rows = need(call.body.array("testers", required=True, max_items=100))
    candidates = [_new_tester(call, i, raw) for i, raw in enumerate(rows)]  # validate all before creating any
    known = {t.email.casefold() for t in _members(call)}
    created: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for candidate in candidates:
        email = candidate.email.casefold()
        if email in known:
            skipped.append({"email": candidate.email, "reason": "A tester with this email already exists"})
            continue
        known.add(email)
        candidate.id = call.state.next_id("community")
        call.state.community[candidate.id] = candidate
        created.append(candidate.wire())
    return Reply.item({"created": created, "skipped": skipped}, 201)


def _tags(call: Call) -> list[str]:
    return need(call.body.string_list("tags", required=True, max_items=20, max_len=50, pattern=TAG_PATTERN))


def add_tags(call: Call) -> Reply:
    tester = call.community_tester()
    tester.tags = list(dict.fromkeys([*tester.tags, *_tags(call)]))
    return Reply.item(tester.wire())


def remove_tags(call: Call) -> Reply:
    tester = call.community_tester()
    removed = set(_tags(call))
    tester.tags = [t for t in tester.tags if t not in removed]
    return Reply.item(tester.wire())


def require_id_verification(call: Call) -> Reply:
    tester = call.community_tester()
    tester.id_verification_required = True
    return Reply.item({"id_verification_required": True, "tester_id": tester.id})


def remove_id_verification(call: Call) -> Reply:
    call.community_tester().id_verification_required = False
    return Reply.no_content()
