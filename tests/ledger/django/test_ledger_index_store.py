"""The label index on PostgreSQL (``ledger.index_store.DatabaseNodeStore``).

The same inserts give the same roots and proofs as the memory store; old versions stay
provable; a proof is a few reads (one per ``read_ahead`` levels), an insert of a batch a few
reads and one COPY; the rows refuse change even from the ORM.
"""

from __future__ import annotations

import hashlib
import random

import pytest
from django.db import DatabaseError, connection, transaction

from ledger.core.prefix_tree import (
    DuplicateKeyError,
    IndexValue,
    MemoryNodeStore,
    PrefixTree,
    root_from_items,
    verify_batch,
)
from ledger.index_store import DatabaseNodeStore
from ledger.models import IndexNode
from tests.db_roles import as_owner

pytestmark = pytest.mark.django_db


def items(n: int, seed: int) -> list[tuple[bytes, IndexValue]]:
    rng = random.Random(seed)
    keys = [rng.randbytes(32) for _ in range(n)]
    keys.append(keys[0][:31] + bytes([keys[0][31] ^ 1]))  # a deep pair (255 shared bits)
    return [(k, IndexValue(i, hashlib.sha256(k).digest())) for i, k in enumerate(keys)]


def test_database_store_matches_the_memory_store() -> None:
    """Same versions in, same roots, values and proof bytes out, for every version."""
    data = items(299, 1)  # 300 keys, 5 versions
    db, memory = PrefixTree(DatabaseNodeStore()), PrefixTree(MemoryNodeStore())
    assert db.store.latest_version() is None
    roots = []
    for version, start in enumerate(range(0, len(data), 60)):
        batch = data[start : start + 60]
        root = db.insert_many(batch, version=version * 10)
        assert root == memory.insert_many(batch, version=version * 10)
        roots.append((version * 10, root, start + len(batch)))
    assert db.store.latest_version() == 40
    rng = random.Random(2)
    for version, root, size in roots:
        assert db.root(version=version) == root == root_from_items(data[:size])
        assert db.root(version=version + 5) == root  # between versions: the older one
        keys = [k for k, _ in rng.sample(data[:size], 20)] + [rng.randbytes(32) for _ in range(5)]
        keys += [k for k, _ in data[size : size + 5]]  # inserted later: absent at this version
        lookup = db.prove(keys, version=version)
        assert lookup == memory.prove(keys, version=version)
        members = {k: v for k, v in lookup.values.items() if v is not None}
        assert len(members) == 20
        absent = [k for k, v in lookup.values.items() if v is None]
        assert verify_batch(root, members, absent, lookup.proof)


def test_proofs_and_inserts_are_reads_not_recomputation(django_assert_max_num_queries) -> None:
    """A 60-key proof over 3,000 keys is one query; a 100-key insert, two reads and a COPY."""
    data = items(3000, 3)
    tree = PrefixTree(DatabaseNodeStore())
    tree.insert_many(data[:2900], version=0)
    with django_assert_max_num_queries(3):  # latest version, nodes on the paths, COPY
        tree.insert_many(data[2900:], version=1)
    rows = IndexNode.objects.filter(version=1).count()
    assert rows < 100 * 20  # O(depth) per key, the shared top once
    # Random labels: paths of about log2(3000) + 2 levels, within one read-ahead (24 levels).
    keys = [k for k, _ in data[1:51]] + [random.Random(4).randbytes(32) for _ in range(10)]
    with django_assert_max_num_queries(1):
        lookup = tree.prove(keys, version=1)
    # The deep pair (255 shared bits): one more read per 24 levels.
    with django_assert_max_num_queries(1 + 256 // 24):
        deep = tree.prove([data[0][0]], version=1)
    assert deep.values[data[0][0]] == data[0][1]
    assert verify_batch(
        tree.root(version=1),
        {k: v for k, v in lookup.values.items() if v is not None},
        [k for k, v in lookup.values.items() if v is None],
        lookup.proof,
    )


def test_duplicate_label_is_refused_and_nothing_written() -> None:
    data = items(20, 5)
    tree = PrefixTree(DatabaseNodeStore())
    tree.insert_many(data[:10], version=0)
    before = IndexNode.objects.count()
    with pytest.raises(DuplicateKeyError, match="already in the index"):
        tree.insert_many([data[15], data[3]], version=1)
    assert IndexNode.objects.count() == before
    assert tree.store.latest_version() == 0


def test_rows_refuse_change_from_the_orm() -> None:
    """The runtime role may not, and the owner meets the trigger (as the log's tables)."""
    tree = PrefixTree(DatabaseNodeStore())
    tree.insert_many(items(5, 6), version=0)
    assert connection.vendor == "postgresql"
    denied = "permission denied for table ledger_indexnode"
    with pytest.raises(DatabaseError, match=denied), transaction.atomic():
        IndexNode.objects.filter(version=0).delete()
    with pytest.raises(DatabaseError, match=denied), transaction.atomic():
        IndexNode.objects.filter(version=0).update(version=1)
    with as_owner():
        with pytest.raises(DatabaseError, match="append-only: DELETE"), transaction.atomic():
            IndexNode.objects.filter(version=0).delete()
        with pytest.raises(DatabaseError, match="append-only: UPDATE"), transaction.atomic():
            IndexNode.objects.filter(version=0).update(hash=b"\x00" * 32)
    assert tree.root(version=0) == root_from_items(items(5, 6))
