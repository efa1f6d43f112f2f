"""Inclusion of many entries against the latest co-signed checkpoint, in a fixed number of queries.

Used by "who used my data": each listed access gets a verified mark. The hashes every proof
needs are collected first (which hashes a proof needs does not depend on their values, RFC 6962
§2.1.1), read in one query, and each proof is then made and checked in memory.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from ledger.core.checkpoint import open_checkpoint
from ledger.core.merkle import leaf_hash
from ledger.core.proofs import ProofError, prove_inclusion, verify_inclusion
from ledger.core.signing import ALG_ED25519, parse_vkey
from ledger.models import Checkpoint, Entry
from ledger.selectors import checkpoint_cosigned_note, checkpoint_latest, key_list
from ledger.storage import DatabaseHashReader


class _RecordingReader:
    def __init__(self) -> None:
        self.wanted: set[int] = set()

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        self.wanted.update(indexes)
        return [bytes(32)] * len(indexes)


@dataclass(frozen=True)
class InclusionMark:
    """``verified`` is True when the entry is proved in a checkpoint with a witness cosignature."""

    index: int | None
    verified: bool
    checkpoint_size: int | None


def latest_cosigned_checkpoint() -> tuple[Checkpoint, bytes] | None:
    """The newest checkpoint whose log signature and at least one cosignature verify."""
    latest = checkpoint_latest()
    if latest is None:
        return None
    keys = [parse_vkey(v) for v in key_list()]
    log_keys = [k for k in keys if k.alg == ALG_ED25519]
    witness_keys = [k for k in keys if k.alg != ALG_ED25519]
    try:
        opened = open_checkpoint(checkpoint_cosigned_note(latest), log_keys, witness_keys)
    except ValueError:
        return None
    if not opened.cosignatures:
        return None
    return latest, opened.checkpoint.root_hash


def inclusion_marks(event_ids: Sequence[UUID]) -> dict[UUID, InclusionMark]:
    """For each ledger event id: its index and whether its inclusion proof verifies."""
    rows = Entry.objects.filter(event_id__in=list(event_ids)).values_list(
        "event_id", "index", "data"
    )
    entries = {event_id: index for event_id, index, _data in rows}
    leaves = {event_id: leaf_hash(bytes(data)) for event_id, _index, data in rows}
    marks = {e: InclusionMark(None, False, None) for e in event_ids}
    cosigned = latest_cosigned_checkpoint()
    if cosigned is None:
        for event_id, index in entries.items():
            marks[event_id] = InclusionMark(index, False, None)
        return marks
    checkpoint, root = cosigned
    size = checkpoint.tree_size
    covered = {e: i for e, i in entries.items() if i < size}
    recorder = _RecordingReader()
    for index in covered.values():
        prove_inclusion(index, size, recorder)
    overlay = DatabaseHashReader().read_hashes(sorted(recorder.wanted)) if recorder.wanted else []
    reader = DatabaseHashReader(dict(zip(sorted(recorder.wanted), overlay, strict=True)))
    for event_id, index in entries.items():
        verified = False
        if event_id in covered:
            try:
                proof = prove_inclusion(index, size, reader)
                verify_inclusion(leaves[event_id], index, size, root, proof)
                verified = True
            except ProofError:
                verified = False
        marks[event_id] = InclusionMark(index, verified, size if event_id in covered else None)
    return marks
