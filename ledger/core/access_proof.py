"""``access-proof/v2``: one read of a person's data, provable offline to that person.

The file a person downloads from "who used my data" (docs/ledger-formats.md)::

    {
      "format": "access-proof/v2",
      "identifier": "<the person's identifier the labels are computed over>",
      "read": <part>,
      "sealed": null | <part>          # for a read that was sealed, then shown to the person
    }

    part = {
      "namespace": "person" | "sealed", "counter": <int>,
      "vrf_key": "<VRF key name+hash8>", "vrf_proof": "<hex, 80 bytes>",
      "entry": "<base64 entry bytes, format version 2>",
      "details": "<the committed details, canonical JSON text>",
      "opening": "<hex, 16 bytes>" | null,     # null: deleted, the details cannot be checked
      "tlog_proof": "<c2sp.org/tlog-proof@v1 text: index, audit path, co-signed checkpoint>"
    }

The file holds no key: :func:`verify_access_proof` checks it against the log, witness and VRF
keys the person supplies (from the portal's published keys, an auditor or a witness), never
against anything the file says about keys. For each part, in order:

1. the checkpoint carries a valid signature by a supplied log key and at least
   ``min_witnesses`` valid cosignatures by supplied witness keys (C2SP signed-note,
   tlog-checkpoint, tlog-cosignature);
2. the entry bytes are a version 2 entry whose label the VRF proof, under a supplied VRF key,
   proves for (namespace, identifier, counter) (RFC 9381 section 5.3, :mod:`ledger.core.label`);
3. the entry is included at the proof's index in that checkpoint's tree (RFC 6962 section
   2.1.1 / RFC 9162 section 2.1.3.2);
4. the details and opening open the entry's commitment (:mod:`ledger.core.commitment`);
5. a read entry that ``unseals`` another comes with that sealed entry (same index, namespace
   ``sealed``, a ``sealed_until`` date), and only such an entry does.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ledger.core.checkpoint import CheckpointError, open_checkpoint
from ledger.core.commitment import CommitmentError, Details, verify_opening
from ledger.core.entry import EntryError
from ledger.core.entry_v2 import EntryV2
from ledger.core.label import LabelError, verify_label
from ledger.core.merkle import leaf_hash
from ledger.core.notes import NoteError
from ledger.core.proofs import ProofError, verify_inclusion
from ledger.core.signing import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    KeyFormatError,
    VerifierKey,
    parse_vkey,
)
from ledger.core.tlog_proof import TlogProof, TlogProofError
from ledger.core.vrf import VRFPublicKey, parse_vrf_public

__all__ = [
    "ACCESS_PROOF_FORMAT",
    "AccessProofReport",
    "ProofPart",
    "access_proof_json",
    "verify_access_proof",
]

ACCESS_PROOF_FORMAT = "access-proof/v2"
_TOP_KEYS = frozenset({"format", "identifier", "read", "sealed"})
_PART_KEYS = frozenset(
    {"namespace", "counter", "vrf_key", "vrf_proof", "entry", "details", "opening", "tlog_proof"}
)


@dataclass(frozen=True)
class ProofPart:
    """One entry of an access proof with the private values that open it."""

    namespace: str
    counter: int
    vrf_key: str
    vrf_proof: bytes
    entry: bytes
    details: bytes
    opening: bytes | None
    tlog_proof: str

    def to_json(self) -> dict[str, object]:
        """The part object of the file."""
        return {
            "namespace": self.namespace,
            "counter": self.counter,
            "vrf_key": self.vrf_key,
            "vrf_proof": self.vrf_proof.hex(),
            "entry": base64.b64encode(self.entry).decode("ascii"),
            "details": self.details.decode("utf-8"),
            "opening": None if self.opening is None else self.opening.hex(),
            "tlog_proof": self.tlog_proof,
        }


def access_proof_json(*, identifier: str, read: ProofPart, sealed: ProofPart | None) -> bytes:
    """The ``access-proof/v2`` file (UTF-8 JSON, indented for a person to read)."""
    value = {
        "format": ACCESS_PROOF_FORMAT,
        "identifier": identifier,
        "read": read.to_json(),
        "sealed": None if sealed is None else sealed.to_json(),
    }
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@dataclass(frozen=True)
class AccessProofReport:
    """``ok``, or the failed check: ``code`` (stable, see docs/ledger.md) and ``message``."""

    ok: bool
    code: str
    message: str
    index: int | None = None

    @property
    def exit_code(self) -> int:
        """0 valid, 1 a check failed, 2 the file is not an access proof."""
        return 0 if self.ok else 2 if self.code == "malformed" else 1


class _Failure(Exception):
    def __init__(self, code: str, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.index = index


def _member(obj: Mapping[str, object], name: str, kind: type, where: str) -> object:
    value = obj.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Failure("malformed", f"{where}{name} must be a {kind.__name__}")
    return value


def _hex(text: object, where: str) -> bytes:
    try:
        return bytes.fromhex(str(text))
    except ValueError:
        raise _Failure("malformed", f"{where} is not hexadecimal") from None


def _parse_part(value: object, where: str) -> ProofPart:
    if not isinstance(value, dict) or set(value) != _PART_KEYS:
        raise _Failure("malformed", f"{where} must have exactly: {', '.join(sorted(_PART_KEYS))}")
    opening = value["opening"]
    try:
        entry = base64.b64decode(str(_member(value, "entry", str, where + ".")), validate=True)
    except (binascii.Error, ValueError):
        raise _Failure("malformed", f"{where}.entry is not base64") from None
    return ProofPart(
        namespace=str(_member(value, "namespace", str, where + ".")),
        counter=int(str(_member(value, "counter", int, where + "."))),
        vrf_key=str(_member(value, "vrf_key", str, where + ".")),
        vrf_proof=_hex(_member(value, "vrf_proof", str, where + "."), where + ".vrf_proof"),
        entry=entry,
        details=str(_member(value, "details", str, where + ".")).encode("utf-8"),
        opening=None if opening is None else _hex(opening, where + ".opening"),
        tlog_proof=str(_member(value, "tlog_proof", str, where + ".")),
    )


@dataclass(frozen=True)
class _Keys:
    log: list[VerifierKey]
    witnesses: list[VerifierKey]
    vrf: dict[str, VRFPublicKey]


def _keys(log_keys: Iterable[str], witness_keys: Iterable[str], vrf_keys: Iterable[str]) -> _Keys:
    try:
        notes = [parse_vkey(k) for k in [*log_keys, *witness_keys]]
        vrf = [parse_vrf_public(k) for k in vrf_keys]
    except (KeyFormatError, ValueError) as exc:
        raise _Failure("malformed", f"a supplied key is not valid: {exc}") from None
    return _Keys(
        log=[k for k in notes if k.alg == ALG_ED25519],
        witnesses=[k for k in notes if k.alg == ALG_COSIGNATURE_V1],
        vrf={k.key_id: k for k in vrf},
    )


def _check_part(
    part: ProofPart, identifier: str, keys: _Keys, min_witnesses: int
) -> tuple[int, EntryV2, int]:
    """Steps 1-4 for one part; returns (index, entry, witnesses that cosigned)."""
    try:
        proof = TlogProof.from_text(part.tlog_proof)
    except TlogProofError as exc:
        raise _Failure("malformed", f"the tlog-proof is not valid: {exc}") from None
    index = proof.index
    try:
        open_checkpoint(proof.checkpoint, keys.log)
    except (CheckpointError, NoteError) as exc:
        raise _Failure("checkpoint_signature", f"the checkpoint does not verify: {exc}") from None
    try:
        # C2SP signed-note: a signature by a known key that does not verify rejects the note.
        opened = open_checkpoint(proof.checkpoint, keys.log, keys.witnesses)
    except (CheckpointError, NoteError) as exc:
        msg = f"a witness cosignature does not verify: {exc}"
        raise _Failure("witness_signature", msg, index) from None
    cosigned = len(opened.cosignatures)
    if cosigned < min_witnesses:
        raise _Failure(
            "witness_quorum",
            f"the checkpoint has {cosigned} valid witness cosignature(s), {min_witnesses} required",
            index,
        )
    try:
        entry = EntryV2.from_bytes(part.entry)
    except EntryError as exc:
        msg = f"entry {index} is not a version 2 entry: {exc}"
        raise _Failure("entry_format", msg, index) from None
    vrf_key = keys.vrf.get(part.vrf_key)
    if vrf_key is None:
        raise _Failure(
            "vrf_key", f"entry {index}'s label is by VRF key {part.vrf_key}, not a supplied one"
        )
    try:
        verify_label(vrf_key, part.namespace, identifier, part.counter, entry.label, part.vrf_proof)
    except LabelError as exc:
        msg = f"entry {index}'s label is not this person's: {exc}"
        raise _Failure("label", msg, index) from None
    try:
        verify_inclusion(
            leaf_hash(part.entry),
            index,
            opened.checkpoint.size,
            opened.checkpoint.root_hash,
            proof.hashes,
        )
    except ProofError as exc:
        msg = f"entry {index} is not in the checkpoint: {exc}"
        raise _Failure("inclusion", msg, index) from None
    if part.opening is None:
        raise _Failure(
            "opening_deleted",
            f"entry {index}'s opening was deleted: its details can no longer be checked",
            index,
        )
    try:
        details = Details.from_bytes(part.details)
        opened_ok = verify_opening(details, part.opening, entry.commitment)
    except CommitmentError as exc:
        msg = f"entry {index}'s details are not valid: {exc}"
        raise _Failure("commitment", msg, index) from None
    if not opened_ok:
        raise _Failure(
            "commitment", f"entry {index}'s details and opening do not give its commitment", index
        )
    return index, entry, cosigned


def _verify(data: bytes, keys: _Keys, min_witnesses: int, identifier: str | None) -> str:
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _Failure("malformed", "the file is not JSON") from None
    if not isinstance(value, dict) or value.get("format") != ACCESS_PROOF_FORMAT:
        raise _Failure("malformed", f"the file is not an {ACCESS_PROOF_FORMAT} proof")
    if set(value) != _TOP_KEYS:
        raise _Failure("malformed", f"the proof must have exactly: {', '.join(sorted(_TOP_KEYS))}")
    who = str(_member(value, "identifier", str, ""))
    if identifier is not None and identifier != who:
        raise _Failure("identifier", "the proof is about another identifier than the one given")
    read = _parse_part(value["read"], "read")
    sealed = None if value["sealed"] is None else _parse_part(value["sealed"], "sealed")
    if read.namespace != "person":
        raise _Failure("label", "the read's label must be in the person's namespace")
    index, entry, cosigned = _check_part(read, who, keys, min_witnesses)
    if (entry.unseals is None) != (sealed is None):
        raise _Failure(
            "unseal_link",
            f"entry {index} "
            + ("unseals a sealed read that is missing" if sealed is None else "unseals nothing"),
            index,
        )
    summary = f"entry {index}: label, inclusion and details verify; {cosigned} witness(es)"
    if sealed is not None:
        if sealed.namespace != "sealed":
            raise _Failure("unseal_link", "the sealed read's label must be in namespace sealed")
        sealed_index, sealed_entry, _ = _check_part(sealed, who, keys, min_witnesses)
        if sealed_index != entry.unseals or sealed_entry.sealed_until is None:
            raise _Failure(
                "unseal_link", f"entry {index} does not point to this sealed read", index
            )
        until = sealed_entry.sealed_until
        summary += f"; unseals sealed entry {sealed_index} (sealed until {until})"
    return summary


def verify_access_proof(
    data: bytes,
    *,
    log_keys: Iterable[str],
    witness_keys: Iterable[str] = (),
    vrf_keys: Iterable[str],
    min_witnesses: int = 1,
    identifier: str | None = None,
) -> AccessProofReport:
    """Check an ``access-proof/v2`` file against the keys supplied (see the module docstring).

    ``identifier``, when given, must be the one the proof is about.
    """
    try:
        keys = _keys(log_keys, witness_keys, vrf_keys)
        if not keys.log:
            raise _Failure("malformed", "supply the log's key (a type 0x01 vkey)")
        if not keys.vrf:
            raise _Failure("malformed", "supply the VRF public key that made the labels")
        message = _verify(data, keys, min_witnesses, identifier)
    except _Failure as failure:
        return AccessProofReport(False, failure.code, failure.message, failure.index)
    return AccessProofReport(True, "valid", message)
