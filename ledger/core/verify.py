"""Offline verifier for ``ledger-bundle/v1`` exports and checkpoint consistency.

:func:`verify_bundle` checks, in this order, and reports the first failure by entry index:

1. the bundle is readable (else status ``malformed``);
2. for each entry: its index is the next one, its log key is known, its bytes are a valid
   version 1 entry, its ``prev`` equals the leaf hash of the entry before it (``prev`` of the
   bundle for the first), and its Ed25519 log signature verifies;
3. the checkpoint note carries a valid signature by a known log key (C2SP signed-note), names the
   bundle's origin and has a tree size of at least ``end`` (C2SP tlog-checkpoint);
4. the entries (with the range proof, for partial exports) hash to the checkpoint's root
   (RFC 6962 section 2.1);
5. at least ``witnesses_required`` known witnesses cosigned the checkpoint (C2SP
   tlog-cosignature).

Signature checks run in worker processes for large bundles.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.core.bundle import Bundle, BundleFormatError, parse_bundle
from ledger.core.checkpoint import Checkpoint, CheckpointError, OpenedCheckpoint, open_checkpoint
from ledger.core.entry import EntryError
from ledger.core.entry_v2 import parse_entry
from ledger.core.merkle import leaf_hash, root_from_leaf_hashes
from ledger.core.notes import NoteError
from ledger.core.proofs import ProofError, root_from_range, verify_consistency
from ledger.core.signing import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    KeyFormatError,
    VerifierKey,
    parse_vkey,
)

__all__ = [
    "INVALID",
    "MALFORMED",
    "PARALLEL_THRESHOLD",
    "VALID",
    "ConsistencyError",
    "VerifyReport",
    "verify_bundle",
    "verify_checkpoint_consistency",
]

#: Bundles with at least this many entries verify signatures in worker processes.
PARALLEL_THRESHOLD = 4096
_CHUNK = 2048

VALID = "valid"
INVALID = "invalid"
MALFORMED = "malformed"


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of :func:`verify_bundle`.

    ``status`` is ``valid``, ``invalid`` (a check failed: ``message`` names it, ``index`` is the
    first failing entry index or None for checkpoint-level findings) or ``malformed``.
    """

    status: str
    message: str
    index: int | None = None
    entries: int = 0
    start: int = 0
    end: int = 0
    tree_size: int = 0
    root_hash: str = ""
    cosignatures: int = 0

    @property
    def ok(self) -> bool:
        """True when the bundle verified."""
        return self.status == VALID

    @property
    def exit_code(self) -> int:
        """0 valid, 1 invalid, 2 malformed (the command-line convention)."""
        return {VALID: 0, INVALID: 1}.get(self.status, 2)


@dataclass(frozen=True)
class _Checked:
    """Per-entry result of the parallel pass."""

    leaf_hash: bytes
    prev: str | None
    parse_error: str | None
    signature_ok: bool


def _check_chunk(items: Sequence[tuple[bytes, bytes | None, bytes]]) -> list[_Checked]:
    """Worker: parse, leaf-hash and signature-check each (entry bytes, public key, signature)."""
    keys: dict[bytes, Ed25519PublicKey] = {}
    out = []
    for data, public, signature in items:
        prev: str | None = None
        error: str | None = None
        try:
            prev = parse_entry(data).prev
        except EntryError as exc:
            error = str(exc)
        ok = False
        if public is not None and len(signature) == 64:
            key = keys.get(public)
            if key is None:
                key = keys[public] = Ed25519PublicKey.from_public_bytes(public)
            try:
                key.verify(signature, data)
                ok = True
            except InvalidSignature:
                ok = False
        out.append(_Checked(leaf_hash(data), prev, error, ok))
    return out


