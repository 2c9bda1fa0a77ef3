"""The doc's example response bodies, copied verbatim from the Betasend API doc (betasend-api.txt).

One fix: the doc's "list_id not provided" list-subscribers example ends its array with a trailing
comma (`},\n]`), which is not JSON; it is kept here without that comma. The inline
"invalid list id" example of subscribers-add and list-subscribers-add is `INVALID_LIST_ID_10`.
"""

from __future__ import annotations

import json
from typing import Any

ACCOUNT_DETAILS: Any = json.loads(
    """
[
  {
     "user_id": 10,
    "domain": "your_domain_name",
    "email": "your_email@email.com",
    "first_name": "first_name",
    "last_name": "last_name",
    "user_code": "333333",
    "mailer_settings": "Enabled",
    "reputation": "Trusted"
  }
]
"""
)

ACCOUNT_UPDATE: Any = json.loads(
    """
{
  "success": "Your contact info has been updated."
}
"""
)

SUBSCRIBERS_ADD: Any = json.loads(
    """
{
  "success": "Subscriber added successfully"
}
"""
)

SUBSCRIBERS_DETAILS: Any = json.loads(
    """
{
  "subscriber01@gmail.com": {
    "general_info": [
      {
        "subscribed": "No",
        "subscribed-date": "30-11--0001 00:00:00",
        "unsubscribed-date": "31-12-1969 19:00:00"
      }
    ],
    "list_info": [
      {
        "list-id": 3,
        "list-name": "Empty List",
        "subscribed": "No",
        "subscribed-date": "15-02-2017 03:54:01"
      },
      {
        "list-id": 4,
        "list-name": "List Create Test",
        "subscribed": "No",
        "subscribed-date": "15-02-2017 03:55:11"
      }
    ]
  },
  "webformtest01@gmail.com": {
    "general_info": [
      {
        "subscribed": "Yes",
        "subscribed-date": "11-01-2017 23:47:01"
      }
    ],
    "list_info": [
      {
        "list-id": 1,
        "list-name": "First List",
        "subscribed": "No",
        "subscribed-date": "12-01-2017 07:47:01",
        "unsubscribed-date": "14-01-2017 04:26:02"
      }
    ]
  },
  "noexsit@gmail.com": {
    "error_info": [
      {
        "message": "Email not subscribed"
      }
    ]
  }
}
"""
)

SUBSCRIBERS_REMOVE: Any = json.loads(
    """
{
  "success": "Unsubscribed Successfully"
}
"""
)

SUBSCRIBERS_REMOVE_NOT_IN_LIST: Any = json.loads(
    """
{
  "error": {
    "406": "Not Acceptable",
    "messages": "Subscriber not available in this list"
  }
}
"""
)

SUBSCRIBERS_DELETE: Any = json.loads(
    """
{
  "success": "Deleted subscriber successfully"
}
"""
)

SUBSCRIBERS_DELETE_NOT_IN_ACCOUNT: Any = json.loads(
    """
{
  "error": {
    "406": "Not Acceptable",
    "messages": "Subscriber not available in this account"
  }
}
"""
)

SUBSCRIBERS_DELETE_NOT_IN_LIST: Any = json.loads(
    """
{
  "error": {
    "406": "Not Acceptable",
    "messages": "Subscriber not available in this list : 3"
  }
}
"""
)

VERIFY_REPLY_EMAIL: Any = json.loads(
    """
{
  "success": "Verification Code was sent, Please Check your mail"
}
"""
)

VERIFY_REPLY_EMAIL_CODE: Any = json.loads(
    """
{
  "success": "Verified code successfully"
}
"""
)

LIST_CREATE: Any = json.loads(
    """
{
  "success": "List added successfully",
  "list_id": 5
}
"""
)

LIST_UPDATE: Any = json.loads(
    """
{
  "success": "Lists updated successfully"
}
"""
)

LIST_UPDATE_INVALID: Any = json.loads(
    """
{
  "error": {
    "406": "Not Acceptable",
    "messages": "Invalid list id"
  }
}
"""
)

LIST_DELETE: Any = json.loads(
    """
{
  "success": "List deleted successfully"
}
"""
)

LIST_DELETE_INVALID: Any = json.loads(
    """
{
  "error": {
    "406": "Not Acceptable",
    "messages": "Invalid list id : 10"
  }
}
"""
)

