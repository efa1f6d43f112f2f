"""Labels of ledger version 2: a VRF output per (namespace, subject, counter).

``alpha = "access-ledger/label/v2" || 0x00 || namespace || 0x00 || identifier || 0x00 ||
counter (8 bytes, big-endian)`` (namespace and identifier in UTF-8); the label is the first 32
bytes of ``beta = ECVRF-EDWARDS25519-SHA512-TAI(alpha)`` (RFC 9381) as 64 lowercase hex
characters.  Without the VRF secret, labels of one person cannot be linked; with the public key
and the proof, the person checks that a label is theirs and the only possible one.
"""

from __future__ import annotations

import hmac
import re

from ledger.core.vrf import VRFError, VRFPublicKey, VRFSecretKey, proof_to_hash

__all__ = [
    "LABEL_PREFIX",
    "NAMESPACES",
    "LabelError",
    "label_alpha",
    "label_from_beta",
    "label_from_proof",
    "prove_label",
    "verify_label",
]

LABEL_PREFIX = b"access-ledger/label/v2\x00"
#: "person" for ordinary reads, "sealed" for sealed (covert) reads.
NAMESPACES = ("person", "sealed")
_MAX_COUNTER = 2**64 - 1
_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")


class LabelError(ValueError):
    """A label input is invalid, or a label and its proof do not match."""


def label_alpha(namespace: str, identifier: str, counter: int) -> bytes:
    """The VRF input of a label (see the module docstring)."""
    if namespace not in NAMESPACES:
        raise LabelError(f"namespace must be one of {', '.join(NAMESPACES)}")
    if not isinstance(identifier, str) or not identifier:
        raise LabelError("identifier must be a non-empty string")
    if "\x00" in identifier:
        raise LabelError("identifier must not contain NUL")
    if not isinstance(counter, int) or isinstance(counter, bool):
        raise LabelError("counter must be an integer")
    if not 0 <= counter <= _MAX_COUNTER:
        raise LabelError("counter must be between 0 and 2**64 - 1")
    try:
        encoded = identifier.encode("utf-8")
    except UnicodeEncodeError:
        raise LabelError("identifier must be valid Unicode (no lone surrogates)") from None
    return (
        LABEL_PREFIX
        + namespace.encode("utf-8")
        + b"\x00"
        + encoded
        + b"\x00"
        + counter.to_bytes(8, "big")
    )


def label_from_beta(beta: bytes) -> str:
    """The label: the first 32 bytes of the 64-byte VRF output, lowercase hex."""
    if len(beta) != 64:
        raise LabelError("VRF output beta is 64 bytes")
    return beta[:32].hex()


def prove_label(
    key: VRFSecretKey, namespace: str, identifier: str, counter: int
) -> tuple[str, bytes]:
    """(label hex, 80-byte VRF proof) for one subject's counter."""
    alpha = label_alpha(namespace, identifier, counter)
    pi = key.prove(alpha)
    # beta straight from our own proof (RFC 9381 section 5.2); no need to verify it.
    return label_from_beta(proof_to_hash(pi)), pi


def verify_label(
    public: VRFPublicKey,
    namespace: str,
    identifier: str,
    counter: int,
    label_hex: str,
    proof: bytes,
) -> bool:
    """True if ``proof`` proves ``label_hex`` for this input under ``public``.

    Raises :class:`LabelError` naming what is wrong (bad input, proof refused, or another
    label).
    """
    if not isinstance(label_hex, str) or not _HEX64_RE.match(label_hex):
        raise LabelError("label must be 64 lowercase hexadecimal digits")
    alpha = label_alpha(namespace, identifier, counter)
    try:
        beta = public.verify(alpha, proof)
    except VRFError as exc:
        raise LabelError(f"VRF proof refused: {exc}") from None
    if not hmac.compare_digest(label_from_beta(beta), label_hex):
        raise LabelError("the VRF proof is valid but proves a different label")
    return True


def label_from_proof(
    public: VRFPublicKey, namespace: str, identifier: str, counter: int, proof: bytes
) -> str:
    """The label ``proof`` proves for this input under ``public`` (64 lowercase hex).

    For a label the verifier does not hold yet, e.g. a counter whose absence from the label
    index it checks. Raises :class:`LabelError` if the proof does not verify.
    """
    alpha = label_alpha(namespace, identifier, counter)
    try:
        return label_from_beta(public.verify(alpha, proof))
    except VRFError as exc:
        raise LabelError(f"VRF proof refused: {exc}") from None
