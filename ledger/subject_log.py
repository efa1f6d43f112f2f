"""The log as one subject sees it: their labels → their entries → the committed details.

Reads only (selectors). "Who used my data" is built from these, never from the exchange's
``Access`` table: each row is a ``ReadDetails`` row of the person's namespace with the entry the
log holds for it (or its pending bytes), and, for a read that was sealed and later shown to the
person, the sealed entry it opens (TRANSPARENCY.md §2, §3). Everything a person's browser needs
to check those rows, and the per-entry proof file, are built here in a fixed number of queries.
"""

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from ledger.constants import Namespace
from ledger.core.access_proof import ProofPart, access_proof_json
from ledger.core.commitment import Details
from ledger.core.entry_v2 import EntryV2
from ledger.core.merkle import HashReader
from ledger.core.proofs import prove_consistency, prove_inclusion
from ledger.core.tlog_proof import format_tlog_proof
from ledger.models import Checkpoint, Entry, PendingEvent, ReadDetails
from ledger.selectors import checkpoint_cosigned_note
from ledger.services import subject_hash
from ledger.storage import PrefetchedHashReader, prefetch_hashes

VERIFICATION_FORMAT = "data-uses-verification/v1"


class ProofNotReady(LookupError):
    """The read is not yet in a co-signed checkpoint (still pending, or awaiting one)."""


@dataclass(frozen=True)
class LoggedRead:
    """One read as the log holds it. ``index`` is None while it waits to be sequenced."""

    row: ReadDetails
    index: int | None
    data: bytes
    entry: EntryV2
    details: Details
    sealed: "LoggedRead | None" = None

    @property
    def event_id(self) -> UUID:
        return self.row.event_id

    @property
    def pending(self) -> bool:
        return self.index is None


def subject_read_list(*, identifier: str) -> QuerySet[ReadDetails]:
    """The person's reads (namespace ``person``), newest first by when they happened.

    A read that was sealed counts at the sealed read's time, not the unsealing's. Sealed rows
    themselves (namespace ``sealed``) are never listed: only their unseal entries are.
    """
    return (
        ReadDetails.objects.filter(subject=subject_hash(identifier), namespace=Namespace.PERSON)
        .select_related("unseals")
        .annotate(happened_at=Coalesce("unseals__recorded_at", "recorded_at"))
        .order_by("-happened_at", "-counter")
    )


def logged_reads(rows: Sequence[ReadDetails]) -> list[LoggedRead]:
    """Each row with its entry (or pending bytes) and its sealed read: two queries at most.

    ``rows`` come from :func:`subject_read_list` (``unseals`` already joined).
    """
    own = [r.event_id for r in rows]
    sealed = [r.unseals.event_id for r in rows if r.unseals is not None]
    entries: dict[UUID, tuple[int, bytes]] = {
        event_id: (index, bytes(data))
        for event_id, index, data in Entry.objects.filter(event_id__in=[*own, *sealed]).values_list(
            "event_id", "index", "data"
        )
    }
    missing = [e for e in [*own, *sealed] if e not in entries]
    pending: dict[UUID, bytes] = {
        event_id: bytes(data)
        for event_id, data in PendingEvent.objects.filter(id__in=missing).values_list("id", "data")
    }

    def resolve(row: ReadDetails, sealed_read: LoggedRead | None) -> LoggedRead | None:
        if row.event_id in entries:
            index: int | None
            index, data = entries[row.event_id]
        elif row.event_id in pending:
            index, data = None, pending[row.event_id]
        else:  # written in one transaction with its event: cannot happen
            return None
        return LoggedRead(
            row=row,
            index=index,
            data=data,
            entry=EntryV2.from_bytes(data),
            details=Details.from_bytes(bytes(row.details)),
            sealed=sealed_read,
        )

    out: list[LoggedRead] = []
    for row in rows:
        sealed_read = None if row.unseals is None else resolve(row.unseals, None)
        read = resolve(row, sealed_read)
        if read is not None:
            out.append(read)
    return out


def checkpoint_for_people() -> Checkpoint | None:
    """The newest checkpoint that witnesses co-signed (else the newest), with its cosignatures.

    Cosignatures arrive shortly after a checkpoint is made; a person's browser checks the
    witness quorum itself, so the newest co-signed one is the one worth sending.
    """
    base = Checkpoint.objects.prefetch_related("cosignatures").order_by("-id")
    return base.filter(cosignatures__isnull=False).distinct().first() or base.first()


def _covered(reads: Sequence[LoggedRead], size: int) -> list[int]:
    indexes: list[int] = []
    for read in reads:
        for part in (read, read.sealed):
            if part is not None and part.index is not None and part.index < size:
                indexes.append(part.index)
    return indexes


