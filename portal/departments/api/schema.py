"""OpenAPI description of the API's authentication: signed requests (RFC 9421), sessions."""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class SignedRequestScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular's __init_subclass__ is untyped
    target_class = "portal.departments.api.authentication.SignedRequestAuthentication"
    name = "httpMessageSignature"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Signature",
            "description": (
                "HTTP Message Signatures (RFC 9421) with the department system's Ed25519 key: "
                "Signature-Input covering @method, @target-uri and content-digest, with created "
                "and keyid. See docs/api.md."
            ),
        }


class PortalSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular's __init_subclass__ is untyped
    """The browser session (cookie), as drf-spectacular describes Django's own."""

    target_class = "portal.departments.api.authentication.PortalSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": (
                "A signed-in browser session; staff and admin sessions need the second sign-in "
                "step when STAFF_TWO_FACTOR is on."
            ),
        }
