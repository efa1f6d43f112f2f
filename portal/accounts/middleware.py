from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from portal.accounts.constants import ACTING_AS_SESSION_KEY
from portal.accounts.selectors import representation_get


class ActingAsMiddleware:
    """Set ``request.acting_for``: the firm representation the person acts under, or None.

    The choice is kept in the session and re-checked on every request, so a
    revoked or expired representation stops working at once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.acting_for = None  # type: ignore[attr-defined]  # set per request
        firm_id = (
            request.session.get(ACTING_AS_SESSION_KEY) if hasattr(request, "session") else None
        )
        if firm_id is not None and request.user.is_authenticated:
            rep = representation_get(user=request.user, firm_id=int(firm_id))
            if rep is None:
                del request.session[ACTING_AS_SESSION_KEY]
            else:
                request.acting_for = rep  # type: ignore[attr-defined]  # set per request
        return self.get_response(request)
