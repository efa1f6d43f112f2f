"""HTTP Message Signatures (RFC 9421) from department systems, with Ed25519 keys.

Verification uses the maintained ``http-message-signatures`` library. A request must
cover ``@method``, ``@target-uri`` and, when it has a body, ``content-digest``
(RFC 9530); carry ``created`` no older than ``SIGNATURE_MAX_AGE``; and never be seen
before. Replays are refused by remembering, until it expires, each verified signature
by its key id and the signature bytes that verified (RFC 9421 §3.2), never by the
``Signature`` header text: the dictionary label and any parameters on the member are not
covered by the signature (§4.2), so renaming ``pyhms=`` to ``x=`` or adding ``;p=1`` must
not make a used signature new. Ed25519 verification in ``cryptography`` rejects
non-canonical encodings, so the verified bytes of one signature are unique.
"""

import base64
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import http_sf
from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import DatabaseError, IntegrityError, transaction
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
        results = verifier.verify(
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
        if isinstance(cause, DatabaseError):
            # The key could not be looked up (database down): a server fault, not a bad
            # signature; it must neither read as "does not verify" nor count as a failure.
            raise cause from None
        raise SignatureRefused(_describe(str(exc))) from None
    if keys.system is None:
        raise SignatureRefused(_("The signature names no known key."))
    signature = headers["Signature"]
    _remember(
        signatures=_verified_signature_bytes(signature, labels=[r.label for r in results]),
        key_id=keys.system.key_id,
    )
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


def _verified_signature_bytes(header: str, *, labels: Iterable[str]) -> list[bytes]:
    """The signature bytes (RFC 9421 §3.2) of the members that verified, ignoring their labels."""
    try:
        parsed = http_sf.parse(header.encode(), tltype="dictionary")
    except Exception as exc:  # The verifier has parsed it already; this does not happen.
        raise SignatureRefused(_("The Signature header is malformed.")) from exc
    values: list[bytes] = []
    for label in labels:
        member = parsed.get(label) if isinstance(parsed, dict) else None
        value = member[0] if isinstance(member, tuple) else None
        if not isinstance(value, bytes):
            raise SignatureRefused(_("The Signature header is malformed."))
        values.append(value)
    return values


def replay_key(*, signature: bytes) -> str:
    """What the replay cache stores with the key id: SHA-256 of the verified signature bytes."""
    return hashlib.sha256(signature).hexdigest()


def _remember(*, signatures: list[bytes], key_id: str) -> None:
    """Refuse a replay: each verified signature is kept, by key id and bytes, until it expires.

    Every signature of the request is remembered, and the request is a replay when any of
    them was seen before (or appears twice in the same request).
    """
    from portal.departments.models import UsedSignature

    expires_at = timezone.now() + SIGNATURE_MAX_AGE + dt.timedelta(minutes=1)
    digests = [replay_key(signature=value) for value in signatures]
    if not digests or len(set(digests)) != len(digests):
        raise SignatureRefused(_("This signed request was already received (replay)."))
    try:
        with transaction.atomic():
            for digest in digests:
                UsedSignature.objects.create(
                    signature_hash=digest, key_id=key_id, expires_at=expires_at
                )
    except IntegrityError:
        raise SignatureRefused(_("This signed request was already received (replay).")) from None
