"""The policy messages in the one inbox (``/my/notifications/``): ``{% policy_inbox %}``.

Policy notices belong to firms, not to applications, so they are not rows of the services'
notifications; the inbox page shows them with this tag (the services part need not know
about policies).
"""

from typing import Any

from django import template

from policies import selectors
from portal.accounts.models import User

register = template.Library()

INBOX_LIMIT = 50


@register.inclusion_tag("policies/_inbox.html", takes_context=True)
def policy_inbox(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"notices": [], "unread": 0}
    notices = list(selectors.policy_notices_for_user(user=user)[:INBOX_LIMIT])
    return {
        "notices": notices,
        "unread": sum(1 for n in notices if n.read_at is None),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def policy_unread_count(context: template.Context) -> int:
    """Unread policy messages of the signed-in person (for a header badge)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return 0
    return selectors.policy_notices_for_user(user=user).filter(read_at__isnull=True).count()
