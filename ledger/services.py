"""Writes to the ledger: record an event, sequence pending events, publish checkpoints."""

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from ledger.constants import (
    INDEX_LOCK_ID,
    SEQUENCER_LOCK_ID,
    ZERO_HASH_HEX,
    KeyKind,
    Namespace,
    Outcome,
)
from ledger.core.checkpoint import Checkpoint as CheckpointBody
from ledger.core.checkpoint import sign_checkpoint, verify_cosignature
from ledger.core.commitment import Details, Reader, RequestEvidence, Seal, commit, new_opening
from ledger.core.entry import format_time, sign_entry
from ledger.core.entry import subject_hash as core_subject_hash
from ledger.core.entry_v2 import EntryV2
from ledger.core.index_log import IndexLeaf
from ledger.core.label import prove_label
from ledger.core.merkle import (
    leaf_hash,
    node_hash,
    stored_hash_index,
    stored_hashes_for_leaf_hash,
    subtree_indexes,
    tree_hash,
)
from ledger.core.notes import parse_note
from ledger.core.prefix_tree import IndexValue, PrefixTree
from ledger.core.proofs import prove_consistency
from ledger.core.signing import ALG_COSIGNATURE_V1, parse_vkey
from ledger.index_store import DatabaseNodeStore
from ledger.keys import log_signing_key, subject_secret, vrf_secret_key
from ledger.logs import ACCESS_LOG, INDEX_LOG, LogTables
from ledger.models import (
    Checkpoint,
    IndexCheckpoint,
    IndexLogLeaf,
    IndexTreeHash,
    LedgerKey,
    PendingEvent,
    ReadDetails,
    TreeHash,
    Witness,
)
from ledger.models import Entry as EntryRow
from ledger.storage import DatabaseHashReader

logger = logging.getLogger(__name__)


def subject_hash(identifier: str) -> str:
    """Keyed hash (HMAC-SHA-256) of a subject's identifier.

    Private: it finds a person's rows in ``Access``, ``SubjectCounter`` and ``ReadDetails``,
    and never appears in a public entry (format version 2 publishes VRF labels instead).
    """
    return core_subject_hash(subject_secret(), identifier)


@dataclass(frozen=True)
class RequestSignatureInput:
    """The RFC 9421 signature of a department system's request, kept for non-repudiation."""

    keyid: str
    alg: str
    signature_input: str
    signature: str
    digest: str


@dataclass(frozen=True)
class SealInput:
    """A sealed read: the legal order that hides it and the date it is shown to the person."""

    legal_order: str
    unseal_by: dt.date


_NEXT_COUNTER_SQL = """
INSERT INTO ledger_subjectcounter (namespace, subject, next_counter) VALUES (%s, %s, 1)
ON CONFLICT (namespace, subject) DO UPDATE SET next_counter = ledger_subjectcounter.next_counter + 1
RETURNING next_counter - 1
"""


def _next_counter(namespace: str, subject: str) -> int:
    """The subject's next label counter in ``namespace``: 0, 1, 2 … without gaps or repeats.

    One upsert (PostgreSQL and SQLite 3.35+ both run it): the conflicting row stays locked
    until the caller's transaction ends, so a concurrent reader of the same person waits and
    then gets the following counter; a rolled-back read gives its counter back.
    """
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_COUNTER_SQL, [namespace, subject])
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


