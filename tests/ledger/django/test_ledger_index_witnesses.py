"""Witnesses audit the label index: real ``python -m ledger.witness`` processes in index-auditor
mode read the portal's tiles (a live server), rebuild the index from the labels alone and
co-sign the index log's checkpoint only when it matches; a hidden label, a duplicate label and
a root that is not the log's are each refused with their reason."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from ledger.core.index_log import IndexLeaf
from ledger.core.prefix_tree import IndexValue, PrefixTree
from ledger.index_store import DatabaseNodeStore
from ledger.keys import index_signing_key, log_signing_key
from ledger.logs import INDEX_LOG
from ledger.models import Checkpoint, Entry, IndexCheckpoint, IndexCosignature, PendingEvent
from ledger.services import (
    _append_index_leaf,
    checkpoint_collect_cosignatures,
    checkpoint_create,
    checkpoint_publish,
    index_epoch_publish,
    ledger_sequence_all,
)
from ledger.witness.server import WitnessClientError, add_checkpoint
from tests.ledger.django.support import WitnessProcess, record

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def auditors(tmp_path: Path, live_server: object) -> Iterator[list[WitnessProcess]]:
    """Two witnesses auditing the index from the live portal's tiles, registered."""
    base = str(live_server)
    extra = ["--index-log-vkey", index_signing_key().vkey]
    extra += ["--access-tiles", f"{base}/ledger", "--index-tiles", f"{base}/ledger/index"]
    procs = [
        WitnessProcess(tmp_path, f"witness.{d}.example.gov.cn", [log_signing_key().vkey], extra)
        for d in "ab"
    ]
    try:
        for proc in procs:
            proc.start()
            call_command("ledger_witness_add", proc.url, proc.vkey, stdout=StringIO())
        yield procs
    finally:
        for proc in procs:
            proc.stop()


def items_of_log() -> list[tuple[bytes, IndexValue]]:
    return [
        (bytes.fromhex(label), IndexValue(index, bytes(leaf)))
        for index, label, leaf in Entry.objects.order_by("index").values_list(
            "index", "label", "leaf_hash"
        )
    ]


def forged_epoch(
    items: list[tuple[bytes, IndexValue]], *, log_root: bytes | None = None,
    index_root: bytes | None = None,
) -> IndexCheckpoint:  # fmt: skip
    """What a dishonest portal publishes: epoch 0 over ``items`` (not the log's), signed."""
    checkpoint = Checkpoint.objects.order_by("-id").first()
    assert checkpoint is not None
    root = PrefixTree(DatabaseNodeStore()).insert_many(items, version=0)
    leaf = IndexLeaf(
        epoch=0,
        time=int(timezone.now().timestamp()),
        log_size=checkpoint.tree_size,
        log_root=log_root or bytes(checkpoint.root_hash),
        index_root=index_root or root,
    )
    _append_index_leaf(0, leaf.to_bytes(), leaf, timezone.now())
    index_checkpoint = checkpoint_create(log=INDEX_LOG)
    assert isinstance(index_checkpoint, IndexCheckpoint)
    return index_checkpoint


def refusal(proc: WitnessProcess, checkpoint: IndexCheckpoint) -> str:
    with pytest.raises(WitnessClientError) as caught:
        add_checkpoint(proc.url, 0, [], checkpoint.note, timeout=30)
    assert caught.value.status == 422, caught.value.body
    return caught.value.body


def test_auditors_cosign_the_index_they_rebuilt_from_the_tiles(
    auditors: list[WitnessProcess],
) -> None:
    record(20)
    ledger_sequence_all()
    assert checkpoint_publish(timeout=30) is not None
    index_checkpoint = index_epoch_publish(timeout=30)
    assert index_checkpoint is not None and index_checkpoint.tree_size == 1
    signed = set(index_checkpoint.cosignatures.values_list("witness_name", flat=True))
    assert signed == {p.name for p in auditors}
    # The log grows past a tile (256 entries): epoch 1, consistency and audit from epoch 0.
    record(300)
    ledger_sequence_all()
    checkpoint_publish(timeout=30)
    second = index_epoch_publish(timeout=30)
    assert second is not None and second.tree_size == 2
    assert set(second.cosignatures.values_list("witness_name", flat=True)) == signed
    # Nothing new: no new epoch, no new checkpoint.
    assert index_epoch_publish(timeout=30) == second


def test_a_hidden_label_gets_no_cosignature(auditors: list[WitnessProcess]) -> None:
    record(12)
    ledger_sequence_all()
    checkpoint_publish(timeout=30)
    items = items_of_log()
    forged = forged_epoch(items[:5] + items[6:])  # entry 5 logged, its label left out
    assert checkpoint_collect_cosignatures(checkpoint_id=forged.pk, timeout=30, log=INDEX_LOG) == []
    assert not IndexCosignature.objects.exists()
    body = refusal(auditors[0], forged)
    assert body.startswith("index audit failed: index_root: epoch 0: index root ")
    assert "is not the prefix tree of the labels of access-log entries 0..11" in body


def test_an_index_root_not_matching_the_log_is_refused(auditors: list[WitnessProcess]) -> None:
    record(7)
    ledger_sequence_all()
    checkpoint_publish(timeout=30)
    items = items_of_log()
    moved = [(k, IndexValue(v.entry_index, bytes(32))) for k, v in items]  # other leaf hashes
    forged = forged_epoch(moved)
    assert "index audit failed: index_root:" in refusal(auditors[0], forged)


def test_an_epoch_binding_another_log_root_is_refused(auditors: list[WitnessProcess]) -> None:
    record(7)
    ledger_sequence_all()
    checkpoint_publish(timeout=30)
    forged = forged_epoch(items_of_log(), log_root=bytes(range(32)))
    body = refusal(auditors[1], forged)
    assert body.startswith("index audit failed: log_root: epoch 0 binds access-log root 0001")


def test_a_duplicate_label_in_the_log_is_refused(auditors: list[WitnessProcess]) -> None:
    """The log holds one label twice (an event's bytes replayed): no index is a function of
    it. The portal's own builder refuses it too; a portal that indexes the first one is
    refused by the witnesses."""
    record(6)
    first = PendingEvent.objects.order_by("created_at", "id").first()
    assert first is not None
    PendingEvent.objects.create(
        id=uuid.uuid4(),
        created_at=first.created_at + dt.timedelta(days=1),
        payload=first.payload,
        data=first.data,
    )
    ledger_sequence_all()
    checkpoint_publish(timeout=30)
    with pytest.raises(ValueError, match=r"is already in the index|is given twice"):
        index_epoch_publish(timeout=30)
    items = items_of_log()
    forged = forged_epoch(items[:-1])  # entry 6 repeats entry 0's label
    body = refusal(auditors[0], forged)
    assert body.startswith("index audit failed: duplicate_label: label ")
    assert "is on access-log entries 0 and 6" in body
