"""C2SP signed-note: text signed by one or more named keys.

Format (c2sp.org/signed-note, "Format"; Go ``golang.org/x/mod/sumdb/note``)::

    <text, ending in a newline>
    <blank line>
    — <key name> base64(4-byte big-endian key ID || signature)
    ...

Each signature line starts with an em dash (U+2014) and a space.  The note is valid UTF-8 with
no ASCII control characters other than newline; the text is separated from the signatures by
the last blank line.  The signature covers the text including its final newline.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ledger.core.signing import is_valid_key_name

__all__ = [
    "MAX_SIGNATURES",
    "NoteError",
    "NoteSigner",
    "NoteVerifier",
    "OpenedNote",
    "Signature",
    "UnverifiedNoteError",
    "format_signature_line",
    "open_note",
    "parse_note",
    "parse_signature_line",
    "sign_note",
]

#: C2SP signed-note: verifiers SHOULD limit signatures and MUST accept at least 16.
MAX_SIGNATURES = 100

_DASH = "\u2014 "


class NoteError(ValueError):
    """A note is malformed, or a signature from a known key does not verify."""


class UnverifiedNoteError(NoteError):
    """The note parsed, but no signature from a known key is on it."""


class NoteSigner(Protocol):
    """Something that signs note text under a name and key ID (``note.Signer``)."""

    @property
    def name(self) -> str: ...

    @property
    def key_hash(self) -> int: ...

    def sign(self, message: bytes) -> bytes: ...


class NoteVerifier(Protocol):
    """Something that verifies note signatures by one named key (``note.Verifier``)."""

    @property
    def name(self) -> str: ...

    @property
    def key_hash(self) -> int: ...

    def verify(self, message: bytes, signature: bytes) -> bool: ...


@dataclass(frozen=True)
class Signature:
    """One signature line: key name, key ID, and the signature bytes after the key ID."""

    name: str
    key_hash: int
    signature: bytes = field(repr=False)

    @property
    def line(self) -> str:
        """The signature line, including the final newline."""
        return format_signature_line(self.name, self.key_hash, self.signature)


@dataclass(frozen=True)
class OpenedNote:
    """Result of :func:`open_note`: the text, verified and unverified (unknown-key) signatures."""

    text: str
    signatures: tuple[Signature, ...]
    unverified: tuple[Signature, ...] = ()


def format_signature_line(name: str, key_hash: int, signature: bytes) -> str:
    """``— <name> base64(key ID || signature)\\n`` (C2SP signed-note, "Signatures")."""
    if not is_valid_key_name(name):
        raise NoteError(f"invalid key name {name!r}")
    data = key_hash.to_bytes(4, "big") + signature
    return f"{_DASH}{name} {base64.b64encode(data).decode('ascii')}\n"


def parse_signature_line(line: str) -> Signature:
    """Parse one signature line (with or without its final newline)."""
    if line.endswith("\n"):
        line = line[:-1]
    if not line.startswith(_DASH):
        raise NoteError("signature line does not start with an em dash and a space")
    name, sep, b64 = line[len(_DASH) :].partition(" ")
    if not sep or not is_valid_key_name(name) or not b64:
        raise NoteError("malformed signature line")
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"signature by {name} is not valid base64") from None
    if len(raw) < 5:
        raise NoteError(f"signature by {name} is too short")
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def _check_text(text: str) -> None:
    for ch in text:
        if ch < " " and ch != "\n":
            raise NoteError(f"note contains control character U+{ord(ch):04X}")
        if "\ud800" <= ch <= "\udfff":
            raise NoteError("note is not valid UTF-8")


def sign_note(text: str, keys: Sequence[NoteSigner], existing: Iterable[Signature] = ()) -> str:
    """Sign ``text`` with each key and return the signed note (``note.Sign``).

    ``text`` must end with a newline.  ``existing`` signatures are kept (before the new ones)
    unless a new signer has the same name and key ID.
    """
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    _check_text(text)
    if not keys and not existing:
        raise NoteError("a note needs at least one signature")
    message = text.encode("utf-8")
    new_lines = []
    have = set()
    for key in keys:
        have.add((key.name, key.key_hash))
        new_lines.append(format_signature_line(key.name, key.key_hash, key.sign(message)))
    old_lines = [s.line for s in existing if (s.name, s.key_hash) not in have]
    return text + "\n" + "".join(old_lines) + "".join(new_lines)


def parse_note(note: str | bytes) -> tuple[str, list[Signature]]:
    """Split a signed note into its text and signatures without verifying any of them.

    Applies the C2SP signed-note syntax rules (as ``note.Open``): valid UTF-8, no control
    characters except newline, text ending in newline, a blank line, then one or more signature
    lines; at most :data:`MAX_SIGNATURES` signatures.
    """
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("note is not valid UTF-8") from None
    _check_text(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text, sigs = note[: split + 1], note[split + 2 :]
    if not sigs or not sigs.endswith("\n"):
        raise NoteError("note signatures must end with a newline")
    lines = sigs[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    return text, [parse_signature_line(line) for line in lines]


def open_note(
    note: str | bytes, verifiers: Iterable[NoteVerifier], *, require_verified: bool = True
) -> OpenedNote:
    """Parse a signed note and verify the signatures of known keys (``note.Open``).

    A signature whose (name, key ID) matches a known verifier must verify, else
    :class:`NoteError` is raised (C2SP signed-note: clients SHOULD reject the note).
    Signatures by unknown keys are returned in ``unverified`` and not trusted.  Repeated
    signatures by one key are dropped.  With ``require_verified`` (the default) a note with no
    verified signature raises :class:`UnverifiedNoteError` (C2SP: clients MUST reject it).
    """
    text, sigs = parse_note(note)
    known: dict[tuple[str, int], list[NoteVerifier]] = {}
    for v in verifiers:
        known.setdefault((v.name, v.key_hash), []).append(v)
    message = text.encode("utf-8")
    verified: list[Signature] = []
    unverified: list[Signature] = []
    seen: set[tuple[str, int]] = set()
    seen_unverified: set[Signature] = set()
    for sig in sigs:
        key = (sig.name, sig.key_hash)
        candidates = known.get(key)
        if candidates is None:
            if sig not in seen_unverified:
                seen_unverified.add(sig)
                unverified.append(sig)
            continue
        if len(candidates) > 1:
            raise NoteError(f"ambiguous key {sig.name}+{sig.key_hash:08x}")
        if key in seen:
            continue
        seen.add(key)
        if not candidates[0].verify(message, sig.signature):
            raise NoteError(f"invalid signature for key {sig.name}+{sig.key_hash:08x}")
        verified.append(sig)
    if require_verified and not verified:
        raise UnverifiedNoteError("note has no signature from a known key")
    return OpenedNote(text, tuple(verified), tuple(unverified))