def _hashes(indexes: Sequence[int], size: int, since: int | None) -> PrefetchedHashReader:
    """Every stored hash the inclusion proofs (and the consistency proof) need: one query."""

    def inclusion(index: int) -> Callable[[HashReader], object]:
        return lambda r: prove_inclusion(index, size, r)

    uses = [inclusion(i) for i in sorted(set(indexes))]
    if since is not None and 0 < since < size:
        first = since
        uses.append(lambda r: prove_consistency(first, size, r))
    return prefetch_hashes(*uses)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _part_json(read: LoggedRead, size: int | None, reader: HashReader | None) -> dict[str, object]:
    row = read.row
    included = read.index is not None and size is not None and read.index < size
    return {
        "event": str(read.event_id),
        "status": "included" if included else "pending" if read.pending else "awaiting_checkpoint",
        "index": read.index,
        "entry": _b64(read.data),
        "namespace": row.namespace,
        "counter": row.counter,
        "vrf_key": row.vrf_key_id,
        "vrf_proof": bytes(row.vrf_proof).hex(),
        "details": bytes(row.details).decode("utf-8"),
        "opening": None if row.opening is None else bytes(row.opening).hex(),
        "inclusion": (
            [_b64(h) for h in prove_inclusion(read.index, size, reader)]
            if included and reader is not None and read.index is not None and size is not None
            else None
        ),
    }


def subject_verification(
    *, identifier: str, reads: Sequence[LoggedRead], since: int | None = None
) -> dict[str, object]:
    """What the person's browser checks their rows with (docs/browser-verifier.md, "JSON").

    The co-signed checkpoint, and per row: entry bytes, label inputs and VRF proof, details and
    opening, the RFC 6962 audit path against that checkpoint; a consistency proof from
    ``since`` (the size the browser saw last) when it is smaller than the checkpoint's. The
    identifier is the person's own (the labels are computed over it). No keys: the browser
    takes those from its pinned policy only.
    """
    checkpoint = checkpoint_for_people()
    size = None if checkpoint is None else checkpoint.tree_size
    reader = None if size is None else _hashes(_covered(reads, size), size, since)
    consistency: dict[str, object] | None = None
    if size is not None and reader is not None and since is not None and 0 < since < size:
        consistency = {
            "from": since,
            "to": size,
            "hashes": [_b64(h) for h in prove_consistency(since, size, reader)],
        }
    rows = []
    for read in reads:
        item = _part_json(read, size, reader)
        item["sealed"] = None if read.sealed is None else _part_json(read.sealed, size, reader)
        rows.append(item)
    return {
        "format": VERIFICATION_FORMAT,
        "identifier": identifier,
        "checkpoint": None if checkpoint is None else checkpoint_cosigned_note(checkpoint),
        "consistency": consistency,
        "rows": rows,
    }


def subject_read_get(*, identifier: str, event_id: UUID) -> LoggedRead | None:
    """One of the person's reads by its event id; None if it is not theirs (or not a read)."""
    rows = list(subject_read_list(identifier=identifier).filter(event_id=event_id))
    reads = logged_reads(rows)
    return reads[0] if reads else None


def _proof_part(read: LoggedRead, note: str, size: int, reader: HashReader) -> ProofPart:
    assert read.index is not None
    row = read.row
    return ProofPart(
        namespace=row.namespace,
        counter=row.counter,
        vrf_key=row.vrf_key_id,
        vrf_proof=bytes(row.vrf_proof),
        entry=read.data,
        details=bytes(row.details),
        opening=None if row.opening is None else bytes(row.opening),
        tlog_proof=format_tlog_proof(read.index, prove_inclusion(read.index, size, reader), note),
    )


def subject_access_proof(*, identifier: str, read: LoggedRead) -> bytes:
    """The ``access-proof/v2`` file of one read (``ledger.core.access_proof``).

    Raises :class:`ProofNotReady` until the read (and the sealed read it opens) is in a
    co-signed checkpoint.
    """
    checkpoint = checkpoint_for_people()
    if checkpoint is None or not checkpoint.cosignatures.all():
        raise ProofNotReady("no co-signed checkpoint yet")
    size = checkpoint.tree_size
    parts = [p for p in (read, read.sealed) if p is not None]
    if any(p.index is None or p.index >= size for p in parts):
        raise ProofNotReady("the read is not in the co-signed checkpoint yet")
    reader = _hashes(_covered([read], size), size, None)
    note = checkpoint_cosigned_note(checkpoint)
    return access_proof_json(
        identifier=identifier,
        read=_proof_part(read, note, size, reader),
        sealed=None if read.sealed is None else _proof_part(read.sealed, note, size, reader),
    )
