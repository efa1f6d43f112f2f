"""The completeness proof of one person's reads (``ledger.core.completeness``), from the store.

Reads only. For the person's namespace ``person``: the VRF proofs of their counters 0 … n-1
(the reads the latest co-signed index epoch covers) and of the probe counters beyond, one batch
proof of the label index read from stored nodes, the index-log checkpoint with its
cosignatures, the leaf's inclusion proof, and the access-log checkpoint the page's rows are
checked against with a consistency proof to the tree the epoch binds. A fixed number of queries
whatever the number of reads; the probes' VRF proofs are computed (one VRF evaluation each).
"""

import base64
from typing import Any

from ledger.constants import Namespace
from ledger.core.completeness import COMPLETENESS_FORMAT, required_probes
from ledger.core.label import prove_label
from ledger.core.prefix_tree import PrefixTree
from ledger.core.proofs import prove_consistency, prove_inclusion
from ledger.index_store import DatabaseNodeStore
from ledger.keys import vrf_secret_key
from ledger.models import (
    Checkpoint,
    Entry,
    IndexCheckpoint,
    IndexLogLeaf,
    IndexTreeHash,
    ReadDetails,
)
from ledger.selectors import checkpoint_cosigned_note
from ledger.services import subject_hash
from ledger.storage import DatabaseHashReader
from ledger.subject_log import checkpoint_for_people


class CompletenessNotReady(LookupError):
    """No index epoch (or no access-log checkpoint) has been published yet."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def completeness_ready() -> bool:
    """True once the index log has a checkpoint (the page then asks for the proof)."""
    return IndexCheckpoint.objects.exists()


def index_checkpoint_for_people() -> IndexCheckpoint | None:
    """The newest index-log checkpoint witnesses co-signed (else the newest)."""
    base = IndexCheckpoint.objects.prefetch_related("cosignatures").order_by("-id")
    return base.filter(cosignatures__isnull=False).distinct().first() or base.first()


def _log_checkpoint(log_size: int | None) -> Checkpoint | None:
    if log_size is not None:
        found = (
            Checkpoint.objects.filter(tree_size=log_size, cosignatures__isnull=False)
            .prefetch_related("cosignatures")
            .order_by("-id")
            .first()
        )
        if found is not None:
            return found
    return checkpoint_for_people()


def subject_completeness(*, identifier: str, log_size: int | None = None) -> dict[str, Any]:
    """The ``data-uses-completeness/v1`` proof for the person (docs/ledger.md, "Completeness").

    ``log_size``: the access-log checkpoint size the browser checked the rows against (the
    consistency proof is made to it); by default the newest co-signed one. Raises
    :class:`CompletenessNotReady` before the first index epoch.
    """
    index_cp = index_checkpoint_for_people()
    log_cp = _log_checkpoint(log_size)
    if index_cp is None or log_cp is None:
        raise CompletenessNotReady("no index epoch has been published yet")
    epoch = index_cp.tree_size - 1
    leaf_row = IndexLogLeaf.objects.get(index=epoch)
    bound = leaf_row.log_size
    rows = list(
        ReadDetails.objects.filter(subject=subject_hash(identifier), namespace=Namespace.PERSON)
        .order_by("counter")
        .values_list("counter", "event_id", "vrf_key_id", "vrf_proof", "label")
    )
    entries = {
        event_id: (index, bytes(leaf))
        for event_id, index, leaf in Entry.objects.filter(
            event_id__in=[r[1] for r in rows], index__lt=bound
        ).values_list("event_id", "index", "leaf_hash")
    }
    reads: list[dict[str, object]] = []
    labels: list[bytes] = []
    for counter, event_id, vrf_key_id, proof, label in rows:
        if event_id not in entries or counter != len(reads):
            # Recorded after the epoch (or pending), or a counter skipped: the proof covers
            # 0 … n-1 only, and the probes from n on show whatever comes after.
            break
        index, leaf = entries[event_id]
        labels.append(bytes.fromhex(label))
        reads.append(
            {
                "counter": counter,
                "vrf_key": vrf_key_id,
                "vrf_proof": _b64(bytes(proof)),
                "index": index,
                "leaf_hash": _b64(leaf),
            }
        )
    key = vrf_secret_key()
    probes = []
    for counter in required_probes(len(reads)):
        probe_label, probe_proof = prove_label(key, Namespace.PERSON, identifier, counter)
        labels.append(bytes.fromhex(probe_label))
        probes.append({"counter": counter, "vrf_key": key.key_id, "vrf_proof": _b64(probe_proof)})
    lookup = PrefixTree(DatabaseNodeStore()).prove(labels, version=epoch)
    reader = DatabaseHashReader(model=IndexTreeHash)
    consistency = None
    if log_cp.tree_size != bound:
        first, second = sorted((log_cp.tree_size, bound))
        consistency = {
            "from": first,
            "to": second,
            "hashes": [_b64(h) for h in prove_consistency(first, second, DatabaseHashReader())],
        }
    return {
        "format": COMPLETENESS_FORMAT,
        "identifier": identifier,
        "namespace": Namespace.PERSON.value,
        "log_checkpoint": checkpoint_cosigned_note(log_cp),
        "log_consistency": consistency,
        "index_checkpoint": checkpoint_cosigned_note(index_cp),
        "index_leaf": _b64(bytes(leaf_row.data)),
        "index_inclusion": [_b64(h) for h in prove_inclusion(epoch, index_cp.tree_size, reader)],
        "reads": reads,
        "probes": probes,
        "proof": _b64(lookup.proof),
    }
