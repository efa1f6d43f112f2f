from django.http import HttpRequest

from portal.accounts.models import User
from portal.exchange.selectors import objection_notice_unread_count
from portal.services.selectors import notification_unread_count


def unread_notices(request: HttpRequest) -> dict[str, object]:
    """The header's notifications link shows the number of unread notices: of applications
    and of objections (two counting queries)."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated or not user.is_citizen:
        return {}
    return {
        "unread_notices": notification_unread_count(user=user)
        + objection_notice_unread_count(user=user)
    }
