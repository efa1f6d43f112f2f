from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts.authentication_policy import SECOND_FACTOR_URL_NAME, second_factor_missing
from portal.accounts.models import User

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Only signed-in department staff enter the back office; others get a clear refusal.

    The second step is the portal's one policy (``second_factor_missing``), the same that the
    API and the admin apply.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        # Staff sign in on the back office's own page (with its second step), not the citizens'.
        if not user.is_authenticated:
            return redirect_to_login(
                request.get_full_path(), login_url=reverse("backoffice:sign_in")
            )
        if not isinstance(user, User) or not user.is_department_staff:
            raise PermissionDenied(_("The back office is for department staff only."))
        if second_factor_missing(user):
            return redirect_to_login(
                request.get_full_path(), login_url=reverse(SECOND_FACTOR_URL_NAME)
            )
        return view(request, *args, **kwargs)

    return wrapper
