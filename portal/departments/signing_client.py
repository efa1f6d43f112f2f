"""Sign a request as a department system would (RFC 9421 with Ed25519, RFC 9530 digest).

Department systems can copy this: it depends only on ``http-message-signatures`` and
``cryptography``. See docs/api.md for a complete worked example.
"""

import datetime as dt
import secrets
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from http_message_signatures import HTTPMessageSigner, algorithms
from http_message_signatures.resolvers import HTTPSignatureKeyResolver


@dataclass
class OutgoingRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


class _OneKey(HTTPSignatureKeyResolver):
    def __init__(self, key: Ed25519PrivateKey) -> None:
        self.key = key

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        return self.key

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey:
        return self.key.public_key()


def signed_headers(
    *,
    method: str,
    url: str,
    body: bytes,
    key_id: str,
    key: Ed25519PrivateKey,
    created: dt.datetime | None = None,
    content_type: str = "application/json",
) -> dict[str, str]:
    """Headers to send: Content-Type, Content-Digest (with a body), Signature-Input, Signature."""
    request = OutgoingRequest(method=method, url=url, headers={"Content-Type": content_type})
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=_OneKey(key))
    signer.sign(
        request,
        key_id=key_id,
        created=created or dt.datetime.now(dt.UTC),
        nonce=secrets.token_urlsafe(16),
        covered_component_ids=["@method", "@target-uri"],
        body=body or None,
    )
    return dict(request.headers)