@transaction.atomic
def ledger_event_record(
    *,
    department: str,
    user: str | None,
    system_id: str | None,
    dataset: str,
    fields: list[str],
    purpose: str,
    application: str | None,
    outcome: Outcome,
    reason: str = "",
    subject_identifier: str,
    request_signature: RequestSignatureInput | None = None,
    seal: SealInput | None = None,
    at: dt.datetime | None = None,
    dispatch: bool = True,
) -> PendingEvent:
    """Write a read to the ledger in the caller's transaction, and sequence it after commit.

    Format version 2 (docs/ledger-formats.md §7): the public entry holds the time, the
    reading department, the dataset, the outcome, the subject's VRF label for its next
    counter (RFC 9381) and a commitment to the details; the details, their opening and the
    label's proof go to the private ``ReadDetails`` table. ``user`` is the reading staff
    member's username, ``system_id`` the department system's key id (exactly one). Bulk
    callers pass ``dispatch=False`` and call :func:`ledger_sequence_dispatch` once.
    """
    if (user is None) == (system_id is None):
        raise ValueError("a read has exactly one reader: a user or a department system")
    moment = at or timezone.now()
    namespace = Namespace.SEALED if seal is not None else Namespace.PERSON
    details = Details(
        fields=tuple(sorted(set(fields))),
        purpose=purpose,
        application_number=application or None,
        reason=reason,
        reader=Reader(user=user) if user is not None else Reader(system=system_id),
        request_signature=(
            None
            if request_signature is None
            else RequestEvidence(
                keyid=request_signature.keyid,
                alg=request_signature.alg,
                signature_input=request_signature.signature_input,
                signature=request_signature.signature,
                content_digest=request_signature.digest,
            )
        ),
        seal=(
            None
            if seal is None
            else Seal(legal_order=seal.legal_order, unseal_by=seal.unseal_by.isoformat())
        ),
    )
    return _record(
        namespace=namespace,
        subject_identifier=subject_identifier,
        details=details,
        department=department,
        dataset=dataset,
        outcome=str(outcome),
        moment=moment,
        unseal_by=None if seal is None else seal.unseal_by,
        dispatch=dispatch,
    )


def _record(
    *,
    namespace: str,
    subject_identifier: str,
    details: Details,
    department: str,
    dataset: str,
    outcome: str,
    moment: dt.datetime,
    unseal_by: dt.date | None = None,
    unseals: ReadDetails | None = None,
    dispatch: bool = True,
) -> PendingEvent:
    """One pending entry and its private details (the shared half of every recording)."""
    subject = subject_hash(subject_identifier)
    counter = _next_counter(namespace, subject)
    key = vrf_secret_key()
    label, proof = prove_label(key, namespace, subject_identifier, counter)
    opening = new_opening()
    commitment = commit(details, opening)
    entry = EntryV2(
        time=format_time(moment),
        department=department,
        dataset=dataset,
        outcome=outcome,
        label=label,
        commitment=commitment,
        prev=ZERO_HASH_HEX,
        sealed_until=None if unseal_by is None else unseal_by.isoformat(),
        unseals=None if unseals is None else _entry_index(unseals),
    )
    # The entry bytes are made (and validated) now, so a bad event fails in the caller's
    # transaction; the sequencer only writes the chain hash into them.
    event = PendingEvent.objects.create(
        created_at=moment,
        payload={
            "label": label,
            "department": department,
            "dataset": dataset,
            "outcome": outcome,
            "sealed_until": entry.sealed_until,
            "unseals": entry.unseals,
            "time": entry.time,
        },
        data=entry.to_bytes(),
    )
    ReadDetails.objects.create(
        sealed_identifier=subject_identifier if namespace == Namespace.SEALED else "",
        event_id=event.id,
        namespace=namespace,
        subject=subject,
        counter=counter,
        label=label,
        vrf_key_id=key.key_id,
        vrf_proof=proof,
        commitment=commitment,
        details=details.to_bytes(),
        opening=opening,
        recorded_at=moment,
        unseal_by=unseal_by,
        unseals=unseals,
    )
    if dispatch:
        ledger_sequence_dispatch()
    return event


class UnsealError(ValueError):
    """A sealed read cannot be unsealed (yet, or any more); the message says why."""


