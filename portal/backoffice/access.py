from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts.models import User

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Only signed-in department staff enter the back office; others get a clear refusal."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not isinstance(user, User) or not user.is_department_staff:
            raise PermissionDenied(_("The back office is for department staff only."))
        # django-otp's middleware adds is_verified() to the signed-in user.
        if settings.STAFF_TWO_FACTOR and not getattr(user, "is_verified", lambda: False)():
            return redirect_to_login(
                request.get_full_path(), login_url=reverse("backoffice:two_factor")
            )
        return view(request, *args, **kwargs)

    return wrapper
