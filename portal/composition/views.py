from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from portal.accounts.models import User
from portal.accounts.selectors import representation_list_for_user


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if isinstance(user, User) and user.is_department_staff:
        return redirect("backoffice:home")
    representations = (
        list(representation_list_for_user(user=user)) if isinstance(user, User) else []
    )
    return render(request, "core/home.html", {"representations": representations})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``: the site's one icon (pages name it; this answers those that do not)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
