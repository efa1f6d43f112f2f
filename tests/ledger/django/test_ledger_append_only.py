"""On PostgreSQL the ledger's tables refuse UPDATE and DELETE, from the ORM and from raw SQL.

Twice: the portal's runtime role has no such privilege, and even the tables' owner (a DBA)
meets the triggers.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from ledger.constants import APPEND_ONLY_TABLES
from ledger.core.checkpoint import cosign
from ledger.core.notes import parse_note
from ledger.core.signing import ALG_COSIGNATURE_V1, generate
from ledger.logs import INDEX_LOG
from ledger.models import (
    Checkpoint,
    Cosignature,
    Entry,
    IndexCheckpoint,
    IndexCosignature,
    IndexLogLeaf,
    IndexNode,
    IndexTreeHash,
    LedgerKey,
    TreeHash,
)
from ledger.services import checkpoint_create, index_epoch_append, ledger_sequence_all
from tests.db_roles import as_owner
from tests.ledger.django.support import record

pytestmark = pytest.mark.django_db

# table -> (primary key column, a column to change, SQL value to set it to)
CHANGES = {
    "ledger_entry": ("index", "outcome", "'granted'"),
    "ledger_treehash": ("index", "hash", "'\\x00'::bytea"),
    "ledger_checkpoint": ("id", "tree_size", "1"),
    "ledger_cosignature": ("id", "line", "'forged'"),
    "ledger_ledgerkey": ("id", "name", "'renamed'"),
    "ledger_indexnode": ("version", "hash", "'\\x00'::bytea"),
    "ledger_indexlogleaf": ("index", "log_size", "1"),
    "ledger_indextreehash": ("index", "hash", "'\\x00'::bytea"),
    "ledger_indexcheckpoint": ("id", "tree_size", "1"),
    "ledger_indexcosignature": ("id", "line", "'forged'"),
}


@pytest.fixture
def full_ledger() -> None:
    """At least one row in every append-only table (a witness line included)."""
    record(3)
    ledger_sequence_all()
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    witness = generate("witness.test.example", ALG_COSIGNATURE_V1)
    text, _ = parse_note(checkpoint.note)
    Cosignature.objects.create(
        checkpoint=checkpoint, witness_name=witness.name, line=cosign(text, witness)
    )
    record(1)
    ledger_sequence_all()
    assert checkpoint_create() != checkpoint
    index_epoch_append()  # the label index (IndexNode rows) and the index log's first leaf
    index_checkpoint = checkpoint_create(log=INDEX_LOG)
    assert isinstance(index_checkpoint, IndexCheckpoint)
    text, _ = parse_note(index_checkpoint.note)
    IndexCosignature.objects.create(
        checkpoint=index_checkpoint, witness_name=witness.name, line=cosign(text, witness)
    )
    for model in (Entry, TreeHash, Checkpoint, Cosignature, LedgerKey, IndexNode, IndexLogLeaf,
                  IndexTreeHash, IndexCheckpoint, IndexCosignature):  # fmt: skip
        assert model.objects.exists()


def snapshot(table: str) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 - fixed table names
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in cursor]


def test_the_tables_under_test_are_the_append_only_ones() -> None:
    assert connection.vendor == "postgresql", "run the suite on PostgreSQL (bash .ci/test)"
    assert set(CHANGES) == set(APPEND_ONLY_TABLES)


@pytest.mark.parametrize("table", sorted(CHANGES))
@pytest.mark.parametrize("operation", ["UPDATE", "DELETE"])
def test_raw_update_and_delete_are_refused(full_ledger: None, table: str, operation: str) -> None:
    """A trigger raises; the rows are unchanged afterwards."""
    pk, column, value = CHANGES[table]
    before = snapshot(table)
    sql = (  # fixed names from CHANGES
        f"UPDATE {table} SET {column} = {value} WHERE {pk} = (SELECT min({pk}) FROM {table})"  # noqa: S608
        if operation == "UPDATE"
        else f"DELETE FROM {table}"  # noqa: S608
    )
    with (
        pytest.raises(DatabaseError, match=f"permission denied for table {table}"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    with (
        as_owner(),
        pytest.raises(DatabaseError) as refused,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert f"ledger table {table} is append-only: {operation} refused" in str(refused.value)
    assert snapshot(table) == before


@pytest.mark.parametrize("model", [Entry, TreeHash, Checkpoint, Cosignature, LedgerKey])
def test_orm_update_and_delete_are_refused(full_ledger: None, model: type[Entry]) -> None:
    """The same through the ORM: queryset update(), delete() and instance save()."""
    table = model._meta.db_table
    before = snapshot(table)
    row = model.objects.order_by("-pk").first()  # the newest checkpoint has no cosignature
    assert row is not None
    denied = f"permission denied for table {table}"  # the portal's runtime role
    with pytest.raises(DatabaseError, match=denied), transaction.atomic():
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(DatabaseError, match=denied), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{model._meta.pk.name: row.pk})
    with pytest.raises(DatabaseError, match=denied), transaction.atomic():
        row.save()
    deleted, updated = "append-only: DELETE refused", "append-only: UPDATE refused"
    with as_owner():  # the owner has the privileges, and meets the triggers
        with pytest.raises(DatabaseError, match=deleted), transaction.atomic():
            model.objects.filter(pk=row.pk).delete()
        with pytest.raises(DatabaseError, match=updated), transaction.atomic():
            model.objects.filter(pk=row.pk).update(**{model._meta.pk.name: row.pk})
        with pytest.raises(DatabaseError, match=updated), transaction.atomic():
            row.save()
    assert snapshot(table) == before
