"""Export bundles (``ledger-bundle/v1``): a range of entries plus what is needed to verify it.

The JSON format is specified with a worked example in docs/ledger-formats.md::

    {
      "format": "ledger-bundle/v1",
      "origin": "<log origin = checkpoint origin line>",
      "keys": ["<vkey>", ...],          # log keys (type 0x01, old ones too), witness keys (0x04)
      "witnesses_required": <int>,
      "start": <first index>, "end": <last index + 1>,
      "prev": "<hex leaf hash of entry start-1, or 64 zeros when start == 0>",
      "entries": [{"index": i, "entry": "<base64 entry bytes>",
                   "key": "<log key name+keyhash>", "signature": "<base64 Ed25519>"}, ...],
      "checkpoint": "<signed note of a checkpoint of size >= end, with cosignatures>",
      "proof": ["<base64 hash>", ...]   # range proof, see ledger.core.proofs.prove_range
    }

The range proof lists the RFC 6962 subtrees outside the leaves [start - 1, end) (or [0, end)
when start is 0): leaf start - 1 is known to the verifier by its hash, ``prev``, which both
authenticates ``prev`` and connects the chain to the checkpoint.  A full export (start 0, end =
checkpoint size) has an empty proof.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass

from ledger.core.entry import ZERO_HASH_HEX
from ledger.core.merkle import HASH_SIZE, HashReader
from ledger.core.proofs import prove_range

__all__ = [
    "BUNDLE_FORMAT",
    "Bundle",
    "BundleEntry",
    "BundleFormatError",
    "build_bundle",
    "bundle_proof",
    "bundle_to_json",
    "parse_bundle",
]

BUNDLE_FORMAT = "ledger-bundle/v1"
_KEYS = frozenset(
    {
        "format",
        "origin",
        "keys",
        "witnesses_required",
        "start",
        "end",
        "prev",
        "entries",
        "checkpoint",
        "proof",
    }
)
_ENTRY_KEYS = frozenset({"index", "entry", "key", "signature"})


class BundleFormatError(ValueError):
    """The bundle cannot be read: not JSON, or not of the ledger-bundle/v1 shape."""


@dataclass(frozen=True)
class BundleEntry:
    """One exported entry: its index, canonical bytes, log key id and detached signature."""

    index: int
    data: bytes
    key: str
    signature: bytes


@dataclass(frozen=True)
class Bundle:
    """A parsed ``ledger-bundle/v1`` (shape checked; nothing verified yet)."""

    origin: str
    keys: tuple[str, ...]
    witnesses_required: int
    start: int
    end: int
    prev: str
    entries: tuple[BundleEntry, ...]
    checkpoint: str
    proof: tuple[bytes, ...]


def _enc(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def bundle_proof(start: int, end: int, tree_size: int, reader: HashReader) -> list[bytes]:
    """The range proof for a bundle of entries [start, end) against a tree of ``tree_size``.

    Proves the leaves [start - 1, end) (``prev`` stands for leaf start - 1), or [0, end).
    """
    return prove_range(max(start - 1, 0), end, tree_size, reader)


def build_bundle(
    *,
    origin: str,
    keys: Sequence[str],
    witnesses_required: int,
    start: int,
    prev: str,
    entries: Sequence[BundleEntry],
    checkpoint: str,
    proof: Sequence[bytes],
) -> dict[str, object]:
    """Assemble a ``ledger-bundle/v1`` JSON object (see the module docstring)."""
    return {
        "format": BUNDLE_FORMAT,
        "origin": origin,
        "keys": list(keys),
        "witnesses_required": witnesses_required,
        "start": start,
        "end": start + len(entries),
        "prev": prev,
        "entries": [
            {
                "index": e.index,
                "entry": _enc(e.data),
                "key": e.key,
                "signature": _enc(e.signature),
            }
            for e in entries
        ],
        "checkpoint": checkpoint,
        "proof": [_enc(h) for h in proof],
    }


def bundle_to_json(bundle: dict[str, object]) -> bytes:
    """Serialise a bundle object as UTF-8 JSON (one entry per line for readable diffs)."""
    return json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def _dup_check(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise BundleFormatError(f"duplicate JSON member {key!r}")
        out[key] = value
    return out


def _int(obj: dict[str, object], key: str, where: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BundleFormatError(f"{where}{key} must be a non-negative integer")
    return value


def _string(obj: dict[str, object], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise BundleFormatError(f"{where}{key} must be a string")
    return value


def _decode(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise BundleFormatError(f"{what} must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BundleFormatError(f"{what} is not valid base64") from None


def parse_bundle(data: bytes | str | dict[str, object]) -> Bundle:
    """Parse and shape-check a bundle; raise :class:`BundleFormatError` when unreadable."""
    obj: object
    if isinstance(data, dict):
        obj = data
    else:
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            obj = json.loads(text, object_pairs_hook=_dup_check)
        except UnicodeDecodeError:
            raise BundleFormatError("bundle is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise BundleFormatError(f"bundle is not valid JSON: {exc.msg} at {exc.pos}") from None
        except (RecursionError, ValueError) as exc:
            raise BundleFormatError(f"bundle is not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise BundleFormatError("bundle must be a JSON object")
    if obj.get("format") != BUNDLE_FORMAT:
        raise BundleFormatError(f"bundle format must be {BUNDLE_FORMAT!r}")
    unknown = sorted(str(k) for k in set(obj) - _KEYS)
    if unknown:
        raise BundleFormatError(f"bundle has unknown member(s): {', '.join(unknown)}")
    missing = sorted(_KEYS - set(obj))
    if missing:
        raise BundleFormatError(f"bundle is missing member(s): {', '.join(missing)}")
    origin = _string(obj, "origin", "")
    keys = obj["keys"]
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise BundleFormatError("keys must be a list of vkey strings")
    witnesses_required = _int(obj, "witnesses_required", "")
    start = _int(obj, "start", "")
    end = _int(obj, "end", "")
    prev = _string(obj, "prev", "")
    if len(prev) != 64 or any(c not in "0123456789abcdef" for c in prev):
        raise BundleFormatError("prev must be 64 lowercase hexadecimal digits")
    if start == 0 and prev != ZERO_HASH_HEX:
        raise BundleFormatError("prev must be 64 zeros when start is 0")
    checkpoint = _string(obj, "checkpoint", "")
    raw_entries = obj["entries"]
    if not isinstance(raw_entries, list):
        raise BundleFormatError("entries must be a list")
    if not raw_entries:
        raise BundleFormatError("bundle has no entries")
    if end != start + len(raw_entries):
        raise BundleFormatError(
            f"end ({end}) must be start ({start}) plus the number of entries ({len(raw_entries)})"
        )
    entries = []
    for pos, item in enumerate(raw_entries):
        where = f"entries[{pos}]."
        if not isinstance(item, dict) or set(item) != _ENTRY_KEYS:
            raise BundleFormatError(
                f"entries[{pos}] must be an object with index, entry, key and signature"
            )
        entries.append(
            BundleEntry(
                index=_int(item, "index", where),
                data=_decode(item["entry"], f"{where}entry"),
                key=_string(item, "key", where),
                signature=_decode(item["signature"], f"{where}signature"),
            )
        )
    raw_proof = obj["proof"]
    if not isinstance(raw_proof, list):
        raise BundleFormatError("proof must be a list of base64 hashes")
    proof = []
    for i, h in enumerate(raw_proof):
        value = _decode(h, f"proof[{i}]")
        if len(value) != HASH_SIZE:
            raise BundleFormatError(f"proof[{i}] must be a 32-byte hash")
        proof.append(value)
    return Bundle(
        origin=origin,
        keys=tuple(keys),
        witnesses_required=witnesses_required,
        start=start,
        end=end,
        prev=prev,
        entries=tuple(entries),
        checkpoint=checkpoint,
        proof=tuple(proof),
    )
