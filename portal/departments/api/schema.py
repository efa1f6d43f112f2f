"""OpenAPI description of the signed-request authentication (RFC 9421)."""

from typing import Any

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