def _check_all(
    items: list[tuple[bytes, bytes | None, bytes]], workers: int | None, threshold: int
) -> list[_Checked]:
    if len(items) < threshold or (workers is not None and workers <= 1):
        return _check_chunk(items)
    chunks = [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]
    n = workers or os.cpu_count() or 1
    # "spawn" avoids forking a process that may hold threads and locks (web/Celery workers).
    with ProcessPoolExecutor(
        max_workers=min(n, len(chunks)), mp_context=get_context("spawn")
    ) as ex:
        results = list(ex.map(_check_chunk, chunks))
    return [c for chunk in results for c in chunk]


def _split_keys(vkeys: Iterable[str]) -> tuple[dict[str, VerifierKey], list[VerifierKey]]:
    logs: dict[str, VerifierKey] = {}
    witnesses: list[VerifierKey] = []
    for text in vkeys:
        key = parse_vkey(text)
        if key.alg == ALG_ED25519:
            logs[key.key_id] = key
        elif key.alg == ALG_COSIGNATURE_V1:
            witnesses.append(key)
    return logs, witnesses


def verify_bundle(
    data: bytes | str | dict[str, object],
    *,
    keys: Sequence[str] | None = None,
    min_witnesses: int = 0,
    workers: int | None = None,
    parallel_threshold: int = PARALLEL_THRESHOLD,
) -> VerifyReport:
    """Verify an export bundle offline; never raises for bad input.

    ``keys`` (vkey strings) pins the trusted log and witness keys; by default the bundle's own
    ``keys`` are used, which proves integrity relative to those keys only.  The number of
    cosignatures required is the larger of the bundle's ``witnesses_required`` and
    ``min_witnesses``.
    """
    try:
        bundle = parse_bundle(data)
        logs, witnesses = _split_keys(bundle.keys if keys is None else keys)
    except (BundleFormatError, KeyFormatError) as exc:
        return VerifyReport(MALFORMED, f"unreadable bundle: {exc}")
    except Exception as exc:  # report, never crash
        return VerifyReport(MALFORMED, f"unreadable bundle: {type(exc).__name__}")
    try:
        return _verify(bundle, logs, witnesses, min_witnesses, workers, parallel_threshold)
    except Exception as exc:  # report, never raise
        return VerifyReport(INVALID, f"verification failed: {type(exc).__name__}: {exc}")