@transaction.atomic
def ledger_read_unseal(*, sealed_id: int, at: dt.datetime | None = None) -> PendingEvent:
    """Show a sealed read to the person: a new entry in their namespace that points to it.

    The new entry (``unseals`` = the sealed entry's index) carries the same department,
    dataset, outcome and details as the sealed one, under the person's next label; the
    person then sees the read, and the sealed entry's own label and opening, on "who used
    my data". The identifier kept for this is cleared. TRANSPARENCY.md §3.
    """
    sealed = ReadDetails.objects.select_for_update().filter(pk=sealed_id).first()
    if sealed is None or sealed.namespace != Namespace.SEALED:
        raise UnsealError("there is no sealed read with this id")
    if ReadDetails.objects.filter(unseals=sealed).exists() or not sealed.sealed_identifier:
        raise UnsealError("this read has been unsealed already")
    data = EntryRow.objects.filter(event_id=sealed.event_id).values_list("data", flat=True).first()
    if data is None:
        raise UnsealError("the sealed read is not in the log yet; unseal it after sequencing")
    entry = EntryV2.from_bytes(bytes(data))
    event = _record(
        namespace=Namespace.PERSON,
        subject_identifier=sealed.sealed_identifier,
        details=Details.from_bytes(bytes(sealed.details)),
        department=entry.department,
        dataset=entry.dataset,
        outcome=entry.outcome,
        moment=at or timezone.now(),
        unseals=sealed,
    )
    sealed.sealed_identifier = ""
    sealed.save(update_fields=["sealed_identifier"])
    return event


def _entry_index(details: ReadDetails) -> int:
    index = (
        EntryRow.objects.filter(event_id=details.event_id).values_list("index", flat=True).first()
    )
    if index is None:
        raise ValueError("the sealed read is not sequenced yet; unseal it after sequencing")
    return int(index)


SEQUENCE_REQUESTED_KEY = "ledger:sequence-requested"


def ledger_sequence_dispatch() -> None:
    """Ask a worker to sequence once the current transaction commits.

    Debounced through the shared cache: while a sequencing task is queued, further
    commits do not queue another one (the queued task clears the flag before it reads
    the pending events, so it sees every event committed before). If the broker is
    down the event stays pending and the beat sweeper sequences it; the flag expires.
    """
    from django.core.cache import cache

    from ledger.tasks import ledger_sequence_task

    def send() -> None:
        try:
            if cache.add(SEQUENCE_REQUESTED_KEY, 1, timeout=10):
                ledger_sequence_task.delay()
        except Exception:  # broker or cache unreachable: the sweeper will pick the event up
            logger.warning("ledger sequencing not dispatched; the sweeper will retry")

    transaction.on_commit(send)


def _lock_sequencer() -> None:
    """One sequencer at a time: a transaction-scoped advisory lock on PostgreSQL.

    On SQLite the transaction is opened with BEGIN IMMEDIATE (settings), which already
    excludes every other writer.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK_ID])


def _register_log_key() -> str:
    """Publish the log key and the current VRF key (the sequencer and checkpoints call it).

    A label's key is published by the time its entry is: the VRF key in use when the entry
    was recorded is the current one, or one registered by an earlier batch.
    """
    key = log_signing_key()
    LedgerKey.objects.get_or_create(vkey=key.vkey, defaults={"name": key.name, "kind": KeyKind.LOG})
    vrf = vrf_secret_key().public
    LedgerKey.objects.get_or_create(vkey=vrf.text, defaults={"name": vrf.name, "kind": KeyKind.VRF})
    return key.name


_ZERO_PREV = b'"prev":"' + ZERO_HASH_HEX.encode() + b'"'


def _chain(data: bytes, prev: str) -> bytes:
    """Write ``prev`` into entry bytes recorded with 64 zeros there (still canonical JSON).

    ``"prev":"`` occurs once: member names are fixed by the format, and a quote inside a
    string value is always escaped in canonical JSON.
    """
    if data.count(_ZERO_PREV) != 1:
        raise ValueError("pending entry bytes do not hold exactly one zero prev")
    return data.replace(_ZERO_PREV, b'"prev":"' + prev.encode() + b'"')


_ENTRY_COLUMNS = (
    "index",
    "event_id",
    "data",
    "leaf_hash",
    "key_id",
    "signature",
    "label",
    "department",
    "dataset",
    "outcome",
    "sealed_until",
    "unseals",
    "recorded_at",
    "sequenced_at",
)

# The entry's public columns copied from the pending payload (``_record``), in the order of
# ``_ENTRY_COLUMNS``; ``recorded_at`` is the entry's own ``time``, so every column equals what
# the signed bytes say (``ledger_verify`` checks it; the transparency report counts them).
_PAYLOAD_COLUMNS = ("label", "department", "dataset", "outcome", "sealed_until", "unseals", "time")

# id, entry bytes (prev still zeros), then the ``_PAYLOAD_COLUMNS``.
_Pending = tuple[object, bytes, tuple[object, ...]]

_PG_PENDING_BATCH = """
SELECT p.id::text AS event_id, p.data, p.payload->>'label', p.payload->>'department',
       p.payload->>'dataset', p.payload->>'outcome', p.payload->>'sealed_until',
       p.payload->>'unseals', p.payload->>'time', p.payload ? 'time'