LISTS_ONE: Any = json.loads(
    """
[
  {
    "list_id": 5,
    "list_name": "List1",
    "default_from_name": "Sean",
    "default_from_email": "seans@gmail.com",
    "default_reply_email": "",
    "default_subject": "",
    "list_key": "HnpCVJkQ9r",
    "description": "",
    "created_by": "Sean S",
    "contact_name": "",
    "contact_email": "",
    "company": "Company1",
    "address": "My Address",
    "city": "My City",
    "postal_code": "33333",
    "country": "Bangladesh",
    "state_code": "My State Code",
    "phone": "123456789",
    "status": "Active",
    "date_added": "2017-02-20 07:09:03",
    "deleted_date": "0000-00-00 00:00:00"
  }
]
"""
)

LISTS_ALL: Any = json.loads(
    """
[
  {
    "list_id": 1,
    "list_name": "First List",
    "default_from_name": "First List",
    "default_from_email": "myfrom@gmail.com",
    "default_reply_email": "",
    "default_subject": "First List",
    "list_key": "ZdkvDNn7jH",
    "description": "",
    "created_by": "Sean S",
    "contact_name": "",
    "contact_email": "",
    "company": "Company1",
    "address": "My Address",
    "city": "My City",
    "postal_code": "33333",
    "country": "Bangladesh",
    "state_code": "My State Code",
    "phone": "123456789",
    "status": "Active",
    "date_added": "2017-01-11 21:59:16",
    "deleted_date": "0000-00-00 00:00:00"
  },
  {
    "list_id": 5,
    "list_name": "List1",
    "default_from_name": "Sean",
    "default_from_email": "seans@gmail.com",
    "default_reply_email": "",
    "default_subject": "",
    "list_key": "HnpCVJkQ9r",
    "description": "",
    "created_by": "Sean S",
    "contact_name": "",
    "contact_email": "",
    "company": "Company1",
    "address": "My Address",
    "city": "My City",
    "postal_code": "33333",
    "country": "Bangladesh",
    "state_code": "My State Code",
    "phone": "123456789",
    "status": "Active",
    "date_added": "2017-02-20 07:09:03",
    "deleted_date": "0000-00-00 00:00:00"
  }
]
"""
)

LIST_STATISTICS: Any = json.loads(
    """
{
  "1": {
    "list_name": "First List",
    "total-emails": 7,
    "subscribed-emails": 4,
    "unsubscribed-emails": 3,
    "click-rate": "2%",
    "open-rate": "0%"
  }
}
"""
)

LIST_SUBSCRIBERS_ADD: Any = json.loads(
    """
{
  "success": "Subscriber added successfully"
}
"""
)

LIST_SUBSCRIBERS_OF_LIST: Any = json.loads(
    """
[
  {
    "subscribe_id": 16,
    "subscribed": "Yes",
    "email": "webformtest010@gmail.com",
    "first_name": "WebForm",
    "last_name": "Test01",
    "subscribed_date": "2017-01-16 21:39:31",
    "time_zone": "America/New_York",
    "unsubscribed_date": "",
    "list_id": 1,
    "status": "Active",
    "subscriber_status": "Active",
    "deleted_date": "0000-00-00 00:00:00",
    "default_from_name": "First List",
    "default_from_email": "myfrommail@gmail.com",
    "default_reply_email": "",
    "default_subject": "First List",
    "description": "",
    "signup_method": "Manual",
    "signup_url": "",
    "date_added": "2017-01-16 21:39:31"
  },
  {
    "subscribe_id": 15,
    "subscribed": "Yes",
    "email": "webformtest09@gmail.com",
    "first_name": "WebForm",
    "last_name": "Test01",
    "subscribed_date": "2017-01-16 21:39:30",
    "time_zone": "America/New_York",
    "unsubscribed_date": "",
    "list_id": 1,
    "status": "Active",
    "subscriber_status": "Active",
    "deleted_date": "0000-00-00 00:00:00",
    "default_from_name": "First List",
    "default_from_email": "myfrommail@gmail.com",
    "default_reply_email": "",
    "default_subject": "First List",
    "description": "",
    "signup_method": "Manual",
    "signup_url": "",
    "date_added": "2017-01-16 21:39:30"
  }
]
"""
)

LIST_SUBSCRIBERS_ACCOUNT: Any = json.loads(
    """
[
  {
    "subscribe_id": 1,
    "subscribed": "Yes",
    "email": "webformtest01@gmail.com",
    "status": "Active",
    "deleted_date": "0000-00-00 00:00:00"
  },
  {
    "subscribe_id": 2,
    "subscribed": "Yes",
    "email": "newfieldstest01@gmail.com",
    "status": "Active",
    "deleted_date": "0000-00-00 00:00:00"
  }
]
"""
)

INVALID_LIST_ID_10: Any = json.loads('{ "error": { "406": "Not Acceptable", "messages": "Invalid list id : 10" } }')