def _verify(
    bundle: Bundle,
    logs: dict[str, VerifierKey],
    witnesses: list[VerifierKey],
    min_witnesses: int,
    workers: int | None,
    threshold: int,
) -> VerifyReport:
    tree_size = 0

    def invalid(message: str, index: int | None = None) -> VerifyReport:
        return VerifyReport(
            INVALID,
            message,
            index,
            entries=len(bundle.entries),
            start=bundle.start,
            end=bundle.end,
            tree_size=tree_size,
        )

    # 2. Per entry: parse, hash and signature in parallel; then index, key and chain in order.
    items = []
    for item in bundle.entries:
        key = logs.get(item.key)
        items.append((item.data, None if key is None else key.public_bytes, item.signature))
    checked = _check_all(items, workers, threshold)
    leaf_hashes: list[bytes] = []
    prev = bundle.prev
    for pos, (item, result) in enumerate(zip(bundle.entries, checked, strict=True)):
        index = bundle.start + pos
        before = "the bundle's prev" if pos == 0 else f"entry {index - 1}"
        if item.index != index:
            return invalid(
                f"entry {index}: found index {item.index} where entry {index} was expected "
                "(entries missing, inserted or reordered)",
                index,
            )
        if item.key not in logs:
            return invalid(f"entry {index}: signed with unknown log key {item.key!r}", index)
        if result.parse_error is not None:
            return invalid(f"entry {index}: not a valid ledger entry: {result.parse_error}", index)
        if not result.signature_ok:
            return invalid(f"entry {index}: log signature does not verify", index)
        if result.prev != prev:
            return invalid(f"entry {index}: prev hash does not match leaf hash of {before}", index)
        leaf_hashes.append(result.leaf_hash)
        prev = result.leaf_hash.hex()

    # 3. The checkpoint and its log signature.
    try:
        opened: OpenedCheckpoint = open_checkpoint(bundle.checkpoint, logs.values(), witnesses)
    except (NoteError, CheckpointError) as exc:
        return invalid(f"checkpoint: {exc}")
    checkpoint: Checkpoint = opened.checkpoint
    tree_size = checkpoint.size
    root_hex = checkpoint.root_hash.hex()
    if checkpoint.origin != bundle.origin:
        return invalid(
            f"checkpoint: origin {checkpoint.origin!r} is not the bundle's {bundle.origin!r}"
        )
    if checkpoint.size < bundle.end:
        return invalid(
            f"checkpoint: tree size {checkpoint.size} is smaller than the bundle's end "
            f"{bundle.end} (rolled back or stale checkpoint)"
        )

    # 4. Merkle root.
    last = bundle.end - 1
    if bundle.start == 0 and bundle.end == checkpoint.size and not bundle.proof:
        if root_from_leaf_hashes(leaf_hashes) != checkpoint.root_hash:
            return invalid(f"checkpoint: root hash does not match entries 0..{last}")
    else:
        known = leaf_hashes
        first = bundle.start
        if bundle.start > 0:
            known = [bytes.fromhex(bundle.prev), *leaf_hashes]
            first = bundle.start - 1
        try:
            root = root_from_range(first, checkpoint.size, known, bundle.proof)
        except ProofError as exc:
            return invalid(f"checkpoint: range proof for entries {bundle.start}..{last}: {exc}")
        if root != checkpoint.root_hash:
            return invalid(
                f"checkpoint: root hash does not match entries {bundle.start}..{last} "
                "with the range proof"
            )

    # 5. Witness cosignatures.
    required = max(bundle.witnesses_required, min_witnesses)
    cosigners = {(s.name, s.key_hash) for s in opened.cosignatures}
    if len(cosigners) < required:
        return invalid(
            f"checkpoint: {len(cosigners)} of the {required} required witness cosignatures verify"
        )
    return VerifyReport(
        VALID,
        f"valid: {len(bundle.entries)} entries {bundle.start}..{last}, checkpoint size "
        f"{checkpoint.size} root {root_hex}, {len(cosigners)} witness cosignature(s)",
        None,
        entries=len(bundle.entries),
        start=bundle.start,
        end=bundle.end,
        tree_size=tree_size,
        root_hash=root_hex,
        cosignatures=len(cosigners),
    )


class ConsistencyError(ValueError):
    """Two checkpoints of one log are inconsistent (fork or rollback), or unreadable."""


def verify_checkpoint_consistency(
    old_note: str, new_note: str, proof: Sequence[bytes], keys: Sequence[str]
) -> tuple[Checkpoint, Checkpoint]:
    """Check that checkpoint ``new_note`` extends ``old_note`` (RFC 6962 section 2.1.2).

    Both notes must carry a valid signature by one of the log ``keys`` (vkeys) and name the same
    origin.  A newer checkpoint with a smaller size is a rollback; one whose consistency proof
    fails is a fork.  Raises :class:`ConsistencyError`; returns both checkpoints on success.
    """
    try:
        logs, _ = _split_keys(keys)
    except KeyFormatError as exc:
        raise ConsistencyError(f"bad key: {exc}") from None
    try:
        old = open_checkpoint(old_note, logs.values()).checkpoint
        new = open_checkpoint(new_note, logs.values()).checkpoint
    except (NoteError, CheckpointError) as exc:
        raise ConsistencyError(f"checkpoint: {exc}") from None
    if old.origin != new.origin:
        raise ConsistencyError(
            f"checkpoints are for different logs: {old.origin!r}, {new.origin!r}"
        )
    if new.size < old.size:
        raise ConsistencyError(
            f"checkpoint rolled back: new size {new.size} is smaller than old size {old.size}"
        )
    try:
        verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof)
    except ProofError as exc:
        raise ConsistencyError(f"checkpoints are inconsistent (fork): {exc}") from None
    return old, new