FROM ledger_pendingevent p ORDER BY p.created_at, p.id LIMIT %s
"""


def _columns_from_bytes(data: bytes) -> tuple[object, ...]:
    """The public columns read from the entry bytes: for events recorded before the payload
    carried all of them (ledger migration 0006)."""
    entry = EntryV2.from_bytes(data)
    return (
        entry.label,
        entry.department,
        entry.dataset,
        entry.outcome,
        entry.sealed_until,
        entry.unseals,
        entry.time,
    )


def _parse_time(value: object) -> dt.datetime:
    """An entry ``time`` (RFC 3339 UTC, ``Z``) as an aware datetime."""
    return dt.datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


def _pending_batch(batch_size: int) -> list[_Pending]:
    """The oldest pending events, in recording order.

    On PostgreSQL in one query that leaves ids and times as text and the payload undecoded
    (COPY takes them back as they are): decoding them was a fifth of the sequencer's time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PG_PENDING_BATCH, [batch_size])
            return [
                (
                    row[0],
                    bytes(row[1]),
                    tuple(row[2:9]) if row[9] else _columns_from_bytes(bytes(row[1])),
                )
                for row in cursor.fetchall()
            ]
    batch: list[_Pending] = []
    for event in PendingEvent.objects.order_by("created_at", "id")[:batch_size]:
        data = bytes(event.data)
        payload = event.payload
        columns = (
            tuple(payload.get(name) for name in _PAYLOAD_COLUMNS)
            if "time" in payload
            else _columns_from_bytes(data)
        )
        batch.append((event.id, data, (*columns[:-1], _parse_time(columns[-1]))))
    return batch


class _Frontier:
    """The right border of the tree, for appending a batch of leaves without a query per leaf.

    It holds the roots of the perfect subtrees that make up the first ``size`` leaves, left to
    right (the RFC 6962 section 2.1 split of ``size``; one per 1 bit), read in one query.
    Appending leaf ``n`` merges it with one root per trailing 1 bit of ``n``: exactly the
    hashes ``ledger.core.merkle.stored_hashes_for_leaf_hash`` returns, in the same order,
    which ``ledger_verify`` re-derives for every stored node.
    """

    def __init__(self, size: int) -> None:
        border = subtree_indexes(0, size, [])
        self.roots = DatabaseHashReader().read_hashes(border)
        self.size = size
        self.next_index = stored_hash_index(0, size)  # where leaf ``size``'s hashes go
        self.new: dict[int, bytes] = {}

    def append(self, leaf: bytes) -> None:
        """Add the next leaf; its stored hashes go to ``new`` at consecutive indexes."""
        node = leaf
        self.new[self.next_index] = node
        self.next_index += 1
        n = self.size
        while n & 1:
            node = node_hash(self.roots.pop(), node)
            self.new[self.next_index] = node
            self.next_index += 1
            n >>= 1
        self.roots.append(node)
        self.size += 1


