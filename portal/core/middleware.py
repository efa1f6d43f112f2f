from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _


class PortalLocaleMiddleware:
    """zh-hans unless the person chose another language (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a
    government portal in mainland China shows Simplified Chinese first and
    offers English with one click on every page. API clients (department
    systems) choose with Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        if chosen in supported:
            language = chosen
        elif request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RejectNulMiddleware:
    """A NUL character in the path or query string is a 400, never a database error.

    PostgreSQL text cannot hold U+0000, so a URL part or query value that reaches a lookup
    (``/services/a%00b/``) raised a server error. Forms and serializers already refuse NUL
    in bodies (Django's and DRF's ``ProhibitNullCharactersValidator``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in query.getlist(key)) for key in query
        ):
            return bad_request_response(
                request, _("The address contains a NUL character; remove it and try again.")
            )
        return self.get_response(request)


def bad_request_response(request: HttpRequest, detail: str) -> HttpResponse:
    """A 400 in the shape the caller reads: a problem document for the API, else the page."""
    if request.path.startswith("/api/"):
        body = {"type": "about:blank", "title": _("Bad request"), "status": 400, "detail": detail}
        return JsonResponse(
            body,
            status=400,
            content_type="application/problem+json",
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "400.html", {"detail": detail}, status=400)
