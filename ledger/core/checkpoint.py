"""C2SP tlog-checkpoint bodies and C2SP tlog-cosignature/v1 witness cosignatures.

Checkpoint note text (c2sp.org/tlog-checkpoint, "Note text")::

    <origin>\\n<tree size in decimal>\\n<base64 root hash>\\n[<extension line>\\n ...]

Ed25519 cosignature (c2sp.org/tlog-cosignature, "Format" and "Ed25519 signed message"): a
signed-note signature line whose key ID uses signature type 0x04 and whose signature bytes are
``8-byte big-endian timestamp || Ed25519(message)`` with message::

    cosignature/v1\\ntime <POSIX seconds>\\n<checkpoint note text>
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ledger.core.merkle import HASH_SIZE
from ledger.core.notes import (
    NoteError,
    NoteVerifier,
    OpenedNote,
    Signature,
    format_signature_line,
    open_note,
    parse_signature_line,
    sign_note,
)
from ledger.core.signing import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    SigningKey,
    VerifierKey,
)

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "CosignatureVerifier",
    "Cosigner",
    "OpenedCheckpoint",
    "cosign",
    "cosignature_message",
    "note_verifiers",
    "open_checkpoint",
    "sign_checkpoint",
    "verify_cosignature",
]

_MAX_TIMESTAMP = 2**63 - 1


class CheckpointError(ValueError):
    """A checkpoint body or cosignature is malformed or does not verify."""


def _parse_decimal(text: str, what: str) -> int:
    if not text or not text.isascii() or not text.isdigit():
        raise CheckpointError(f"{what} is not an ASCII decimal number")
    if len(text) > 1 and text[0] == "0":
        raise CheckpointError(f"{what} has leading zeroes")
    return int(text)


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: origin, tree size, RFC 6962 root hash and optional extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise CheckpointError("checkpoint origin must be a non-empty single line")
        if self.size < 0:
            raise CheckpointError("checkpoint size must not be negative")
        if len(self.root_hash) != HASH_SIZE:
            raise CheckpointError("checkpoint root hash must be 32 bytes")
        for ext in self.extensions:
            if not ext or "\n" in ext:
                raise CheckpointError("checkpoint extension lines must be non-empty single lines")

    def to_text(self) -> str:
        """The note text (c2sp.org/tlog-checkpoint, "Note text"), ending in a newline."""
        root = base64.b64encode(self.root_hash).decode("ascii")
        lines = [self.origin, str(self.size), root, *self.extensions]
        return "\n".join(lines) + "\n"

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        """Parse checkpoint note text strictly (c2sp.org/tlog-checkpoint, "Note text")."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint text needs origin, size and root hash lines")
        origin, size_text, root_text, *extensions = lines
        if not origin:
            raise CheckpointError("checkpoint origin line is empty")
        size = _parse_decimal(size_text, "checkpoint size")
        try:
            root = base64.b64decode(root_text, validate=True)
        except (binascii.Error, ValueError):
            raise CheckpointError("checkpoint root hash is not valid base64") from None
        if len(root) != HASH_SIZE or base64.b64encode(root).decode("ascii") != root_text:
            raise CheckpointError("checkpoint root hash is not a canonical base64 SHA-256 hash")
        if any(not ext for ext in extensions):
            raise CheckpointError("checkpoint extension lines must be non-empty")
        return cls(origin, size, root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, key: SigningKey) -> str:
    """Sign a checkpoint with the log's Ed25519 note key; returns the signed note.

    c2sp.org/tlog-checkpoint "Signatures": the log's key name SHOULD match the origin line.
    """
    if key.alg != ALG_ED25519:
        raise CheckpointError("a log key must be an Ed25519 (type 0x01) note key")
    return sign_note(checkpoint.to_text(), [key])


def cosignature_message(checkpoint_text: str, timestamp: int) -> bytes:
    """The Ed25519 cosignature/v1 signed message (c2sp.org/tlog-cosignature)."""
    if not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise CheckpointError("cosignature timestamp out of range")
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


