"""RFC 9457 problem details: the one error shape of the API."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as ``application/problem+json`` (RFC 9457 §3)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    body: dict[str, object] = {
        "type": "about:blank",
        "title": getattr(exc, "default_detail", "Error"),
        "status": response.status_code,
    }
    if isinstance(detail, dict) and set(detail) == {"detail"}:
        body["detail"] = str(detail["detail"])
    elif isinstance(detail, dict | list):
        body["detail"] = _("The request has invalid fields.") if response.status_code == 400 else ""
        body["errors"] = detail
    else:
        body["detail"] = str(detail)
    if isinstance(exc, exceptions.APIException):
        # The error's own code (not_authenticated, permission_denied, throttled, …); field
        # errors, which carry a code per field in ``errors``, are "invalid" as a whole.
        codes = exc.get_codes()
        body["code"] = codes if isinstance(codes, str) else "invalid"
    body["title"] = str(body["title"])
    response.data = body
    response.content_type = "application/problem+json"
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Signature realm="portal"'
    return response
