"""The objection notices in the one inbox (``/my/notifications/``): ``{% objection_inbox %}``.

Objection notices belong to objections, not to applications, so they are not rows of the
services' notifications; the inbox page shows them with this tag.
"""

from typing import Any

from django import template

from portal.accounts.models import User
from portal.exchange import selectors

register = template.Library()

INBOX_LIMIT = 50


@register.inclusion_tag("exchange/_objection_inbox.html", takes_context=True)
def objection_inbox(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"notices": []}
    return {"notices": list(selectors.objection_notices_for_user(user=user)[:INBOX_LIMIT])}
