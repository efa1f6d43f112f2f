"""Commitments of ledger version 2: the private details of a read, hidden behind a hash.

``commitment = SHA-256("access-ledger/commitment/v2" || 0x00 || opening || JCS(details))`` as
64 lowercase hex characters, where ``opening`` is exactly 16 random bytes and ``JCS`` is RFC
8785 canonical JSON (UTF-8).  The details and the opening are kept privately; shown to the
person, an auditor or a court, they are checked against the public commitment.  Without the
opening the commitment reveals nothing practical about the details (the 128-bit opening makes
guessing the details useless); deleting the opening makes an entry opaque forever.

The details object has exactly these members:

* ``fields``: sorted, unique list of non-empty strings (the fields read or requested);
* ``purpose``: non-empty string;
* ``application_number``: string or null;
* ``reason``: string (refusal reason code, ``""`` when granted);
* ``reader``: ``{"user": "<username>"}`` or ``{"system": "<key id>"}``;
* ``request_signature``: null, or ``{"keyid", "alg", "signature_input", "signature",
  "content_digest"}`` (strings: the department system's RFC 9421 evidence);
* ``seal``: null, or ``{"legal_order": "<reference>", "unseal_by": "YYYY-MM-DD"}`` for a sealed
  read (covert investigation): the legal order that allows hiding it and the date by which it
  must be shown to the person.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from ledger.core.encoding import CanonicalJSONError, JSONValue, canonicalize, parse_canonical

__all__ = [
    "COMMITMENT_PREFIX",
    "OPENING_LEN",
    "CommitmentError",
    "Details",
    "Reader",
    "RequestEvidence",
    "Seal",
    "commit",
    "new_opening",
    "verify_opening",
]

COMMITMENT_PREFIX = b"access-ledger/commitment/v2\x00"
OPENING_LEN = 16
_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
_DATE_RE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


class CommitmentError(ValueError):
    """Details, an opening or a commitment are malformed."""


def _object(value: JSONValue, keys: frozenset[str], where: str) -> Mapping[str, JSONValue]:
    if not isinstance(value, dict):
        raise CommitmentError(f"{where} must be a JSON object")
    unknown = sorted(set(value) - keys)
    if unknown:
        raise CommitmentError(f"{where} has unknown field(s): {', '.join(unknown)}")
    missing = sorted(keys - set(value))
    if missing:
        raise CommitmentError(f"{where} is missing field(s): {', '.join(missing)}")
    return value


def _string(value: object, where: str, *, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise CommitmentError(f"{where} must be a string")
    if not empty and not value:
        raise CommitmentError(f"{where} must not be empty")
    return value


@dataclass(frozen=True)
class Reader:
    """Who read: a staff user (username) or a department system (its key id); exactly one."""

    user: str | None = None
    system: str | None = None

    def __post_init__(self) -> None:
        if (self.user is None) == (self.system is None):
            raise CommitmentError("reader needs exactly one of user and system")
        _string(self.user if self.user is not None else self.system, "reader", empty=False)

    def to_json(self) -> dict[str, JSONValue]:
        """``{"user": …}`` or ``{"system": …}``."""
        return {"user": self.user} if self.user is not None else {"system": self.system}

    @classmethod
    def from_json(cls, value: JSONValue) -> Reader:
        """Parse the reader object strictly."""
        if not isinstance(value, dict) or len(value) != 1:
            raise CommitmentError('reader must be {"user": …} or {"system": …}')
        ((key, member),) = value.items()
        if key == "user":
            return cls(user=_string(member, "reader.user"))
        if key == "system":
            return cls(system=_string(member, "reader.system"))
        raise CommitmentError(f"reader has unknown field {key!r} (expected user or system)")


@dataclass(frozen=True)
class RequestEvidence:
    """A department system's RFC 9421 request signature (private evidence, never public)."""

    keyid: str
    alg: str
    signature_input: str
    signature: str
    content_digest: str

    _KEYS = frozenset({"keyid", "alg", "signature_input", "signature", "content_digest"})

    def __post_init__(self) -> None:
        for name in sorted(self._KEYS):
            _string(getattr(self, name), f"request_signature.{name}")

    def to_json(self) -> dict[str, JSONValue]:
        """The JSON object."""
        return {name: getattr(self, name) for name in sorted(self._KEYS)}

    @classmethod
    def from_json(cls, value: JSONValue) -> RequestEvidence:
        """Parse the request-signature object strictly."""
        obj = _object(value, cls._KEYS, "request_signature")
        return cls(**{k: _string(obj[k], f"request_signature.{k}") for k in sorted(cls._KEYS)})