class Cosigner:
    """A witness's cosigning key (type 0x04) as a note signer (c2sp.org/tlog-cosignature).

    ``sign`` returns ``timestamp || Ed25519(cosignature/v1 message)`` so that
    :func:`ledger.core.notes.sign_note` produces a cosignature line.
    """

    def __init__(self, key: SigningKey, clock: Callable[[], float] = time.time) -> None:
        if key.alg != ALG_COSIGNATURE_V1:
            raise CheckpointError("a cosigner key must have signature type 0x04")
        self.key = key
        self.clock = clock

    @property
    def name(self) -> str:
        """The cosigner (witness) name."""
        return self.key.name

    @property
    def key_hash(self) -> int:
        """Key ID with signature type 0x04."""
        return self.key.key_hash

    def sign(self, message: bytes) -> bytes:
        """Timestamped signature over the checkpoint note text ``message``."""
        Checkpoint.from_text(message.decode("utf-8"))
        timestamp = int(self.clock())
        signed = cosignature_message(message.decode("utf-8"), timestamp)
        return timestamp.to_bytes(8, "big") + self.key.sign(signed)


class CosignatureVerifier:
    """Verifies cosignature/v1 signatures by one witness key (a :class:`NoteVerifier`)."""

    def __init__(self, key: VerifierKey) -> None:
        if key.alg != ALG_COSIGNATURE_V1:
            raise CheckpointError("a cosigner verifier key must have signature type 0x04")
        self.key = key

    @property
    def name(self) -> str:
        """The cosigner (witness) name."""
        return self.key.name

    @property
    def key_hash(self) -> int:
        """Key ID with signature type 0x04."""
        return self.key.key_hash

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Check ``timestamp || Ed25519 signature`` over the cosignature/v1 message."""
        if len(signature) != 8 + 64:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > _MAX_TIMESTAMP:
            return False
        try:
            text = message.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return self.key.verify(cosignature_message(text, timestamp), signature[8:])


def note_verifiers(keys: Iterable[VerifierKey]) -> list[NoteVerifier]:
    """Note verifiers for keys: type 0x01 keys verify directly, type 0x04 as cosignatures."""
    out: list[NoteVerifier] = []
    for key in keys:
        out.append(CosignatureVerifier(key) if key.alg == ALG_COSIGNATURE_V1 else key)
    return out


def cosign(checkpoint_text: str, key: SigningKey, timestamp: int | None = None) -> str:
    """Return one cosignature line for ``checkpoint_text`` (c2sp.org/tlog-cosignature)."""
    Checkpoint.from_text(checkpoint_text)
    ts = int(time.time()) if timestamp is None else timestamp
    signer = Cosigner(key, clock=lambda: ts)
    sig = signer.sign(checkpoint_text.encode("utf-8"))
    return format_signature_line(key.name, key.key_hash, sig)


def verify_cosignature(checkpoint_text: str, line: str, key: VerifierKey) -> int:
    """Verify one cosignature line by ``key`` over ``checkpoint_text``; return its timestamp.

    Raises :class:`CheckpointError` when the line is not by this key or does not verify.
    """
    try:
        sig = parse_signature_line(line)
    except NoteError as exc:
        raise CheckpointError(str(exc)) from None
    verifier = CosignatureVerifier(key)
    if (sig.name, sig.key_hash) != (key.name, key.key_hash):
        raise CheckpointError(f"cosignature is not by {key.key_id}")
    if not verifier.verify(checkpoint_text.encode("utf-8"), sig.signature):
        raise CheckpointError(f"cosignature by {key.key_id} does not verify")
    return int.from_bytes(sig.signature[:8], "big")


@dataclass(frozen=True)
class OpenedCheckpoint:
    """A checkpoint whose log signature verified, with its verified cosignatures."""

    checkpoint: Checkpoint
    note: OpenedNote
    log_signatures: tuple[Signature, ...]
    cosignatures: tuple[Signature, ...]


def open_checkpoint(
    note: str | bytes,
    log_keys: Iterable[VerifierKey],
    witness_keys: Iterable[VerifierKey] = (),
) -> OpenedCheckpoint:
    """Open a signed checkpoint: require a log signature, collect verified cosignatures.

    Combines c2sp.org/signed-note verification with c2sp.org/tlog-checkpoint parsing; raises
    :class:`CheckpointError` (or :class:`~ledger.core.notes.NoteError`) on failure.
    """
    logs = list(log_keys)
    witnesses = list(witness_keys)
    opened = open_note(note, note_verifiers([*logs, *witnesses]), require_verified=False)
    checkpoint = Checkpoint.from_text(opened.text)
    log_ids = {(k.name, k.key_hash) for k in logs}
    log_sigs = tuple(s for s in opened.signatures if (s.name, s.key_hash) in log_ids)
    cosigs = tuple(s for s in opened.signatures if (s.name, s.key_hash) not in log_ids)
    if not log_sigs:
        raise CheckpointError("checkpoint has no valid signature from a known log key")
    return OpenedCheckpoint(checkpoint, opened, log_sigs, cosigs)