@contextmanager
def _entry_writer() -> Iterator[Callable[[tuple[object, ...]], None]]:
    """Append entry rows as they are signed.

    On PostgreSQL the rows stream through COPY, so the server stores them on another core
    while the next entries are signed; elsewhere they are bulk-inserted at the end.
    """
    if connection.vendor == "postgresql":
        columns = ", ".join(_ENTRY_COLUMNS)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY ledger_entry ({columns}) FROM STDIN") as copy,
        ):
            yield copy.write_row
        return
    rows: list[tuple[object, ...]] = []
    yield rows.append
    EntryRow.objects.bulk_create(
        [EntryRow(**dict(zip(_ENTRY_COLUMNS, row, strict=True))) for row in rows],
        batch_size=1000,
    )


def _store_tree_and_dequeue(hashes: dict[int, bytes], done: list[object]) -> None:
    """Append the batch's tree nodes (``hashes`` is in index order) and dequeue its events."""
    if connection.vendor == "postgresql":
        # COPY text format, written whole: an integer, a tab, bytea as \\x and hex.
        rows = "".join(f"{index}\t\\\\x{value.hex()}\n" for index, value in hashes.items())
        with connection.cursor() as cursor:
            with cursor.copy('COPY ledger_treehash ("index", hash) FROM STDIN') as copy:
                copy.write(rows)
            cursor.execute("DELETE FROM ledger_pendingevent WHERE id = ANY(%s::uuid[])", [done])
        return
    TreeHash.objects.bulk_create(
        [TreeHash(index=i, hash=h) for i, h in hashes.items()], batch_size=2000
    )
    PendingEvent.objects.filter(id__in=done).delete()


@transaction.atomic
def ledger_sequence_pending(*, batch_size: int = 5000) -> int:
    """Sequence up to ``batch_size`` pending events: index, chain, sign, store leaves and nodes.

    Runs under the sequencer lock, so two workers never fork the log or skip an index;
    each event's row is deleted in the same transaction that appends its entry, and
    ``Entry.event_id`` is unique, so no event is ever sequenced twice. A batch costs a
    fixed number of queries whatever its size.
    """
    _lock_sequencer()
    events = _pending_batch(batch_size)
    if not events:
        return 0
    key = log_signing_key()
    key_id = key.key_id
    _register_log_key()
    last = EntryRow.objects.order_by("-index").values_list("index", "leaf_hash").first()
    size = 0 if last is None else last[0] + 1
    prev = ZERO_HASH_HEX if last is None else bytes(last[1]).hex()
    tree = _Frontier(size)
    now = timezone.now()
    with _entry_writer() as write:
        for event_id, recorded, columns in events:
            data = _chain(recorded, prev)
            leaf = leaf_hash(data)
            tree.append(leaf)
            write((size, event_id, data, leaf, key_id, sign_entry(data, key), *columns, now))
            prev = leaf.hex()
            size += 1
    _store_tree_and_dequeue(tree.new, [event[0] for event in events])
    return len(events)


def ledger_sequence_all(*, batch_size: int = 5000) -> int:
    """Sequence until nothing is pending (each batch its own transaction)."""
    total = 0
    while True:
        done = ledger_sequence_pending(batch_size=batch_size)
        total += done
        if done < batch_size:
            return total


@transaction.atomic
def checkpoint_create(*, log: LogTables = ACCESS_LOG) -> Checkpoint | None:
    """Sign a checkpoint of the current tree (C2SP tlog-checkpoint), unless nothing changed.

    ``log`` is the access log (default) or the index log (``ledger.logs.INDEX_LOG``).
    """
    if log is ACCESS_LOG:
        _lock_sequencer()
    else:
        _lock_index()
    size = log.leaf_model._default_manager.count()
    latest = log.checkpoint_model._default_manager.order_by("-id").first()
    if latest is not None and latest.tree_size == size:
        return latest  # type: ignore[no-any-return]
    if size == 0:
        return None
    root = tree_hash(size, DatabaseHashReader(model=log.hash_model))
    key = log.signing_key()
    if log is ACCESS_LOG:
        _register_log_key()
    else:
        LedgerKey.objects.get_or_create(
            vkey=key.vkey, defaults={"name": key.name, "kind": log.key_kind}
        )
    body = CheckpointBody(origin=log.origin, size=size, root_hash=root)
    return log.checkpoint_model._default_manager.create(  # type: ignore[no-any-return]
        tree_size=size, root_hash=root, note=sign_checkpoint(body, key)
    )


