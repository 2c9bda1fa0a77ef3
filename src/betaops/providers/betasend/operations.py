"""The 15 Betasend API v1 operations (../shared/seeds/betasend-api.txt), one entry each.

Every call is a form-encoded POST, reads included: `effect` says what an operation does, not the
HTTP method, so reads are never confirmed and writes always are. `api` and `hash` are added by the
auth strategy and appear in no params model. The README's operation table is generated from here.
"""

from __future__ import annotations

from functools import partial

from betaops.core.operation import Effect, Operation, Returns
from betaops.providers.betasend import models as m

R, W, D = Effect.READ, Effect.WRITE, Effect.DESTRUCTIVE
ITEM, LIST, ITEMS = Returns.ITEM, Returns.LIST, Returns.ITEMS

_op = partial(Operation, provider="betasend")

TOOLSETS = {
    "account": "Account details and reply-email verification",
    "subscribers": "Subscribe, look up, unsubscribe and delete subscribers",
    "lists": "Create, update, delete and inspect lists and their subscribers",
}
DEFAULT_TOOLSETS = ("subscribers", "lists")

OPERATIONS: tuple[Operation, ...] = (
    # ---- account
    _op(
        name="get_account",
        title="Get account details",
        summary="Get the Betasend account's owner, domain, mailer settings and reputation.",
        method="POST",
        path="/account-details",
        params=m.NoParams,
        result=m.Account,
        returns=ITEMS,
        effect=R,
        idempotent=True,
        toolset="account",
    ),
    _op(
        name="update_account",
        title="Update account details",
        summary="Change the account's contact details (email, name, company, address, phone).",
        method="POST",
        path="/account-update",
        params=m.UpdateAccountParams,
        result=m.Success,
        returns=ITEM,
        effect=W,
        idempotent=True,
        toolset="account",
        target="get_account",
    ),
    # ---- subscribers
    _op(
        name="add_subscriber",
        title="Add a subscriber",
        summary="Subscribe one email address (optionally with a name) to one or more lists.",
        method="POST",
        path="/subscribers-add",
        params=m.AddSubscriberParams,
        result=m.Success,
        returns=ITEM,
        effect=W,
        idempotent=True,
        toolset="subscribers",
        target="get_subscribers",
    ),
    _op(
        name="get_subscribers",
        title="Get subscribers",
        summary="Look up email addresses: whether each is subscribed, to which lists, and since when.",
        method="POST",
        path="/subscribers-details",
        params=m.SubscriberDetailsParams,
        result=m.SubscribersDetails,
        returns=ITEM,
        effect=R,
        idempotent=True,
        toolset="subscribers",
    ),
    # Unsubscribing is a WRITE, not destructive: the doc's own details example shows unsubscribed
    # people keeping their record and list membership ("subscribed": "No" plus an
    # "unsubscribed-date"), and subscribers-add subscribes them again; nothing is erased.
    _op(
        name="unsubscribe_subscriber",
        title="Unsubscribe a subscriber",
        summary="Unsubscribe an email address from one list; its record and history stay.",
        method="POST",
        path="/subscribers-remove",
        params=m.UnsubscribeParams,
        result=m.Success,
        returns=ITEM,
        effect=W,
        idempotent=True,
        toolset="subscribers",
        target="get_subscribers",
    ),
    _op(
        name="delete_subscriber",
        title="Delete a subscriber",
        summary="Delete an email address from one or more lists, with its subscription record.",
        method="POST",
        path="/subscribers-delete",
        params=m.DeleteSubscriberParams,
        result=m.Success,
        returns=ITEM,
        effect=D,
        idempotent=True,
        toolset="subscribers",
        target="get_subscribers",
    ),
    # ---- reply-email verification
    _op(
        name="send_reply_email_verification",
        title="Send a reply-email verification code",
        summary="Email a verification code to an address you want to send from.",
        method="POST",
        path="/verify-reply-email",
        params=m.VerifyReplyEmailParams,
        result=m.Success,
        returns=ITEM,
        effect=W,
        idempotent=False,
        toolset="account",
    ),
    _op(
        name="verify_reply_email_code",
        title="Verify a reply-email code",
        summary="Verify a sending address with the code that was emailed to it.",
        method="POST",
        path="/verify-reply-email-code",
        params=m.VerifyCodeParams,
        result=m.Success,
        returns=ITEM,
        effect=W,
        idempotent=True,
        toolset="account",
    ),
    # ---- lists
    _op(
        name="create_list",
        title="Create a list",
        summary="Create a new mailing list with its default sender and postal details.",
        method="POST",
        path="/list-create",
        params=m.CreateListParams,
        result=m.Success,
        returns=ITEM,
        effect=W,
        idempotent=False,
        toolset="lists",
    ),
    _op(
        name="update_list",
        title="Update a list",
        summary="Change a list's name, default sender or postal details.",
        method="POST",
        path="/list-update",
        params=m.UpdateListParams,
        result=m.Success,
        returns=ITEM,
        effect=W,
        idempotent=True,
        toolset="lists",
        target="get_list_statistics",
    ),
    _op(
        name="delete_list",
        title="Delete a list",
        summary="Delete a list: it leaves the account's lists and takes no more subscribers.",
        method="POST",
        path="/list-delete",
        params=m.ListRef,
        result=m.Success,
        returns=ITEM,
        effect=D,
        idempotent=True,
        toolset="lists",
        target="get_list_statistics",
    ),
    _op(
        name="list_lists",
        title="List lists",
        summary="List the account's lists, or get one by list_id.",
        method="POST",
        path="/lists",
        params=m.ListListsParams,
        result=m.MailingList,
        returns=LIST,
        effect=R,
        idempotent=True,
        toolset="lists",
        paginated=True,
    ),
    _op(
        name="get_list_statistics",
        title="Get list statistics",
        summary="A list's email counts (total, subscribed, unsubscribed), click and open rates.",
        method="POST",
        path="/list-statistics",
        params=m.ListRef,
        result=m.ListStatistics,
        returns=ITEM,
        effect=R,
        idempotent=True,
        toolset="lists",
    ),
    _op(
        name="add_list_subscribers",
        title="Add subscribers to a list",
        summary="Subscribe up to 100 email addresses to one list (no names; see betasend_add_subscribers_to_lists).",
        method="POST",
        path="/list-subscribers-add",
        params=m.AddListSubscribersParams,
        result=m.Success,
        returns=ITEM,
        effect=W,
        idempotent=True,
        toolset="lists",
        target="get_list_statistics",
    ),
    _op(
        name="list_subscribers",
        title="List subscribers",
        summary="List a list's subscribers (or the account's), filtered by subscribed status or status.",
        method="POST",
        path="/list-subscribers",
        params=m.ListSubscribersParams,
        result=m.ListSubscriber,
        returns=LIST,
        effect=R,
        idempotent=True,
        toolset="lists",
        paginated=True,
    ),
)
