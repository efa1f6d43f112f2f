"""C2SP tlog-proof: an offline-verifiable proof that an entry is in a checkpointed log.

The text format (c2sp.org/tlog-proof, "Format")::

    c2sp.org/tlog-proof@v1
    [extra <base64 opaque extra data>]
    index <zero-based entry index, ASCII decimal, no leading zeroes>
    <base64 SHA-256 hash>            # RFC 6962 section 2.1.1 audit path, leaf's sibling first
    ...
    <empty line>
    <the checkpoint's signed note, verbatim (c2sp.org/tlog-checkpoint), cosignatures included>

The extra data is not authenticated and is never trusted by itself (the spec's "MUST NOT
implicitly trust"): the access proof (:mod:`ledger.core.access_proof`) checks everything it
uses against the log.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from ledger.core.merkle import HASH_SIZE

__all__ = ["TLOG_PROOF_HEADER", "TlogProof", "TlogProofError", "format_tlog_proof"]

TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"
#: An RFC 6962 audit path in a tree of at most 2^63 leaves has at most 63 hashes.
_MAX_HASHES = 63


class TlogProofError(ValueError):
    """The text is not a c2sp.org/tlog-proof@v1 proof."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise TlogProofError(f"{what} is not valid base64") from None
    if _b64(raw) != text:
        raise TlogProofError(f"{what} is not canonical base64")
    return raw


@dataclass(frozen=True)
class TlogProof:
    """An entry index, its audit path and the checkpoint note it leads to."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None

    def __post_init__(self) -> None:
        if isinstance(self.index, bool) or not isinstance(self.index, int) or self.index < 0:
            raise TlogProofError("index must be a non-negative integer")
        if len(self.hashes) > _MAX_HASHES:
            raise TlogProofError(f"an inclusion proof has at most {_MAX_HASHES} hashes")
        if any(len(h) != HASH_SIZE for h in self.hashes):
            raise TlogProofError("every inclusion proof hash is 32 bytes")
        if not self.checkpoint.endswith("\n") or "\n\n" not in self.checkpoint:
            raise TlogProofError("the checkpoint must be a signed note")

    def to_text(self) -> str:
        """The proof text (c2sp.org/tlog-proof, "Format")."""
        lines = [TLOG_PROOF_HEADER]
        if self.extra is not None:
            lines.append(f"extra {_b64(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(_b64(h) for h in self.hashes)
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def from_text(cls, text: str) -> TlogProof:
        """Parse proof text strictly: header, optional extra, index, hashes, empty line, note."""
        head, sep, checkpoint = text.partition("\n\n")
        if not sep:
            raise TlogProofError("no empty line before the checkpoint")
        lines = head.split("\n")
        if lines[0] != TLOG_PROOF_HEADER:
            raise TlogProofError(f"the first line must be {TLOG_PROOF_HEADER}")
        rest = lines[1:]
        extra = None
        if rest and rest[0].startswith("extra "):
            extra = _unb64(rest[0][len("extra ") :], "extra data")
            rest = rest[1:]
        if not rest or not rest[0].startswith("index "):
            raise TlogProofError("the index line is missing")
        digits = rest[0][len("index ") :]
        if not digits.isascii() or not digits.isdigit() or (len(digits) > 1 and digits[0] == "0"):
            raise TlogProofError("the index is not an ASCII decimal without leading zeroes")
        hashes = tuple(_unb64(line, "an inclusion proof hash") for line in rest[1:])
        return cls(index=int(digits), hashes=hashes, checkpoint=checkpoint, extra=extra)


def format_tlog_proof(
    index: int, hashes: Sequence[bytes], checkpoint: str, extra: bytes | None = None
) -> str:
    """The c2sp.org/tlog-proof@v1 text for one entry."""
    proof = TlogProof(index=index, hashes=tuple(hashes), checkpoint=checkpoint, extra=extra)
    return proof.to_text()
