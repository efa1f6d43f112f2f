from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.request import Request

from ledger.services import RequestSignatureInput
from portal.accounts.authentication_policy import (
    second_factor_instructions,
    second_factor_missing,
)
from portal.departments.models import DepartmentSystem
from portal.departments.signatures import SignatureRefused, VerifiedRequest, verify_signed_request


@dataclass(frozen=True)
class SystemPrincipal:
    """The authenticated department system (DRF's ``request.user`` for signed requests)."""

    system: DepartmentSystem
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False

    @property
    def pk(self) -> str:
        return self.system.key_id


class SignedRequestAuthentication(BaseAuthentication):
    """RFC 9421 signed requests from department systems; 401 with the reason otherwise."""

    def authenticate(self, request: Request) -> tuple[SystemPrincipal, VerifiedRequest] | None:
        django_request: HttpRequest = request._request
        if "Signature-Input" not in request.headers and "Signature" not in request.headers:
            return None
        # Failed signatures are throttled per client address (DRF checks throttles only
        # after authentication, so a refused signature would otherwise never be counted).
        from portal.departments.api.throttling import AuthenticationFailureThrottle  # cycle

        failures = AuthenticationFailureThrottle()
        wait = failures.wait_if_blocked(request)
        if wait is not None:
            raise exceptions.Throttled(wait)
        try:
            verified = verify_signed_request(django_request)
        except SignatureRefused as exc:
            failures.record_failure(request)
            raise exceptions.AuthenticationFailed(exc.reason) from None
        return SystemPrincipal(verified.system), verified

    def authenticate_header(self, request: Request) -> str:
        return 'Signature realm="portal", alg="ed25519"'


class SecondFactorRequired(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = _("The second sign-in step is missing.")
    default_code = "second_factor_required"


class PortalSessionAuthentication(SessionAuthentication):
    """Browser sessions, under the portal's authentication policy.

    A staff or admin session that has passed only the password step (STAFF_TWO_FACTOR) is
    refused here, for every API route at once, with a problem document saying what to do.
    """

    def authenticate(self, request: Request) -> tuple[object, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, _auth = result
        if second_factor_missing(user):
            raise SecondFactorRequired(second_factor_instructions())
        return user, None


def request_signature_of(request: Request) -> RequestSignatureInput | None:
    """The RFC 9421 signature of this API request, if it came signed from a system."""
    auth = request.auth
    if not isinstance(auth, VerifiedRequest):
        return None
    return RequestSignatureInput(
        keyid=auth.keyid,
        alg="ed25519",
        signature_input=auth.signature_input,
        signature=auth.signature,
        digest=auth.digest,
    )