def _origin() -> str:
    from django.conf import settings

    return str(settings.LEDGER_ORIGIN)


def _witness_last_size(witness: Witness, log: LogTables = ACCESS_LOG) -> int:
    last = (
        log.cosignature_model._default_manager.filter(witness_name=witness.name)
        .order_by("-checkpoint__tree_size")
        .values_list("checkpoint__tree_size", flat=True)
        .first()
    )
    return last or 0


def checkpoint_collect_cosignatures(
    *, checkpoint_id: int, timeout: float = 5.0, log: LogTables = ACCESS_LOG
) -> list[str]:
    """Send a checkpoint to every active witness (C2SP tlog-witness add-checkpoint).

    Each witness gets a consistency proof from the size it last co-signed; on 409 it
    tells its size and we try once more from there. A returned line is kept only if it
    verifies with the witness's cosigner key. Network calls run outside any transaction.
    The index log's checkpoints go to the same witnesses, which audit the index first.
    """
    from ledger.witness.server import WitnessClientError, WitnessConflict, add_checkpoint

    checkpoints = log.checkpoint_model._default_manager
    cosignatures = log.cosignature_model._default_manager
    checkpoint = checkpoints.get(pk=checkpoint_id)
    body_text, _signatures = parse_note(checkpoint.note)
    reader = DatabaseHashReader(model=log.hash_model)
    names: list[str] = []
    for witness in Witness.objects.filter(is_active=True):
        if cosignatures.filter(checkpoint=checkpoint, witness_name=witness.name).exists():
            names.append(witness.name)
            continue
        old = _witness_last_size(witness, log)
        lines: list[str] = []
        for _attempt in range(2):
            old = min(old, checkpoint.tree_size)
            proof = (
                prove_consistency(old, checkpoint.tree_size, reader)
                if 0 < old < checkpoint.tree_size
                else []
            )
            try:
                lines = add_checkpoint(witness.url, old, proof, checkpoint.note, timeout=timeout)
                break
            except WitnessConflict as exc:
                if exc.latest_size is None or exc.latest_size > checkpoint.tree_size:
                    logger.warning("witness %s refused: %s", witness.name, exc)
                    break
                old = exc.latest_size
            except WitnessClientError as exc:
                logger.warning("witness %s refused: %s", witness.name, exc)
                break
        vkey = parse_vkey(witness.vkey)
        LedgerKey.objects.get_or_create(
            vkey=witness.vkey, defaults={"name": witness.name, "kind": KeyKind.WITNESS}
        )
        for line in lines:
            try:
                verify_cosignature(body_text, line, vkey)
            except ValueError:
                continue
            cosignatures.get_or_create(
                checkpoint=checkpoint, witness_name=witness.name, defaults={"line": line}
            )
            names.append(witness.name)
            break
    return names


def checkpoint_publish(*, timeout: float = 5.0) -> Checkpoint | None:
    """Create a checkpoint of the current tree and collect the witnesses' cosignatures."""
    checkpoint = checkpoint_create()
    if checkpoint is not None:
        checkpoint_collect_cosignatures(checkpoint_id=checkpoint.pk, timeout=timeout)
    return checkpoint


# --- the index log (completeness) --------------------------------------------------------------


