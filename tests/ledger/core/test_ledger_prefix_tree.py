"""The label index (``ledger.core.prefix_tree``): roots, copy-on-write versions, proofs.

Property tests over random trees of 0..500 keys check the prove/verify pairs; a naive
recursive definition of the tree (docs/ledger-formats.md section 8.1) cross-checks every
root; keys with long common prefixes (down to depth 256) come from a small bit alphabet.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Collection, Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core.prefix_tree import (
    EMPTY_HASH,
    TAG,
    DuplicateKeyError,
    IndexValue,
    MemoryNodeStore,
    Node,
    PrefixProofError,
    PrefixTree,
    PrefixTreeError,
    leaf_hash,
    node_id,
    parent_hash,
    root_from_items,
    root_from_proof,
    verify_batch,
    verify_membership,
    verify_non_membership,
)

Items = list[tuple[bytes, IndexValue]]


def reference_root(items: Items) -> bytes:
    """The definition: empty, a leaf for one key, else parent(left half, right half)."""
    by_int = {int.from_bytes(k, "big"): (k, v) for k, v in items}

    def node(keys: list[int], depth: int) -> bytes:
        if not keys:
            return EMPTY_HASH
        if len(keys) == 1:
            return leaf_hash(*by_int[keys[0]])
        left = [k for k in keys if not (k >> (255 - depth)) & 1]
        right = [k for k in keys if (k >> (255 - depth)) & 1]
        return parent_hash(node(left, depth + 1), node(right, depth + 1))

    return node(sorted(by_int), 0)


def make_items(keys: list[bytes]) -> Items:
    return [(k, IndexValue(i, hashlib.sha256(k).digest())) for i, k in enumerate(keys)]


def tree_of(items: Items, batches: int = 1, read_ahead: int = 24) -> PrefixTree:
    tree = PrefixTree(MemoryNodeStore(), read_ahead=read_ahead)
    step = max(1, -(-len(items) // batches))
    for version, start in enumerate(range(0, len(items), step)):
        tree.insert_many(items[start : start + step], version=version)
    return tree


def latest(tree: PrefixTree) -> int:
    version = tree.store.latest_version()
    return 0 if version is None else version


# Keys: random bytes, or a few bits that differ at the very end (long shared prefixes).
random_keys = st.binary(min_size=32, max_size=32)
close_keys = st.integers(0, 255).map(lambda n: bytes(31) + bytes([n]))
deep_keys = st.integers(0, 2**16 - 1).map(lambda n: b"\xab" * 30 + n.to_bytes(2, "big"))


def _seeded_keys(n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    keys = {rng.randbytes(32) for _ in range(n)}
    return sorted(keys, key=lambda _: rng.random())


# Hypothesis' lists are short and shrink well; seeded lists reach the full 0..500 keys.
keys_strategy = st.one_of(
    st.lists(st.one_of(random_keys, close_keys, deep_keys), max_size=500, unique=True),
    st.builds(_seeded_keys, st.integers(0, 500), st.integers(0, 2**32)),
)


def test_hash_functions_are_the_documented_ones() -> None:
    assert TAG == b"access-ledger/index/v1\x00"
    assert hashlib.sha256(b"access-ledger/index/v1\x00\x02").digest() == EMPTY_HASH
    key, value = bytes(range(32)), IndexValue(7, bytes(32))
    assert (
        leaf_hash(key, value)
        == hashlib.sha256(TAG + b"\x00" + key + (7).to_bytes(8, "big") + bytes(32)).digest()
    )
    assert (
        parent_hash(b"L" * 32, b"R" * 32)
        == hashlib.sha256(TAG + b"\x01" + b"L" * 32 + b"R" * 32).digest()
    )
    assert node_id(0, 0) == b"\x00\x00"
    assert node_id(0b101000001, 9) == bytes.fromhex("0009a080")
    assert node_id(2**256 - 1, 256) == b"\x01\x00" + b"\xff" * 32


def test_small_trees_by_hand() -> None:
    """Empty tree, one key (the root is its leaf), two keys splitting at bit 0 and at bit 255."""
    assert root_from_items([]) == EMPTY_HASH == PrefixTree(MemoryNodeStore()).root(version=0)
    a, b = bytes(32), b"\x80" + bytes(31)
    va, vb = IndexValue(0, b"\x01" * 32), IndexValue(1, b"\x02" * 32)
    assert root_from_items([(a, va)]) == leaf_hash(a, va)
    assert root_from_items([(b, vb), (a, va)]) == parent_hash(leaf_hash(a, va), leaf_hash(b, vb))
    c = bytes(31) + b"\x01"  # shares 255 bits with a: 255 parents with an empty side
    expected = parent_hash(leaf_hash(a, va), leaf_hash(c, vb))
    for _ in range(255):
        expected = parent_hash(expected, EMPTY_HASH)
    assert root_from_items([(a, va), (c, vb)]) == expected
    tree = tree_of([(c, vb), (a, va)], batches=2)
    assert tree.root(version=1) == expected
    value, proof = tree.prove_membership(c, version=1)
    assert value == vb and verify_membership(expected, c, vb, proof)
    assert proof[5:8] == b"\x01\x01\x00"  # inclusion at depth 256
    assert len(proof) == 1 + 4 + 3 + 4 + 256 * 32


@settings(max_examples=40, deadline=None)
@given(keys=keys_strategy, batches=st.integers(1, 5), seed=st.integers(0, 2**32))
def test_members_and_non_members_verify(keys: list[bytes], batches: int, seed: int) -> None:
    """Every member's proof verifies with its value; random non-members' proofs verify."""
    items = make_items(keys)
    rng = random.Random(seed)
    tree = tree_of(items, batches, read_ahead=rng.choice([1, 4, 24]))
    version = latest(tree)
    root = tree.root(version=version)
    assert root == reference_root(items) == root_from_items(items)
    for key, value in items:
        found, proof = tree.prove_membership(key, version=version)
        assert found == value
        assert verify_membership(root, key, value, proof)
        with pytest.raises(PrefixProofError):
            verify_non_membership(root, key, proof)
    present = set(keys)
    probes = [rng.randbytes(32) for _ in range(10)]
    probes += [k[:31] + bytes([k[31] ^ 1]) for k in keys[:10]]  # neighbours of members
    for probe in probes:
        if probe in present:
            continue
        proof = tree.prove_non_membership(probe, version=version)
        assert verify_non_membership(root, probe, proof)
        with pytest.raises(PrefixProofError):
            verify_membership(root, probe, IndexValue(0, bytes(32)), proof)


@settings(max_examples=40, deadline=None)
@given(keys=keys_strategy.filter(bool), data=st.data())
def test_any_changed_byte_is_refused(keys: list[bytes], data: st.DataObject) -> None:
    """A changed byte of the proof, the value or the root, or a cut or longer proof, fails."""
    items = make_items(keys)
    tree = tree_of(items)
    root = tree.root(version=0)
    key, value = data.draw(st.sampled_from(items))
    absent = data.draw(random_keys.filter(lambda k: k not in set(keys)))
    lookup = tree.prove([key, absent], version=0)
    members = {key: value}
    assert verify_batch(root, members, [absent], lookup.proof)
    position = data.draw(st.integers(0, len(lookup.proof) - 1))
    flip = data.draw(st.integers(1, 255))
    changed = bytearray(lookup.proof)
    changed[position] ^= flip
    with pytest.raises(PrefixProofError):
        verify_batch(root, members, [absent], bytes(changed))
    with pytest.raises(PrefixProofError):
        verify_batch(root, members, [absent], lookup.proof[:position])
    with pytest.raises(PrefixProofError):
        verify_batch(root, members, [absent], lookup.proof + b"\x00" * (position % 40 + 1))
    bad_root = bytearray(root)
    bad_root[position % 32] ^= flip
    with pytest.raises(PrefixProofError):
        verify_batch(bytes(bad_root), members, [absent], lookup.proof)
    bad_hash = bytearray(value.leaf_hash)
    bad_hash[position % 32] ^= flip
    for wrong in (IndexValue(value.entry_index ^ flip, value.leaf_hash),
                  IndexValue(value.entry_index, bytes(bad_hash))):  # fmt: skip
        with pytest.raises(PrefixProofError):
            verify_batch(root, {key: wrong}, [absent], lookup.proof)


@settings(max_examples=40, deadline=None)
@given(keys=keys_strategy, seed=st.integers(0, 2**32))
def test_batch_proof_equals_individual_proofs(keys: list[bytes], seed: int) -> None:
    """One batch proof proves what the single proofs prove, each shared node once."""
    items = make_items(keys)
    rng = random.Random(seed)
    tree = tree_of(items, batches=3)
    version = latest(tree)
    root = tree.root(version=version)
    chosen = rng.sample(keys, min(len(keys), 50))
    probes = [rng.randbytes(32) for _ in range(10)] + [k[:31] + bytes([k[31] ^ 2]) for k in chosen]
    wanted = chosen + [p for p in probes if p not in set(keys)]
    batch = tree.prove(wanted, version=version)
    single = {k: tree.prove([k], version=version) for k in wanted}
    assert batch.values == {k: single[k].values[k] for k in wanted}
    members = {k: v for k, v in batch.values.items() if v is not None}
    absent = [k for k, v in batch.values.items() if v is None]
    assert set(members) == set(chosen)
    assert verify_batch(root, members, absent, batch.proof)
    assert len(batch.proof) <= sum(len(s.proof) for s in single.values())
    if members and absent:  # a member claimed absent, or an absent key claimed present, fails
        k = next(iter(members))
        with pytest.raises(PrefixProofError):
            verify_batch(root, {m: v for m, v in members.items() if m != k}, [*absent, k],
                         batch.proof)  # fmt: skip
        with pytest.raises(PrefixProofError):
            verify_batch(root, {**members, absent[0]: IndexValue(0, bytes(32))}, absent[1:],
                         batch.proof)  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(keys=keys_strategy, seed=st.integers(0, 2**32))
def test_same_keys_any_order_same_root(keys: list[bytes], seed: int) -> None:
    """The root is a function of the key set: any order, any split into versions."""
    items = make_items(keys)
    rng = random.Random(seed)
    shuffled = items[:]
    rng.shuffle(shuffled)
    expected = root_from_items(items)
    assert root_from_items(shuffled) == expected
    tree = tree_of(shuffled, batches=rng.randint(1, 8))
    assert tree.root(version=latest(tree)) == expected
    one_by_one = PrefixTree(MemoryNodeStore())
    for version, (key, value) in enumerate(shuffled[:60]):
        one_by_one.insert(key, value, version=version)
    assert one_by_one.root(version=max(0, min(59, len(items) - 1))) == root_from_items(
        shuffled[:60]
    )


def test_old_versions_stay_provable() -> None:
    """Copy-on-write: after later inserts, version v still has its root, values and proofs."""
    rng = random.Random(5)
    items = make_items([rng.randbytes(32) for _ in range(400)])
    store = MemoryNodeStore()
    tree = PrefixTree(store)
    roots = []
    for version in range(8):
        roots.append(tree.insert_many(items[version * 50 : (version + 1) * 50], version=version))
    stored = len(store)
    for version, root in enumerate(roots):
        assert tree.root(version=version) == root == root_from_items(items[: (version + 1) * 50])
        old_key, old_value = items[version * 50]
        new_key = items[(version + 1) * 50][0] if version < 7 else rng.randbytes(32)
        lookup = tree.prove([old_key, new_key], version=version)
        assert lookup.values == {old_key: old_value, new_key: None}
        assert verify_batch(root, {old_key: old_value}, [new_key], lookup.proof)
    assert len(store) == stored  # proving wrote nothing
    # Each version wrote O(depth) nodes per key, not a new tree.
    assert stored < 400 * 2 + 7 * 50 * 20


def test_duplicates_and_versions_are_refused() -> None:
    """A key twice in a batch or already present, and a version not after the latest, fail
    before anything is written."""
    items = make_items([bytes([i]) * 32 for i in range(10)])
    store = MemoryNodeStore()
    tree = PrefixTree(store)
    tree.insert_many(items[:5], version=3)
    written = len(store)
    with pytest.raises(DuplicateKeyError, match="already in the index"):
        tree.insert_many([items[7], items[2]], version=4)
    with pytest.raises(DuplicateKeyError, match="given twice"):
        tree.insert_many([items[7], (items[7][0], IndexValue(99, bytes(32)))], version=4)
    with pytest.raises(DuplicateKeyError):
        root_from_items([items[1], items[1]])
    with pytest.raises(PrefixTreeError, match="not after the latest version"):
        tree.insert_many(items[5:], version=3)
    assert len(store) == written and store.latest_version() == 3
    with pytest.raises(PrefixTreeError, match="not after"):
        store.write_nodes(2, {node_id(0, 0): Node(EMPTY_HASH)})
    for bad in (b"short", "ab" * 32):
        with pytest.raises(PrefixTreeError, match="32 bytes"):
            tree.insert(bad, IndexValue(0, bytes(32)), version=9)  # type: ignore[arg-type]
    for value in (IndexValue(-1, bytes(32)), IndexValue(2**64, bytes(32)), IndexValue(0, b"x")):
        with pytest.raises(PrefixTreeError):
            tree.insert(bytes(32), value, version=9)
    with pytest.raises(PrefixTreeError, match="version"):
        tree.insert(bytes(32), IndexValue(0, bytes(32)), version=-1)
    tree.insert_many([], version=4)  # an empty batch still claims its version
    assert store.latest_version() == 4 and tree.root(version=4) == tree.root(version=3)


def test_proof_answers_and_refusals() -> None:
    """prove_membership of an absent key and prove_non_membership of a present key refuse;
    malformed proofs and claims get a clear error."""
    items = make_items([bytes([i]) * 32 for i in range(1, 6)])
    tree = tree_of(items)
    root = tree.root(version=0)
    with pytest.raises(PrefixTreeError, match="not in the index"):
        tree.prove_membership(bytes(32), version=0)
    with pytest.raises(PrefixTreeError, match="is in the index"):
        tree.prove_non_membership(items[0][0], version=0)
    with pytest.raises(PrefixTreeError, match="at least one key"):
        tree.prove([], version=0)
    proof = tree.prove_non_membership(bytes(32), version=0)
    with pytest.raises(PrefixProofError, match="not a label index proof"):
        verify_non_membership(root, bytes(32), b"\x02" + proof[1:])
    with pytest.raises(PrefixProofError, match="results for 2 keys"):
        verify_batch(root, {}, [bytes(32), b"\x01" + bytes(31)], proof)
    with pytest.raises(PrefixProofError, match="both present and absent"):
        root_from_proof({bytes(32): IndexValue(0, bytes(32))}, [bytes(32)], proof)
    with pytest.raises(PrefixProofError, match="32 bytes"):
        verify_non_membership(root[:31], bytes(32), proof)
    # The empty tree: every key is absent at depth 0.
    empty = PrefixTree(MemoryNodeStore()).prove_non_membership(bytes(32), version=0)
    assert empty == b"\x01\x00\x00\x00\x01\x03\x00\x00\x00\x00\x00\x00"
    assert verify_non_membership(EMPTY_HASH, bytes(32), empty)


def test_a_tree_with_a_key_twice_cannot_prove_both_answers() -> None:
    """Even a tree built wrongly (a leaf off its path) has one answer per key and root."""
    key, other = bytes(32), b"\x80" + bytes(31)
    value = IndexValue(1, bytes(32))
    # A forged root: the key's leaf put on the right (its first bit is 0).
    forged = parent_hash(leaf_hash(other, value), leaf_hash(key, value))
    forged_proof = (
        b"\x01" + (1).to_bytes(4, "big") + b"\x01\x00\x01" + (1).to_bytes(4, "big")
        + leaf_hash(other, value)
    )  # fmt: skip
    with pytest.raises(PrefixProofError):
        verify_membership(forged, key, value, forged_proof)


class _CountingStore(MemoryNodeStore):
    """Counts the node ids read; ``old_layout`` stores parents without their children's hashes
    (as written before ledger migration 0009)."""

    def __init__(self, *, old_layout: bool = False) -> None:
        super().__init__()
        self.old_layout = old_layout
        self.read: set[bytes] = set()

    def read_nodes(self, version: int, ids: Collection[bytes]) -> dict[bytes, Node]:
        self.read.update(ids)
        return super().read_nodes(version, ids)

    def write_nodes(self, version: int, nodes: Mapping[bytes, Node]) -> None:
        if self.old_layout:
            nodes = {i: Node(n.hash, n.key, n.value) for i, n in nodes.items()}
        super().write_nodes(version, nodes)


def test_parents_keep_their_childrens_hashes_and_the_old_layout_still_reads() -> None:
    """Same roots and proofs either way; with the children's hashes in each parent, an insert
    and a proof read only the nodes on the keys' paths, never a sibling (half the lookups of
    reading both children at every level)."""
    rng = random.Random(9)
    batches = [
        [(rng.randbytes(32), IndexValue(300 * v + i, rng.randbytes(32))) for i in range(300)]
        for v in range(4)
    ]
    new, old = _CountingStore(), _CountingStore(old_layout=True)
    trees = PrefixTree(new), PrefixTree(old)
    for version, batch in enumerate(batches):
        roots = {tree.insert_many(batch, version=version) for tree in trees}
        assert len(roots) == 1
    assert {
        n.left is not None for nodes in new._nodes.values() for n in nodes if n.key is None
    } == {True}
    keys = [k for k, _ in batches[1][:50]] + [rng.randbytes(32) for _ in range(10)]
    new.read.clear()
    old.read.clear()
    proofs = {tree.prove(keys, version=3).proof for tree in trees}
    assert len(proofs) == 1
    paths = {node_id(int.from_bytes(k, "big") >> (256 - d), d) for k in keys for d in range(257)}
    assert new.read <= paths  # the path only
    assert old.read - paths  # the old layout has to look siblings up