@dataclass(frozen=True)
class Seal:
    """Why a read is hidden from the person for a while, and until when (a calendar date)."""

    legal_order: str
    unseal_by: str

    _KEYS = frozenset({"legal_order", "unseal_by"})

    def __post_init__(self) -> None:
        _string(self.legal_order, "seal.legal_order", empty=False)
        if not isinstance(self.unseal_by, str) or not _DATE_RE.match(self.unseal_by):
            raise CommitmentError("seal.unseal_by must be a date YYYY-MM-DD")

    def to_json(self) -> dict[str, JSONValue]:
        """The JSON object."""
        return {"legal_order": self.legal_order, "unseal_by": self.unseal_by}

    @classmethod
    def from_json(cls, value: JSONValue) -> Seal:
        """Parse the seal object strictly."""
        obj = _object(value, cls._KEYS, "seal")
        return cls(
            legal_order=_string(obj["legal_order"], "seal.legal_order"),
            unseal_by=_string(obj["unseal_by"], "seal.unseal_by"),
        )


@dataclass(frozen=True)
class Details:
    """The committed (private) details of one read."""

    fields: tuple[str, ...]
    purpose: str
    application_number: str | None
    reason: str
    reader: Reader
    request_signature: RequestEvidence | None = None
    seal: Seal | None = None

    _KEYS = frozenset(
        {"fields", "purpose", "application_number", "reason", "reader", "request_signature", "seal"}
    )

    def __post_init__(self) -> None:
        if isinstance(self.fields, str | bytes):
            raise CommitmentError("fields must be a list of strings")
        fields = tuple(self.fields)
        if any(not isinstance(f, str) or not f for f in fields):
            raise CommitmentError("fields must be non-empty strings")
        if list(fields) != sorted(set(fields)):
            raise CommitmentError("fields must be sorted and unique")
        object.__setattr__(self, "fields", fields)
        _string(self.purpose, "purpose", empty=False)
        if self.application_number is not None:
            _string(self.application_number, "application_number")
        _string(self.reason, "reason")
        if not isinstance(self.reader, Reader):
            raise CommitmentError("reader must be a Reader")
        if self.request_signature is not None and not isinstance(
            self.request_signature, RequestEvidence
        ):
            raise CommitmentError("request_signature must be a RequestEvidence or None")
        if self.seal is not None and not isinstance(self.seal, Seal):
            raise CommitmentError("seal must be a Seal or None")
        try:
            self.to_bytes()
        except CanonicalJSONError as exc:
            raise CommitmentError(str(exc)) from None

    def to_json(self) -> dict[str, JSONValue]:
        """The details object."""
        return {
            "fields": list(self.fields),
            "purpose": self.purpose,
            "application_number": self.application_number,
            "reason": self.reason,
            "reader": self.reader.to_json(),
            "request_signature": (
                None if self.request_signature is None else self.request_signature.to_json()
            ),
            "seal": None if self.seal is None else self.seal.to_json(),
        }

    def to_bytes(self) -> bytes:
        """RFC 8785 canonical JSON (UTF-8): the committed bytes after the opening."""
        return canonicalize(self.to_json())

    @classmethod
    def from_json(cls, value: JSONValue) -> Details:
        """Parse a details object strictly: exact members and types."""
        obj = _object(value, cls._KEYS, "details")
        raw_fields = obj["fields"]
        if not isinstance(raw_fields, list):
            raise CommitmentError("fields must be a list of strings")
        app = obj["application_number"]
        rs = obj["request_signature"]
        seal = obj["seal"]
        return cls(
            fields=tuple(_string(f, "fields[]") for f in raw_fields),
            purpose=_string(obj["purpose"], "purpose"),
            application_number=None if app is None else _string(app, "application_number"),
            reason=_string(obj["reason"], "reason"),
            reader=Reader.from_json(obj["reader"]),
            request_signature=None if rs is None else RequestEvidence.from_json(rs),
            seal=None if seal is None else Seal.from_json(seal),
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Details:
        """Parse canonical details bytes (non-canonical bytes are refused)."""
        try:
            value = parse_canonical(data)
        except CanonicalJSONError as exc:
            raise CommitmentError(str(exc)) from None
        details = cls.from_json(value)
        if details.to_bytes() != data:
            raise CommitmentError("details bytes are not canonical")
        return details


def new_opening() -> bytes:
    """16 fresh random bytes from :mod:`secrets`."""
    return secrets.token_bytes(OPENING_LEN)


def commit(details: Details, opening: bytes) -> str:
    """SHA-256(prefix || opening || JCS(details)) as 64 lowercase hex characters."""
    if not isinstance(opening, bytes) or len(opening) != OPENING_LEN:
        raise CommitmentError(f"an opening is exactly {OPENING_LEN} bytes")
    return hashlib.sha256(COMMITMENT_PREFIX + opening + details.to_bytes()).hexdigest()


def verify_opening(details: Details, opening: bytes, commitment: str) -> bool:
    """True if ``details`` and ``opening`` open ``commitment``; False otherwise."""
    if not isinstance(commitment, str) or not _HEX64_RE.match(commitment):
        raise CommitmentError("commitment must be 64 lowercase hexadecimal digits")
    if not isinstance(opening, bytes) or len(opening) != OPENING_LEN:
        return False
    return hmac.compare_digest(commit(details, opening), commitment)