def _lock_index() -> None:
    """One index epoch builder at a time (PostgreSQL advisory lock; SQLite: BEGIN IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INDEX_LOCK_ID])


def _append_index_leaf(epoch: int, data: bytes, leaf: IndexLeaf, at: dt.datetime) -> None:
    reader = DatabaseHashReader(model=IndexTreeHash)
    hashes = stored_hashes_for_leaf_hash(epoch, leaf_hash(data), reader)
    first = stored_hash_index(0, epoch)
    IndexLogLeaf.objects.create(
        index=epoch,
        data=data,
        leaf_hash=leaf_hash(data),
        log_size=leaf.log_size,
        log_root=leaf.log_root,
        index_root=leaf.index_root,
        created_at=at,
    )
    IndexTreeHash.objects.bulk_create(
        [IndexTreeHash(index=first + i, hash=h) for i, h in enumerate(hashes)]
    )


@transaction.atomic
def index_epoch_append(*, at: dt.datetime | None = None) -> IndexLogLeaf | None:
    """Bring the label index up to the latest access-log checkpoint, as one new epoch.

    Inserts the labels of the entries the last epoch did not cover into the prefix tree
    (version = the new epoch; O(depth) node rows per label, one COPY) and appends the index-log
    leaf binding its root to that checkpoint's size and root. Idempotent: when the latest epoch
    already covers the latest checkpoint, nothing is written and that epoch is returned.
    """
    _lock_index()
    checkpoint = Checkpoint.objects.order_by("-id").first()
    last = IndexLogLeaf.objects.order_by("-index").first()
    if checkpoint is None:
        return last
    if last is not None and last.log_size >= checkpoint.tree_size:
        return last
    epoch = 0 if last is None else last.index + 1
    start = 0 if last is None else last.log_size
    items: list[tuple[bytes, IndexValue]] = []
    for index, label, entry_leaf in (
        EntryRow.objects.filter(index__gte=start, index__lt=checkpoint.tree_size)
        .order_by("index")
        .values_list("index", "label", "leaf_hash")
    ):
        if label:  # format version 1 entries have no label
            items.append((bytes.fromhex(label), IndexValue(index, bytes(entry_leaf))))
    tree = PrefixTree(DatabaseNodeStore())
    root = tree.insert_many(items, version=epoch)
    moment = at or timezone.now()
    leaf = IndexLeaf(
        epoch=epoch,
        time=int(moment.timestamp()),
        log_size=checkpoint.tree_size,
        log_root=bytes(checkpoint.root_hash),
        index_root=root,
    )
    _append_index_leaf(epoch, leaf.to_bytes(), leaf, moment)
    return IndexLogLeaf.objects.get(index=epoch)


def index_epoch_publish(*, timeout: float = 5.0) -> IndexCheckpoint | None:
    """The beat's second step after an access-log checkpoint: a new index epoch (if the log
    grew), a checkpoint of the index log, and the witnesses' cosignatures on it."""
    if index_epoch_append() is None:
        return None
    checkpoint = checkpoint_create(log=INDEX_LOG)
    if checkpoint is not None:
        checkpoint_collect_cosignatures(checkpoint_id=checkpoint.pk, timeout=timeout, log=INDEX_LOG)
    return checkpoint  # type: ignore[return-value]


@transaction.atomic
def witness_register(*, url: str, vkey: str, department_code: str | None = None) -> Witness:
    """Register (or update) a witness run by another department, named after its key.

    ``vkey`` is the witness's C2SP cosignature/v1 verifier key (type 0x04), which it printed
    when its key was generated; ``url`` is its base URL (``/add-checkpoint`` is appended);
    ``department_code`` names the department that runs it.
    """
    key = parse_vkey(vkey)
    if key.alg != ALG_COSIGNATURE_V1:
        raise ValueError("a witness key must be a cosignature/v1 (type 0x04) verifier key")
    if not url.startswith(("http://", "https://")):
        raise ValueError("the witness URL must start with http:// or https://")
    witness, _created = Witness.objects.update_or_create(
        name=key.name,
        defaults={
            "url": url,
            "vkey": key.vkey,
            "department": department_code or "",
            "is_active": True,
        },
    )
    LedgerKey.objects.get_or_create(
        vkey=key.vkey, defaults={"name": key.name, "kind": KeyKind.WITNESS}
    )
    return witness
