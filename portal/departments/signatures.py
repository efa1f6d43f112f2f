"""HTTP Message Signatures (RFC 9421) from department systems, with Ed25519 keys.

Verification uses the maintained ``http-message-signatures`` library. A request must
cover ``@method``, ``@target-uri`` and, when it has a body, ``content-digest``
(RFC 9530); carry ``created`` no older than ``SIGNATURE_MAX_AGE``; and never be seen
before (replays are refused by remembering each accepted signature until it expires).
"""

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from http_message_signatures import HTTPMessageVerifier, InvalidSignature, algorithms
from http_message_signatures.resolvers import HTTPSignatureKeyResolver

from portal.departments.models import DepartmentSystem

SIGNATURE_MAX_AGE = dt.timedelta(minutes=5)
REQUIRED_COMPONENTS = ("@method", "@target-uri")


class SignatureRefused(Exception):
    """The request's signature is missing, bad, replayed or expired; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedRequest:
    system: DepartmentSystem
    keyid: str
    signature_input: str
    signature: str
    digest: str


@dataclass
class _Message:
    """The request as the library reads it: method, absolute URL and header fields."""

    method: str
    url: str
    headers: dict[str, str]


def public_key_from_b64(value: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(value, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, InvalidKey) as exc:
        raise ValueError(_("Enter the 32-byte Ed25519 public key in base64.")) from exc


class _SystemKeys(HTTPSignatureKeyResolver):
    def __init__(self) -> None:
        self.system: DepartmentSystem | None = None

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey:
        system = (
            DepartmentSystem.objects.select_related("department")
            .filter(key_id=key_id, is_active=True)
            .first()
        )
        if system is None or not system.public_key:
            raise SignatureRefused(_("Unknown or inactive key id %(k)s.") % {"k": key_id})
        self.system = system
        return public_key_from_b64(system.public_key)

    def resolve_private_key(self, key_id: str) -> None:
        raise NotImplementedError


def verify_signed_request(request: HttpRequest) -> VerifiedRequest:
    """Check a department system's signed request, or raise SignatureRefused with the reason."""
    headers = {k: v for k, v in request.headers.items()}
    if "Signature" not in headers or "Signature-Input" not in headers:
        raise SignatureRefused(
            _("The request is not signed: send Signature-Input and Signature headers (RFC 9421).")
        )
    message = _Message(request.method or "GET", request.build_absolute_uri(), headers)
    keys = _SystemKeys()
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.ED25519, key_resolver=keys)
    try:
        verifier.verify(
            message,
            max_age=SIGNATURE_MAX_AGE,
            require_components=REQUIRED_COMPONENTS,
            body=request.body,
        )
    except SignatureRefused:
        raise
    except InvalidSignature as exc:
        cause = exc.__cause__
        if isinstance(cause, SignatureRefused):
            raise cause from None
        raise SignatureRefused(_describe(str(exc))) from None
    if keys.system is None:
        raise SignatureRefused(_("The signature names no known key."))
    signature = headers["Signature"]
    _remember(signature=signature, key_id=keys.system.key_id)
    return VerifiedRequest(
        system=keys.system,
        keyid=keys.system.key_id,
        signature_input=headers["Signature-Input"],
        signature=signature,
        digest=headers.get("Content-Digest", ""),
    )


def _describe(message: str) -> str:
    lowered = message.lower()
    if "age exceeds" in lowered or "in the past" in lowered:
        return _("The signature has expired; sign each request when you send it.")
    if "future" in lowered:
        return _("The signature's creation time is in the future; check the system clock.")
    if "digest" in lowered:
        return _("The body does not match its signed Content-Digest.")
    if "not covered" in lowered:
        return _("The signature must cover @method, @target-uri and content-digest.")
    return _("The signature does not verify for this request.")


def _remember(*, signature: str, key_id: str) -> None:
    """Refuse a replay: each accepted signature is kept until it could no longer be valid."""
    digest = hashlib.sha256(signature.encode()).hexdigest()
    from portal.departments.models import UsedSignature

    try:
        with transaction.atomic():
            UsedSignature.objects.create(
                signature_hash=digest,
                key_id=key_id,
                expires_at=timezone.now() + SIGNATURE_MAX_AGE + dt.timedelta(minutes=1),
            )
    except IntegrityError:
        raise SignatureRefused(_("This signed request was already received (replay).")) from None
