"""Notices about unsealed reads in the one inbox (``/my/notifications/``): ``{% read_notices %}``.

They belong to the person whose data was read, not to an application, so they are not rows of
the services' notifications; the inbox page shows them with this tag.
"""

from typing import Any

from django import template

from portal.accounts.models import User
from portal.exchange import selectors

register = template.Library()

INBOX_LIMIT = 50


@register.inclusion_tag("exchange/_read_notices.html", takes_context=True)
def read_notices(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"notices": [], "unread": 0}
    notices = list(selectors.read_notice_list(user=user)[:INBOX_LIMIT])
    return {
        "notices": notices,
        "unread": sum(1 for n in notices if n.read_at is None),
        "csrf_token": context.get("csrf_token"),
    }
