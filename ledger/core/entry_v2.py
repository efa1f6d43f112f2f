"""Ledger entries, format version 2: public, countable, and linking no one.

A version 2 entry is the RFC 8785 canonical JSON of exactly::

    {"v": 2, "time", "department", "dataset", "outcome", "label", "commitment", "prev"}

plus, on a sealed read only, ``sealed_until`` (a date ``YYYY-MM-DD``: the public promise of when
the person will be shown it; its label is in namespace ``sealed``), or, on the entry that later
opens a sealed read to the person, ``unseals`` (the sealed entry's index; its label is in the
person's namespace).  Never both.

``department``, ``dataset`` and ``outcome`` let anyone count reads; ``label`` is a VRF output
(:mod:`ledger.core.label`) that only the person (with its proof) can tie to themselves;
``commitment`` (:mod:`ledger.core.commitment`) hides the details (fields, purpose,
application number, reason, reader, request-signature evidence).  Nothing in it names or links
a person.  ``prev``, the leaf hash and the log signature are as in version 1
(:mod:`ledger.core.entry`, whose helpers this module reuses).  See docs/ledger-formats.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ledger.core.encoding import CanonicalJSONError, JSONValue, canonicalize, parse_canonical
from ledger.core.entry import (
    OUTCOMES,
    ZERO_HASH_HEX,
    Entry,
    EntryError,
    _check_time,
    _exact_keys,
    _str,
    entry_leaf_hash,
    format_time,
    sign_entry,
    verify_entry_signature,
)
from ledger.core.merkle import leaf_hash

__all__ = [
    "ENTRY_V2_VERSION",
    "OUTCOMES",
    "ZERO_HASH_HEX",
    "EntryError",
    "EntryV2",
    "entry_leaf_hash",
    "entry_version",
    "format_time",
    "parse_entry",
    "sign_entry",
    "verify_entry_signature",
]

ENTRY_V2_VERSION = 2
_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
_DATE_RE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
_MAX_INDEX = 2**53 - 1


@dataclass(frozen=True)
class EntryV2:
    """A version 2 public ledger entry.  ``to_bytes`` is its RFC 8785 canonical JSON."""

    time: str
    department: str
    dataset: str
    outcome: str
    label: str
    commitment: str
    prev: str
    sealed_until: str | None = None
    unseals: int | None = None
    v: int = ENTRY_V2_VERSION
    _bytes: bytes = field(init=False, repr=False, compare=False)

    _KEYS = frozenset(
        {"v", "time", "department", "dataset", "outcome", "label", "commitment", "prev"}
    )
    _OPTIONAL = frozenset({"sealed_until", "unseals"})

    def __post_init__(self) -> None:
        if isinstance(self.v, bool) or self.v != ENTRY_V2_VERSION:
            raise EntryError(f"unsupported entry version {self.v!r} (expected 2)")
        if not isinstance(self.time, str):
            raise EntryError("time must be a string")
        _check_time(self.time)
        for name in ("department", "dataset"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise EntryError(f"{name} must be a non-empty string")
        if self.outcome not in OUTCOMES:
            raise EntryError(f"outcome must be one of {', '.join(OUTCOMES)}")
        for name in ("label", "commitment", "prev"):
            value = getattr(self, name)
            if not isinstance(value, str) or not _HEX64_RE.match(value):
                raise EntryError(f"{name} must be 64 lowercase hexadecimal digits")
        if self.sealed_until is not None and self.unseals is not None:
            raise EntryError("an entry is either sealed or unseals one, not both")
        if self.sealed_until is not None and (
            not isinstance(self.sealed_until, str) or not _DATE_RE.match(self.sealed_until)
        ):
            raise EntryError("sealed_until must be a date YYYY-MM-DD")
        if self.unseals is not None and (
            not isinstance(self.unseals, int)
            or isinstance(self.unseals, bool)
            or not 0 <= self.unseals <= _MAX_INDEX
        ):
            raise EntryError("unseals must be an entry index (a non-negative integer)")
        try:
            data = canonicalize(self.to_json())
        except CanonicalJSONError as exc:
            raise EntryError(str(exc)) from None
        object.__setattr__(self, "_bytes", data)

    def to_json(self) -> dict[str, JSONValue]:
        """The entry as a JSON object (before canonicalisation)."""
        value: dict[str, JSONValue] = {
            "v": self.v,
            "time": self.time,
            "department": self.department,
            "dataset": self.dataset,
            "outcome": self.outcome,
            "label": self.label,
            "commitment": self.commitment,
            "prev": self.prev,
        }
        if self.sealed_until is not None:
            value["sealed_until"] = self.sealed_until
        if self.unseals is not None:
            value["unseals"] = self.unseals
        return value

    def to_bytes(self) -> bytes:
        """RFC 8785 canonical JSON bytes: the signed message and the Merkle leaf data."""
        return self._bytes

    def leaf_hash(self) -> bytes:
        """RFC 6962 leaf hash SHA-256(0x00 || entry bytes)."""
        return leaf_hash(self._bytes)

    @classmethod
    def from_bytes(cls, data: bytes) -> EntryV2:
        """Parse entry bytes strictly: canonical JSON, version 2, exact fields and types."""
        try:
            value = parse_canonical(data)
        except CanonicalJSONError as exc:
            raise EntryError(str(exc)) from None
        present = cls._KEYS | (cls._OPTIONAL & set(value if isinstance(value, dict) else ()))
        obj = _exact_keys(value, present, "")
        version = obj["v"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise EntryError("v must be an integer")
        if version != ENTRY_V2_VERSION:
            raise EntryError(f"unsupported entry version {version} (expected 2)")
        entry = cls(
            v=version,
            time=_str(obj, "time", ""),
            department=_str(obj, "department", ""),
            dataset=_str(obj, "dataset", ""),
            outcome=_str(obj, "outcome", ""),
            label=_str(obj, "label", ""),
            commitment=_str(obj, "commitment", ""),
            prev=_str(obj, "prev", ""),
            sealed_until=_str(obj, "sealed_until", "") if "sealed_until" in obj else None,
            unseals=_index(obj["unseals"]) if "unseals" in obj else None,
        )
        if entry.to_bytes() != data:
            raise EntryError("entry bytes are not canonical")
        return entry


def _index(value: JSONValue) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise EntryError("unseals must be an integer")
    return value


def entry_version(data: bytes) -> int:
    """The ``v`` of canonical entry bytes (1 or 2), so a reader can pick the parser."""
    try:
        value = parse_canonical(data)
    except CanonicalJSONError as exc:
        raise EntryError(str(exc)) from None
    if not isinstance(value, dict):
        raise EntryError("entry must be a JSON object")
    version = value.get("v")
    if not isinstance(version, int) or isinstance(version, bool) or version not in (1, 2):
        raise EntryError(f"unsupported entry version {version!r} (expected 1 or 2)")
    return version


def parse_entry(data: bytes) -> Entry | EntryV2:
    """Parse entry bytes of either version strictly (``Entry`` for 1, ``EntryV2`` for 2).

    In canonical JSON the members are sorted, and ``v`` sorts last in both formats, so the
    version is read off the end of the bytes; the chosen parser then checks everything.
    """
    if data.endswith(b',"v":2}'):
        return EntryV2.from_bytes(data)
    return Entry.from_bytes(data)
