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
DOCS = "https://your_domain.betasend.com/api/v1/"

_op = partial(Operation, "betasend", docs_url=DOCS)

TOOLSETS = {
    "account": "Account details and reply-email verification",
    "subscribers": "Subscribe, look up, unsubscribe and delete subscribers",
    "lists": "Create, update, delete and inspect lists and their subscribers",
}
DEFAULT_TOOLSETS = ("subscribers", "lists")

OPERATIONS: tuple[Operation, ...] = (
    # name, title, summary, method, path, params, result, returns, effect, idempotent, toolset
    # ---- account
    _op(
        "get_account",
        "Get account details",
        "Get the Betasend account's owner, domain, mailer settings and reputation.",
        "POST",
        "/account-details",
        m.NoParams,
        m.Account,
        ITEMS,
        R,
        True,
        "account",
    ),
    _op(
        "update_account",
        "Update account details",
        "Change the account's contact details (email, name, company, address, phone).",
        "POST",
        "/account-update",
        m.UpdateAccountParams,
        m.Success,
        ITEM,
        W,
        True,
        "account",
        target="get_account",
    ),
    # ---- subscribers
    _op(
        "add_subscriber",
        "Add a subscriber",
        "Subscribe one email address (optionally with a name) to one or more lists.",
        "POST",
        "/subscribers-add",
        m.AddSubscriberParams,
        m.Success,
        ITEM,
        W,
        True,
        "subscribers",
        target="get_subscribers",
    ),
    _op(
        "get_subscribers",
        "Get subscribers",
        "Look up email addresses: whether each is subscribed, to which lists, and since when.",
        "POST",
        "/subscribers-details",
        m.SubscriberDetailsParams,
        m.SubscribersDetails,
        ITEM,
        R,
        True,
        "subscribers",
    ),
    # Unsubscribing is a WRITE, not destructive: the doc's own details example shows unsubscribed
    # people keeping their record and list membership ("subscribed": "No" plus an
    # "unsubscribed-date"), and subscribers-add subscribes them again; nothing is erased.
    _op(
        "unsubscribe_subscriber",
        "Unsubscribe a subscriber",
        "Unsubscribe an email address from one list; its record and history stay.",
        "POST",
        "/subscribers-remove",
        m.UnsubscribeParams,
        m.Success,
        ITEM,
        W,
        True,
        "subscribers",
        target="get_subscribers",
    ),
    _op(
        "delete_subscriber",
        "Delete a subscriber",
        "Delete an email address from one or more lists, with its subscription record.",
        "POST",
        "/subscribers-delete",
        m.DeleteSubscriberParams,
        m.Success,
        ITEM,
        D,
        True,
        "subscribers",
        target="get_subscribers",
    ),
    # ---- reply-email verification
    _op(
        "send_reply_email_verification",
        "Send a reply-email verification code",
        "Email a verification code to an address you want to send from.",
        "POST",
        "/verify-reply-email",
        m.VerifyReplyEmailParams,
        m.Success,
        ITEM,
        W,
        False,
        "account",
    ),
    _op(
        "verify_reply_email_code",
        "Verify a reply-email code",
        "Verify a sending address with the code that was emailed to it.",
        "POST",
        "/verify-reply-email-code",
        m.VerifyCodeParams,
        m.Success,
        ITEM,
        W,
        True,
        "account",
    ),
    # ---- lists
    _op(
        "create_list",
        "Create a list",
        "Create a new mailing list with its default sender and postal details.",
        "POST",
        "/list-create",
        m.CreateListParams,
        m.Success,
        ITEM,
        W,
        False,
        "lists",
    ),
    _op(
        "update_list",
        "Update a list",
        "Change a list's name, default sender or postal details.",
        "POST",
        "/list-update",
        m.UpdateListParams,
        m.Success,
        ITEM,
        W,
        True,
        "lists",
        target="get_list_statistics",
    ),
    _op(
        "delete_list",
        "Delete a list",
        "Delete a list: it leaves the account's lists and takes no more subscribers.",
        "POST",
        "/list-delete",
        m.ListRef,
        m.Success,
        ITEM,
        D,
        True,
        "lists",
        target="get_list_statistics",
    ),
    _op(
        "list_lists",
        "List lists",
        "List the account's lists, or get one by list_id.",
        "POST",
        "/lists",
        m.ListListsParams,
        m.MailingList,
        LIST,
        R,
        True,
        "lists",
        paginated=True,
    ),
    _op(
        "get_list_statistics",
        "Get list statistics",
        "Get a list's email counts (total, subscribed, unsubscribed) and its click and open rates.",
        "POST",
        "/list-statistics",
        m.ListRef,
        m.ListStatistics,
        ITEM,
        R,
        True,
        "lists",
    ),
    _op(
        "add_list_subscribers",
        "Add subscribers to a list",
        "Subscribe up to 100 email addresses to one list (no names; see betasend_add_subscribers_to_lists).",
        "POST",
        "/list-subscribers-add",
        m.AddListSubscribersParams,
        m.Success,
        ITEM,
        W,
        True,
        "lists",
        target="get_list_statistics",
    ),
    _op(
        "list_subscribers",
        "List subscribers",
        "List a list's subscribers (or the account's), filtered by subscribed status or status.",
        "POST",
        "/list-subscribers",
        m.ListSubscribersParams,
        m.ListSubscriber,
        LIST,
        R,
        True,
        "lists",
        paginated=True,
    ),
)

BY_NAME = {op.name: op for op in OPERATIONS}
