from dataclasses import dataclass

from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from ledger.services import RequestSignatureInput
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
        try:
            verified = verify_signed_request(django_request)
        except SignatureRefused as exc:
            raise exceptions.AuthenticationFailed(exc.reason) from None
        return SystemPrincipal(verified.system), verified

    def authenticate_header(self, request: Request) -> str:
        return 'Signature realm="portal", alg="ed25519"'


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
