"""How a test reaches its testers: messages, invites and invite settings, hardware shipments."""

from __future__ import annotations

from betaops.providers.betatesting.models import InviteStatus, ShipmentStatus
from betaops.providers.betatesting.simulator.context import Call, Reply
from betaops.providers.betatesting.simulator.inputs import assign, invalid, need, paginate
from betaops.sim.clock import iso, parse_iso

INVITE_VALID_S = 14 * 24 * 3600
TRACKING_PATTERN = r"[A-Za-z0-9-]{4,40}"


def list_messages(call: Call) -> Reply:
    test = call.test()
    messages = sorted((m for m in call.state.messages.values() if m.test_id == test.id), key=lambda m: m.sent_at)
    return Reply(200, paginate((m.wire() for m in messages), call.query))


def get_invite_settings(call: Call) -> Reply:
    return Reply.item(call.state.invite_settings[call.test().id].wire())


def update_invite_settings(call: Call) -> Reply:
    settings, body = call.state.invite_settings[call.test().id], call.body
    auto_accept = body.boolean("autoAccept")
    max_invites = body.integer("maxInvites", lo=1, hi=100_000)
    message = body.string("inviteMessage", max_len=5000)
    screener = body.boolean("requireScreener")
    assign(
        settings, auto_accept=auto_accept, max_invites=max_invites, invite_message=message, require_screener=screener
    )
    return Reply.item(settings.wire())


def list_invites(call: Call) -> Reply:
    test = call.test()
    status = call.query.enum("status", InviteStatus)
    rows = (
        i.wire() for i in call.state.invites.values() if i.test_id == test.id and (status is None or i.status == status)
    )
    return Reply(200, paginate(rows, call.query))


def update_invite(call: Call) -> Reply:
    invite = call.invite()
    status = need(call.body.enum("status", ("revoked", "pending"), required=True))
    if invite.status == "accepted":
        raise invalid(f"Invite {invite.id} was already accepted and cannot be changed.")
    if status == "pending":  # resend: a fresh invitation with a new expiry
        invite.sent_at = call.now
        invite.expires_at = iso(parse_iso(call.now) + INVITE_VALID_S)
    invite.status = status
    return Reply.item(invite.wire())


def list_shipments(call: Call) -> Reply:
    test = call.test()
    rows = (s.wire() for s in call.state.shipments.values() if s.test_id == test.id)
    return Reply(200, paginate(rows, call.query))


def update_shipment(call: Call) -> Reply:
    shipment, body = call.shipment(), call.body
    carrier = body.string("carrier")
    tracking = body.string("trackingNumber", max_len=40, pattern=TRACKING_PATTERN)
    status = body.enum("status", ShipmentStatus)
    assign(shipment, carrier=carrier, tracking_number=tracking)
    if status is not None:
        if status == "shipped" and not shipment.tracking_number:
            raise invalid("The trackingNumber field is required when status is shipped.")
        shipment.status = status
        if status != "pending" and shipment.shipped_at is None:
            shipment.shipped_at = call.now
    return Reply.item(shipment.wire())
