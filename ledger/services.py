"""Writes to the ledger: record an event, sequence pending events, publish checkpoints."""

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from ledger.constants import SEQUENCER_LOCK_ID, ZERO_HASH_HEX, KeyKind, Outcome
from ledger.core.checkpoint import Checkpoint as CheckpointBody
from ledger.core.checkpoint import sign_checkpoint, verify_cosignature
from ledger.core.entry import Actor, Entry, RequestSignature, format_time, sign_entry
from ledger.core.entry import subject_hash as core_subject_hash
from ledger.core.merkle import stored_hash_index, stored_hashes_for_leaf_hash, tree_hash
from ledger.core.notes import parse_note
from ledger.core.proofs import prove_consistency
from ledger.core.signing import parse_vkey
from ledger.keys import log_signing_key, subject_secret
from ledger.models import Checkpoint, Cosignature, LedgerKey, PendingEvent, TreeHash, Witness
from ledger.models import Entry as EntryRow
from ledger.storage import DatabaseHashReader

logger = logging.getLogger(__name__)


def subject_hash(identifier: str) -> str:
    """Keyed hash (HMAC-SHA-256) of a subject's identifier: what entries hold instead of it."""
    return core_subject_hash(subject_secret(), identifier)


@dataclass(frozen=True)
class RequestSignatureInput:
    """The RFC 9421 signature of a department system's request, kept for non-repudiation."""

    keyid: str
    alg: str
    signature_input: str
    signature: str
    digest: str


@transaction.atomic
def ledger_event_record(
    *,
    department: str,
    user_id: str | None,
    system_id: str | None,
    dataset: str,
    fields: list[str],
    purpose: str,
    application: str | None,
    outcome: Outcome,
    reason: str = "",
    subject_identifier: str,
    request_signature: RequestSignatureInput | None = None,
    at: dt.datetime | None = None,
    dispatch: bool = True,
) -> PendingEvent:
    """Write a pending ledger event in the caller's transaction, and sequence it after commit.

    Only references are kept: ids as strings and the keyed hash of the subject's
    identifier, never the identifier itself. Bulk callers pass ``dispatch=False`` and
    call :func:`ledger_sequence_dispatch` once.
    """
    moment = at or timezone.now()
    payload = {
        "time": format_time(moment),
        "actor": {"department": department, "user": user_id, "system": system_id},
        "dataset": dataset,
        "fields": sorted(set(fields)),
        "purpose": purpose,
        "application": application,
        "outcome": str(outcome),
        "reason": reason,
        "subject": subject_hash(subject_identifier),
        "request_signature": (
            None
            if request_signature is None
            else {
                "keyid": request_signature.keyid,
                "alg": request_signature.alg,
                "signature_input": request_signature.signature_input,
                "signature": request_signature.signature,
                "digest": request_signature.digest,
            }
        ),
    }
    # Validate now, so that a bad event fails in the caller's transaction, not in the sequencer.
    _entry_from_payload(payload, prev=ZERO_HASH_HEX)
    event = PendingEvent.objects.create(created_at=moment, payload=payload)
    if dispatch:
        ledger_sequence_dispatch()
    return event


def ledger_sequence_dispatch() -> None:
    """Ask a worker to sequence once the current transaction commits.

    If the broker is down the event stays pending and the beat sweeper sequences it.
    """
    from ledger.tasks import ledger_sequence_task

    def send() -> None:
        try:
            ledger_sequence_task.delay()
        except Exception:  # broker unreachable: the sweeper will pick the event up
            logger.warning("ledger sequencing not dispatched; the sweeper will retry")

    transaction.on_commit(send)


def _entry_from_payload(payload: Mapping[str, object], *, prev: str) -> Entry:
    actor = payload["actor"]
    assert isinstance(actor, dict)
    rs = payload.get("request_signature")
    fields = payload["fields"]
    assert isinstance(fields, list)
    return Entry(
        time=str(payload["time"]),
        actor=Actor(
            department=str(actor["department"]), user=actor.get("user"), system=actor.get("system")
        ),
        dataset=str(payload["dataset"]),
        fields=tuple(str(f) for f in fields),
        purpose=str(payload["purpose"]),
        application=None if payload["application"] is None else str(payload["application"]),
        outcome=str(payload["outcome"]),
        reason=str(payload["reason"]),
        subject=str(payload["subject"]),
        prev=prev,
        request_signature=RequestSignature(**rs) if isinstance(rs, dict) else None,
    )


