"""Ledger entries, format version 1: RFC 8785 canonical JSON, hash-chained, signed by the log.

An entry records one cross-department data access (granted or refused).  It holds references,
never personal data: the subject is an HMAC-SHA-256 of its identifier under a deployment secret.
``prev`` is the RFC 6962 leaf hash of the previous entry (64 zeros for entry 0), which chains
the entries; the entry bytes are also the Merkle leaf data.  See docs/ledger-formats.md.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ledger.core.encoding import CanonicalJSONError, JSONValue, canonicalize, parse_canonical
from ledger.core.merkle import leaf_hash
from ledger.core.signing import ALG_ED25519, SigningKey, VerifierKey

__all__ = [
    "ENTRY_VERSION",
    "OUTCOMES",
    "ZERO_HASH_HEX",
    "Actor",
    "Entry",
    "EntryError",
    "RequestSignature",
    "entry_leaf_hash",
    "format_time",
    "sign_entry",
    "subject_hash",
    "verify_entry_signature",
]

ENTRY_VERSION = 1
ZERO_HASH_HEX = "0" * 64
OUTCOMES = ("granted", "refused")

_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")


class EntryError(ValueError):
    """Entry bytes or values are not a valid version 1 ledger entry."""


def format_time(moment: datetime) -> str:
    """RFC 3339 UTC time with microseconds and ``Z``, e.g. ``2025-01-31T08:00:00.000000Z``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EntryError("entry time must be an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _check_time(value: str) -> None:
    if not _TIME_RE.match(value):
        raise EntryError("time must be RFC 3339 UTC like 2025-01-31T08:00:00.000000Z")
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        raise EntryError(f"time {value!r} is not a valid date and time") from None


def subject_hash(secret: bytes, identifier: str) -> str:
    """Keyed hash of a subject identifier: lowercase hex HMAC-SHA-256 (RFC 2104)."""
    if not secret:
        raise EntryError("the subject hash secret must not be empty")
    return hmac.new(secret, identifier.encode("utf-8"), hashlib.sha256).hexdigest()


def _str(obj: Mapping[str, JSONValue], key: str, where: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise EntryError(f"{where}{key} must be a string")
    return value


def _opt_str(obj: Mapping[str, JSONValue], key: str, where: str) -> str | None:
    value = obj[key]
    if value is not None and not isinstance(value, str):
        raise EntryError(f"{where}{key} must be a string or null")
    return value


def _exact_keys(obj: JSONValue, keys: frozenset[str], where: str) -> dict[str, JSONValue]:
    if not isinstance(obj, dict):
        raise EntryError(f"{where or 'entry'} must be a JSON object")
    unknown = sorted(set(obj) - keys)
    if unknown:
        raise EntryError(f"{where or 'entry'} has unknown field(s): {', '.join(unknown)}")
    missing = sorted(keys - set(obj))
    if missing:
        raise EntryError(f"{where or 'entry'} is missing field(s): {', '.join(missing)}")
    return obj


@dataclass(frozen=True)
class Actor:
    """Who read: the department, and the staff user id or the API client (system) id."""

    department: str
    user: str | None = None
    system: str | None = None

    _KEYS = frozenset({"department", "user", "system"})

    def __post_init__(self) -> None:
        if not isinstance(self.department, str) or not self.department:
            raise EntryError("actor.department must be a non-empty string")
        for name in ("user", "system"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise EntryError(f"actor.{name} must be a string or null")
        if self.user is None and self.system is None:
            raise EntryError("actor needs a user or a system")

    def to_json(self) -> dict[str, JSONValue]:
        """The JSON object for this actor."""
        return {"department": self.department, "user": self.user, "system": self.system}

    @classmethod
    def from_json(cls, value: JSONValue) -> Actor:
        """Parse and validate the actor object."""
        obj = _exact_keys(value, cls._KEYS, "actor")
        return cls(
            department=_str(obj, "department", "actor."),
            user=_opt_str(obj, "user", "actor."),
            system=_opt_str(obj, "system", "actor."),
        )


@dataclass(frozen=True)
class RequestSignature:
    """The RFC 9421 HTTP message signature a department system sent with its request."""

    keyid: str
    alg: str
    signature_input: str
    signature: str
    digest: str

    _KEYS = frozenset({"keyid", "alg", "signature_input", "signature", "digest"})

    def __post_init__(self) -> None:
        for name in sorted(self._KEYS):
            if not isinstance(getattr(self, name), str):
                raise EntryError(f"request_signature.{name} must be a string")

    def to_json(self) -> dict[str, JSONValue]:
        """The JSON object for this request signature."""
        return {
            "keyid": self.keyid,
            "alg": self.alg,
            "signature_input": self.signature_input,
            "signature": self.signature,
            "digest": self.digest,
        }

    @classmethod
    def from_json(cls, value: JSONValue) -> RequestSignature:
        """Parse and validate the request signature object."""
        obj = _exact_keys(value, cls._KEYS, "request_signature")
        w = "request_signature."
        return cls(
            keyid=_str(obj, "keyid", w),
            alg=_str(obj, "alg", w),
            signature_input=_str(obj, "signature_input", w),
            signature=_str(obj, "signature", w),
            digest=_str(obj, "digest", w),
        )


@dataclass(frozen=True)
class Entry:
    """A version 1 ledger entry.  ``to_bytes`` is its RFC 8785 canonical JSON."""

    time: str
    actor: Actor
    dataset: str
    fields: tuple[str, ...]
    purpose: str
    application: str | None
    outcome: str
    reason: str
    subject: str
    prev: str
    request_signature: RequestSignature | None = None
    v: int = ENTRY_VERSION
    _bytes: bytes = field(init=False, repr=False, compare=False)

    _KEYS = frozenset(
        {
            "v",
            "time",
            "actor",
            "dataset",
            "fields",
            "purpose",
            "application",
            "outcome",
            "reason",
            "subject",
            "prev",
            "request_signature",
        }
    )

    def __post_init__(self) -> None:
        if self.v != ENTRY_VERSION or isinstance(self.v, bool):
            raise EntryError(f"unsupported entry version {self.v!r} (expected {ENTRY_VERSION})")
        if not isinstance(self.time, str):
            raise EntryError("time must be a string")
        _check_time(self.time)
        if not isinstance(self.actor, Actor):
            raise EntryError("actor must be an Actor")
        if not isinstance(self.dataset, str) or not self.dataset:
            raise EntryError("dataset must be a non-empty string")
        fields = tuple(self.fields)
        if any(not isinstance(f, str) or not f for f in fields):
            raise EntryError("fields must be non-empty strings")
        if list(fields) != sorted(set(fields)):
            raise EntryError("fields must be sorted and unique")
        object.__setattr__(self, "fields", fields)
        if not isinstance(self.purpose, str) or not self.purpose:
            raise EntryError("purpose must be a non-empty string")
        if self.application is not None and not isinstance(self.application, str):
            raise EntryError("application must be a string or null")
        if self.outcome not in OUTCOMES:
            raise EntryError(f"outcome must be one of {', '.join(OUTCOMES)}")
        if not isinstance(self.reason, str):
            raise EntryError("reason must be a string")
        if self.outcome == "refused" and not self.reason:
            raise EntryError("a refused access needs a reason code")
        for name in ("subject", "prev"):
            value = getattr(self, name)
            if not isinstance(value, str) or not _HEX64_RE.match(value):
                raise EntryError(f"{name} must be 64 lowercase hexadecimal digits")
        if self.request_signature is not None and not isinstance(
            self.request_signature, RequestSignature
        ):
            raise EntryError("request_signature must be a RequestSignature or None")
        try:
            data = canonicalize(self.to_json())
        except CanonicalJSONError as exc:
            raise EntryError(str(exc)) from None
        object.__setattr__(self, "_bytes", data)

    def to_json(self) -> dict[str, JSONValue]:
        """The entry as a JSON object (before canonicalisation)."""
        return {
            "v": self.v,
            "time": self.time,
            "actor": self.actor.to_json(),
            "dataset": self.dataset,
            "fields": list(self.fields),
            "purpose": self.purpose,
            "application": self.application,
            "outcome": self.outcome,
            "reason": self.reason,
            "subject": self.subject,
            "prev": self.prev,
            "request_signature": (
                None if self.request_signature is None else self.request_signature.to_json()
            ),
        }

    def to_bytes(self) -> bytes:
        """RFC 8785 canonical JSON bytes: the signed message and the Merkle leaf data."""
        return self._bytes

    def leaf_hash(self) -> bytes:
        """RFC 6962 leaf hash SHA-256(0x00 || entry bytes)."""
        return leaf_hash(self._bytes)

    @classmethod
    def from_bytes(cls, data: bytes) -> Entry:
        """Parse entry bytes strictly: canonical JSON, version 1, exact fields and types."""
        try:
            value = parse_canonical(data)
        except CanonicalJSONError as exc:
            raise EntryError(str(exc)) from None
        obj = _exact_keys(value, cls._KEYS, "")
        version = obj["v"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise EntryError("v must be an integer")
        if version != ENTRY_VERSION:
            raise EntryError(f"unsupported entry version {version} (expected {ENTRY_VERSION})")
        raw_fields = obj["fields"]
        if not isinstance(raw_fields, list) or not all(isinstance(f, str) for f in raw_fields):
            raise EntryError("fields must be a list of strings")
        rs = obj["request_signature"]
        entry = cls(
            v=version,
            time=_str(obj, "time", ""),
            actor=Actor.from_json(obj["actor"]),
            dataset=_str(obj, "dataset", ""),
            fields=tuple(f for f in raw_fields if isinstance(f, str)),
            purpose=_str(obj, "purpose", ""),
            application=_opt_str(obj, "application", ""),
            outcome=_str(obj, "outcome", ""),
            reason=_str(obj, "reason", ""),
            subject=_str(obj, "subject", ""),
            prev=_str(obj, "prev", ""),
            request_signature=None if rs is None else RequestSignature.from_json(rs),
        )
        if entry.to_bytes() != data:
            raise EntryError("entry bytes are not canonical")
        return entry


def entry_leaf_hash(data: bytes) -> str:
    """Lowercase hex RFC 6962 leaf hash of entry bytes (the next entry's ``prev``)."""
    return leaf_hash(data).hex()


def sign_entry(data: bytes, key: SigningKey) -> bytes:
    """Detached Ed25519 (RFC 8032) signature by the log key over the entry bytes."""
    if key.alg != ALG_ED25519:
        raise EntryError("entries are signed with an Ed25519 (type 0x01) log key")
    return key.sign(data)


def verify_entry_signature(data: bytes, signature: bytes, key: VerifierKey) -> bool:
    """Check a detached Ed25519 log signature over the entry bytes."""
    return key.alg == ALG_ED25519 and key.verify(data, signature)
