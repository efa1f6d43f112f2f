"""``data-uses-completeness/v1``: proof that a person's listed reads are all the recorded ones.

What a person's browser fetches on "who used my data" and what they can download and check
offline (``python -m ledger.verify --completeness FILE``). docs/ledger.md, "Completeness"::

    {
      "format": "data-uses-completeness/v1",
      "identifier": "<the person's identifier the labels are computed over>",
      "namespace": "person",
      "log_checkpoint": "<co-signed access-log checkpoint note>",
      "log_consistency": null | {"from": M, "to": N, "hashes": ["<base64>", ...]},
      "index_checkpoint": "<co-signed index-log checkpoint note>",
      "index_leaf": "<base64 index-log leaf, ledger.core.index_log.IndexLeaf>",
      "index_inclusion": ["<base64>", ...],
      "reads": [{"counter": 0, "vrf_key": "<name+hash8>", "vrf_proof": "<base64>",
                 "index": <entry index>, "leaf_hash": "<base64 entry leaf hash>"}, ...],
      "probes": [{"counter": n, "vrf_key": "<name+hash8>", "vrf_proof": "<base64>"}, ...],
      "proof": "<base64 batch proof of the label index, docs/ledger-formats.md 8.3>"
    }

Checks, in order (each failure has a code):

1. ``index_checkpoint``: signed by a supplied index-log key, its origin that key's name, and
   ``min_witnesses`` valid cosignatures by supplied witness keys (the witnesses audit the
   index before they co-sign) — ``index_checkpoint_signature``, ``witness_signature``,
   ``witness_quorum``;
2. ``index_leaf`` is a leaf (``index_leaf``) included at its epoch in that checkpoint's tree
   (``index_inclusion``);
3. ``log_checkpoint`` verifies like 1 with the access-log keys, and the leaf binds it or a tree
   consistent with it: same size and root, or an RFC 6962 consistency proof between the two
   (``log_binding``);
4. the reads' counters are exactly 0 … n-1 (``counters``), each VRF proof under a supplied VRF
   key gives the label of (namespace, identifier, counter) (``vrf_key``, ``label``), and each
   read's entry index is inside the tree the leaf binds;
5. the probes cover :func:`required_probes` (n, the next four, every power of two above them
   up to :data:`MAX_PROBE`) (``probes``), with valid VRF proofs;
6. the batch proof shows every read's label in the index with its entry index and leaf hash,
   and every probe's label absent, against the leaf's index root (``index_proof``).

Then the n reads are all the reads of this person (in this namespace) that the access log held
when the epoch was built, as far as the supplied witnesses audited the index.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from ledger.core.checkpoint import CheckpointError, OpenedCheckpoint, open_checkpoint
from ledger.core.index_log import IndexLeaf, IndexLeafError
from ledger.core.label import LabelError, label_from_proof
from ledger.core.notes import NoteError
from ledger.core.prefix_tree import IndexValue, PrefixProofError, verify_batch
from ledger.core.proofs import ProofError, verify_consistency, verify_inclusion
from ledger.core.signing import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    KeyFormatError,
    VerifierKey,
    parse_vkey,
)
from ledger.core.vrf import VRFPublicKey, parse_vrf_public

__all__ = [
    "COMPLETENESS_FORMAT",
    "MAX_PROBE",
    "NEXT_PROBES",
    "CompletenessReport",
    "required_probes",
    "verify_completeness",
]

COMPLETENESS_FORMAT = "data-uses-completeness/v1"
#: The counters right after the last read whose absence is checked (n, n+1, … n+4).
NEXT_PROBES = 5
#: Every power of two above those, up to this one, is checked too (a skipped counter).
MAX_PROBE = 2**16
_TOP_KEYS = frozenset(
    {
        "format",
        "identifier",
        "namespace",
        "log_checkpoint",
        "log_consistency",
        "index_checkpoint",
        "index_leaf",
        "index_inclusion",
        "reads",
        "probes",
        "proof",
    }
)


def required_probes(n: int) -> list[int]:
    """The counters that must be proven absent for a person with ``n`` reads (0 … n-1)."""
    probes = list(range(n, n + NEXT_PROBES))
    power = 1
    while power <= MAX_PROBE:
        if power >= n + NEXT_PROBES:
            probes.append(power)
        power *= 2
    return probes


@dataclass(frozen=True)
class CompletenessReport:
    ok: bool
    code: str
    message: str
    reads: int = 0
    epoch: int | None = None
    time: int | None = None
    log_size: int | None = None

    @property
    def exit_code(self) -> int:
        if self.ok:
            return 0
        return 2 if self.code == "malformed" else 1

    @property
    def time_text(self) -> str:
        if self.time is None:
            return ""
        return dt.datetime.fromtimestamp(self.time, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Failure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _b64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise _Failure("malformed", f"{what} must be base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _Failure("malformed", f"{what} is not base64") from None


def _int(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _Failure("malformed", f"{what} must be a whole number")
    return value


def _open(
    note: object, logs: list[VerifierKey], witnesses: list[VerifierKey], min_witnesses: int,
    code: str,
) -> OpenedCheckpoint:  # fmt: skip
    if not isinstance(note, str):
        raise _Failure("malformed", "a checkpoint must be a signed note")
    try:
        opened = open_checkpoint(note, logs)
    except (CheckpointError, NoteError) as exc:
        raise _Failure(code, f"the checkpoint does not verify: {exc}") from None
    if opened.checkpoint.origin not in {k.name for k in logs}:
        raise _Failure(code, f"the checkpoint is of another log ({opened.checkpoint.origin})")
    try:
        opened = open_checkpoint(note, logs, witnesses)
    except (CheckpointError, NoteError) as exc:
        raise _Failure("witness_signature", f"a cosignature does not verify: {exc}") from None
    if len(opened.cosignatures) < min_witnesses:
        raise _Failure(
            "witness_quorum",
            f"{len(opened.cosignatures)} valid witness cosignature(s), {min_witnesses} required",
        )
    return opened


def _labels(
    items: object, what: str, identifier: str, namespace: str, vrf: dict[str, VRFPublicKey]
) -> list[tuple[int, bytes, dict[str, object]]]:
    if not isinstance(items, list):
        raise _Failure("malformed", f"{what} must be a list")
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise _Failure("malformed", f"each of {what} must be an object")
        counter = _int(item.get("counter"), "a counter")
        key = vrf.get(str(item.get("vrf_key")))
        if key is None:
            raise _Failure(
                "vrf_key", f"counter {counter}'s label is by VRF key {item.get('vrf_key')}, "
                "not a supplied one"
            )  # fmt: skip
        proof = _b64(item.get("vrf_proof"), "a VRF proof")
        try:
            label = label_from_proof(key, namespace, identifier, counter, proof)
        except LabelError as exc:
            raise _Failure(
                "label", f"counter {counter}'s VRF proof does not verify: {exc}"
            ) from None
        out.append((counter, bytes.fromhex(label), item))
    return out


def _verify(
    data: bytes,
    *,
    logs: list[VerifierKey],
    index_logs: list[VerifierKey],
    witnesses: list[VerifierKey],
    vrf: dict[str, VRFPublicKey],
    min_witnesses: int,
    identifier: str | None,
) -> CompletenessReport:
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _Failure("malformed", "the file is not JSON") from None
    if not isinstance(value, dict) or value.get("format") != COMPLETENESS_FORMAT:
        raise _Failure("malformed", f"the file is not a {COMPLETENESS_FORMAT} proof")
    if set(value) != _TOP_KEYS:
        raise _Failure("malformed", f"the proof must have exactly: {', '.join(sorted(_TOP_KEYS))}")
    who = value["identifier"]
    namespace = value["namespace"]
    if not isinstance(who, str) or namespace != "person":
        raise _Failure("malformed", "identifier is text and namespace is person")
    if identifier is not None and identifier != who:
        raise _Failure("identifier", "the proof is about another identifier than the one given")
    # 1, 2: the index checkpoint and the leaf.
    index_cp = _open(
        value["index_checkpoint"], index_logs, witnesses, min_witnesses,
        "index_checkpoint_signature",
    )  # fmt: skip
    try:
        leaf = IndexLeaf.from_bytes(_b64(value["index_leaf"], "index_leaf"))
    except IndexLeafError as exc:
        raise _Failure("index_leaf", str(exc)) from None
    inclusion = value["index_inclusion"]
    if not isinstance(inclusion, list):
        raise _Failure("malformed", "index_inclusion must be a list")
    try:
        verify_inclusion(
            leaf.leaf_hash,
            leaf.epoch,
            index_cp.checkpoint.size,
            index_cp.checkpoint.root_hash,
            [_b64(h, "an inclusion hash") for h in inclusion],
        )
    except ProofError as exc:
        raise _Failure(
            "index_inclusion", f"epoch {leaf.epoch} is not in the index checkpoint: {exc}"
        ) from None
    # 3: the access-log checkpoint the rows were checked against, and the leaf's binding.
    log_cp = _open(value["log_checkpoint"], logs, witnesses, min_witnesses, "checkpoint_signature")
    size, root = log_cp.checkpoint.size, log_cp.checkpoint.root_hash
    consistency = value["log_consistency"]
    if size == leaf.log_size:
        if root != leaf.log_root:
            raise _Failure("log_binding", "the index epoch binds another access-log root")
    else:
        if not isinstance(consistency, dict):
            raise _Failure("log_binding", "no consistency proof between the two access-log trees")
        first, second = sorted((size, leaf.log_size))
        if (consistency.get("from"), consistency.get("to")) != (first, second):
            raise _Failure("log_binding", "the consistency proof is between other tree sizes")
        hashes = consistency.get("hashes")
        if not isinstance(hashes, list):
            raise _Failure("malformed", "log_consistency.hashes must be a list")
        roots = (root, leaf.log_root) if size < leaf.log_size else (leaf.log_root, root)
        try:
            verify_consistency(first, second, *roots, [_b64(h, "a hash") for h in hashes])
        except ProofError as exc:
            raise _Failure(
                "log_binding",
                f"the index epoch's access log is not consistent with the checkpoint: {exc}",
            ) from None
    # 4, 5: the labels.
    reads = _labels(value["reads"], "reads", who, namespace, vrf)
    counters = [c for c, _, _ in reads]
    if counters != list(range(len(reads))):
        raise _Failure(
            "counters",
            f"the reads' counters are {counters[:8]}…, not 0 to {len(reads) - 1}: a counter is "
            "missing or repeated",
        )
    members: dict[bytes, IndexValue] = {}
    for counter, label, item in reads:
        index = _int(item.get("index"), "an entry index")
        if index >= leaf.log_size:
            raise _Failure("index_proof", f"read {counter} is beyond the epoch's access log")
        leaf_hash = _b64(item.get("leaf_hash"), "a leaf hash")
        if len(leaf_hash) != 32:
            raise _Failure("malformed", "a leaf hash is 32 bytes")
        members[label] = IndexValue(index, leaf_hash)
    probes = _labels(value["probes"], "probes", who, namespace, vrf)
    missing = sorted(set(required_probes(len(reads))) - {c for c, _, _ in probes})
    if missing:
        raise _Failure("probes", f"no proof that counter {missing[0]} is absent")
    # 6: the batch proof against the epoch's index root.
    try:
        verify_batch(
            leaf.index_root,
            members,
            [label for _, label, _ in probes],
            _b64(value["proof"], "proof"),
        )
    except PrefixProofError as exc:
        raise _Failure("index_proof", f"the label index proof does not verify: {exc}") from None
    n = len(reads)
    what = "no recorded reads" if n == 0 else f"{n} recorded read(s), counters 0..{n - 1}"
    report = CompletenessReport(True, "valid", "", n, leaf.epoch, leaf.time, leaf.log_size)
    message = (
        f"{what}: all the reads of this person in index epoch {leaf.epoch} (access log of "
        f"{leaf.log_size} entries, {report.time_text}); counters {probes[0][0]} and "
        f"{len(probes) - 1} probe(s) up to {max(c for c, _, _ in probes)} absent; "
        f"{len(index_cp.cosignatures)} witness(es) audited the index"
    )
    return CompletenessReport(True, "valid", message, n, leaf.epoch, leaf.time, leaf.log_size)


def verify_completeness(
    data: bytes,
    *,
    log_keys: Iterable[str],
    index_keys: Iterable[str],
    witness_keys: Iterable[str] = (),
    vrf_keys: Iterable[str],
    min_witnesses: int = 1,
    identifier: str | None = None,
) -> CompletenessReport:
    """Check a ``data-uses-completeness/v1`` proof against the keys supplied (module docstring)."""
    try:
        try:
            notes = [parse_vkey(k) for k in [*log_keys, *witness_keys]]
            index_logs = [parse_vkey(k) for k in index_keys]
            vrf = {k.key_id: k for k in (parse_vrf_public(v) for v in vrf_keys)}
        except (KeyFormatError, ValueError) as exc:
            raise _Failure("malformed", f"a supplied key is not valid: {exc}") from None
        logs = [k for k in notes if k.alg == ALG_ED25519]
        witnesses = [k for k in notes if k.alg == ALG_COSIGNATURE_V1]
        if not logs or not index_logs or any(k.alg != ALG_ED25519 for k in index_logs):
            raise _Failure("malformed", "supply the access log's and the index log's keys")
        if not vrf:
            raise _Failure("malformed", "supply the VRF public key that made the labels")
        return _verify(
            data,
            logs=logs,
            index_logs=index_logs,
            witnesses=witnesses,
            vrf=vrf,
            min_witnesses=min_witnesses,
            identifier=identifier,
        )
    except _Failure as failure:
        return CompletenessReport(False, failure.code, failure.message)
