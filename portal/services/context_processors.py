from django.http import HttpRequest

from portal.accounts.inbox import inbox_unread_count
from portal.accounts.models import User


def unread_notices(request: HttpRequest) -> dict[str, object]:
    """The header's notifications link shows the number of unread notices of every kind in
    the one inbox (one counting query per kind, shared with the inbox page)."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated or not user.is_citizen:
        return {}
    return {"unread_notices": inbox_unread_count(user=user, request=request)}