def _lock_sequencer() -> None:
    """One sequencer at a time: a transaction-scoped advisory lock on PostgreSQL.

    On SQLite the transaction is opened with BEGIN IMMEDIATE (settings), which already
    excludes every other writer.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK_ID])


def _register_log_key() -> str:
    key = log_signing_key()
    LedgerKey.objects.get_or_create(vkey=key.vkey, defaults={"name": key.name, "kind": KeyKind.LOG})
    return key.name


@transaction.atomic
def ledger_sequence_pending(*, batch_size: int = 5000) -> int:
    """Sequence up to ``batch_size`` pending events: index, chain, sign, store leaves and nodes.

    Runs under the sequencer lock, so two workers never fork the log or skip an index;
    each event's row is deleted in the same transaction that appends its entry, and
    ``Entry.event_id`` is unique, so no event is ever sequenced twice.
    """
    _lock_sequencer()
    events = list(PendingEvent.objects.order_by("created_at", "id")[:batch_size])
    if not events:
        return 0
    key = log_signing_key()
    _register_log_key()
    last = EntryRow.objects.order_by("-index").values_list("index", "leaf_hash").first()
    size = 0 if last is None else last[0] + 1
    prev = ZERO_HASH_HEX if last is None else bytes(last[1]).hex()
    overlay: dict[int, bytes] = {}
    reader = DatabaseHashReader(overlay)
    rows: list[EntryRow] = []
    for event in events:
        entry = _entry_from_payload(event.payload, prev=prev)
        data = entry.to_bytes()
        leaf = entry.leaf_hash()
        new_hashes = stored_hashes_for_leaf_hash(size, leaf, reader)
        first = stored_hash_index(0, size)
        for offset, value in enumerate(new_hashes):
            overlay[first + offset] = value
        rows.append(
            EntryRow(
                index=size,
                event_id=event.id,
                data=data,
                leaf_hash=leaf,
                key_id=key.key_id,
                signature=sign_entry(data, key),
                subject=entry.subject,
                dataset=entry.dataset,
                outcome=entry.outcome,
                recorded_at=event.created_at,
            )
        )
        prev = leaf.hex()
        size += 1
    EntryRow.objects.bulk_create(rows, batch_size=1000)
    TreeHash.objects.bulk_create(
        [TreeHash(index=i, hash=h) for i, h in sorted(overlay.items())], batch_size=2000
    )
    PendingEvent.objects.filter(id__in=[e.id for e in events]).delete()
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
def checkpoint_create() -> Checkpoint | None:
    """Sign a checkpoint of the current tree (C2SP tlog-checkpoint), unless nothing changed."""
    _lock_sequencer()
    size = EntryRow.objects.count()
    latest = Checkpoint.objects.order_by("-id").first()
    if latest is not None and latest.tree_size == size:
        return latest
    if size == 0:
        return None
    root = tree_hash(size, DatabaseHashReader())
    key = log_signing_key()
    _register_log_key()
    body = CheckpointBody(origin=_origin(), size=size, root_hash=root)
    return Checkpoint.objects.create(
        tree_size=size, root_hash=root, note=sign_checkpoint(body, key)
    )


def _origin() -> str:
    from django.conf import settings

    return str(settings.LEDGER_ORIGIN)


def _witness_last_size(witness: Witness) -> int:
    last = (
        Cosignature.objects.filter(witness_name=witness.name)
        .order_by("-checkpoint__tree_size")
        .values_list("checkpoint__tree_size", flat=True)
        .first()
    )
    return last or 0


def checkpoint_collect_cosignatures(*, checkpoint_id: int, timeout: float = 5.0) -> list[str]:
    """Send a checkpoint to every active witness (C2SP tlog-witness add-checkpoint).

    Each witness gets a consistency proof from the size it last co-signed; on 409 it
    tells its size and we try once more from there. A returned line is kept only if it
    verifies with the witness's cosigner key. Network calls run outside any transaction.
    """
    from ledger.witness.server import WitnessClientError, WitnessConflict, add_checkpoint

    checkpoint = Checkpoint.objects.get(pk=checkpoint_id)
    body_text, _signatures = parse_note(checkpoint.note)
    names: list[str] = []
    for witness in Witness.objects.filter(is_active=True):
        if Cosignature.objects.filter(checkpoint=checkpoint, witness_name=witness.name).exists():
            names.append(witness.name)
            continue
        old = _witness_last_size(witness)
        lines: list[str] = []
        for _attempt in range(2):
            old = min(old, checkpoint.tree_size)
            proof = (
                prove_consistency(old, checkpoint.tree_size, DatabaseHashReader())
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
            Cosignature.objects.get_or_create(
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
