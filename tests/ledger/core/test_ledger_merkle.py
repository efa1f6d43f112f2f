"""RFC 6962 Merkle tree hashing, stored-hash layout and proofs against published vectors."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core.merkle import (
    EMPTY_ROOT,
    MemoryHashStore,
    leaf_hash,
    node_hash,
    root_from_leaves,
    split_stored_hash_index,
    stored_hash_count,
    stored_hash_index,
    tree_hash,
)
from ledger.core.proofs import (
    ProofError,
    prove_consistency,
    prove_inclusion,
    prove_range,
    root_from_range,
    verify_consistency,
    verify_inclusion,
    verify_range,
)

# transparency-dev/merkle testonly/constants.go (the RFC 6962 / CT reference leaves and roots).
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    bytes.fromhex(h)
    for h in [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]
LEAF_HASHES = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
]

# transparency-dev/merkle testonly/reference_test.go and the CT reference tests.
INCLUSION = [
    (0, 1, []),
    (0, 2, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"]),
    (1, 2, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


def _store(leaves: list[bytes]) -> MemoryHashStore:
    store = MemoryHashStore()
    for leaf in leaves:
        store.append(leaf)
    return store


def test_leaf_and_node_hash_use_rfc6962_prefixes():
    """Leaves hash as SHA-256(0x00||d), nodes as SHA-256(0x01||l||r)."""
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )
    assert [leaf_hash(d).hex() for d in LEAVES] == LEAF_HASHES


def test_roots_for_sizes_0_to_8_match_reference_vectors():
    """MTH of the first n reference leaves equals the published root, directly and from storage."""
    store = _store(LEAVES)
    for n, root in enumerate(ROOTS):
        assert root_from_leaves(LEAVES[:n]) == root
        assert tree_hash(n, store) == root
    assert ROOTS[0] == EMPTY_ROOT


def test_stored_hash_index_layout_matches_tlog():
    """The dense storage order is tlog's: round-trips and counts agree with appends."""
    assert [stored_hash_index(0, n) for n in range(6)] == [0, 1, 3, 4, 7, 8]
    assert stored_hash_index(1, 0) == 2
    assert stored_hash_index(2, 0) == 6
    for i in range(500):
        level, n = split_stored_hash_index(i)
        assert stored_hash_index(level, n) == i
    store = MemoryHashStore()
    for n in range(100):
        store.append(n.to_bytes(4, "big"))
        assert len(store.hashes) == stored_hash_count(n + 1)


class CountingStore(MemoryHashStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.indexes_read = 0

    def read_hashes(self, indexes):
        self.reads += 1
        self.indexes_read += len(indexes)
        return super().read_hashes(indexes)


def test_proofs_read_logarithmically_many_stored_hashes():
    """A proof over a large tree reads O(log n) stored hashes in one call."""
    store = CountingStore()
    for n in range(5000):
        store.append(n.to_bytes(4, "big"))
    store.reads = store.indexes_read = 0
    prove_inclusion(1234, 5000, store)
    assert store.reads == 1 and store.indexes_read <= 2 * 13
    store.reads = store.indexes_read = 0
    prove_consistency(1234, 5000, store)
    assert store.reads == 1 and store.indexes_read <= 2 * 13


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proof_vectors(index, size, proof):
    """prove_inclusion reproduces, and verify_inclusion accepts, the reference audit paths."""
    store = _store(LEAVES)
    expected = [bytes.fromhex(h) for h in proof]
    assert prove_inclusion(index, size, store) == expected
    verify_inclusion(leaf_hash(LEAVES[index]), index, size, ROOTS[size], expected)


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_proof_vectors(old, new, proof):
    """prove_consistency reproduces, and verify_consistency accepts, the reference proofs."""
    store = _store(LEAVES)
    expected = [bytes.fromhex(h) for h in proof]
    assert prove_consistency(old, new, store) == expected
    verify_consistency(old, new, ROOTS[old], ROOTS[new], expected)


def test_inclusion_probes_are_rejected():
    """Wrong index, size, leaf, root or padded proofs fail (transparency-dev corruption probes)."""
    store = _store(LEAVES)
    proof = prove_inclusion(5, 8, store)
    leaf = leaf_hash(LEAVES[5])
    bad = [
        (leaf, 4, 8, ROOTS[8], proof),
        (leaf, 6, 8, ROOTS[8], proof),
        (leaf, 5 ^ 2, 8, ROOTS[8], proof),
        (leaf, 5, 4, ROOTS[8], proof),
        (leaf, 5, 16, ROOTS[8], proof),
        (b"WrongLeafWrongLeafWrongLeafWrong", 5, 8, ROOTS[8], proof),
        (leaf, 5, 8, EMPTY_ROOT, proof),
        (leaf, 5, 8, ROOTS[8], [*proof, b"\x00" * 32]),
        (leaf, 5, 8, ROOTS[8], [b"\x00" * 32, *proof]),
        (leaf, 5, 8, ROOTS[8], proof[:-1]),
        (leaf, 8, 8, ROOTS[8], proof),
        (leaf, -1, 8, ROOTS[8], proof),
    ]
    for args in bad:
        with pytest.raises(ProofError):
            verify_inclusion(*args)


def test_consistency_probes_are_rejected():
    """Wrong sizes, roots, swapped roots, empty or padded proofs and rollbacks fail."""
    store = _store(LEAVES)
    proof = prove_consistency(6, 8, store)
    r6, r8 = ROOTS[6], ROOTS[8]
    bad = [
        (5, 8, r6, r8, proof),
        (7, 8, r6, r8, proof),
        (4, 8, r6, r8, proof),
        (6, 16, r6, r8, proof),
        (6, 4, r6, r8, proof),
        (6, 8, b"\x00" * 32, r8, proof),
        (6, 8, r6, b"\x00" * 32, proof),
        (6, 8, r8, r6, proof),
        (6, 8, r6, r8, []),
        (6, 8, r6, r8, [*proof, b"\x00" * 32]),
        (6, 8, r6, r8, [b"\x00" * 32, *proof]),
        (8, 6, r8, r6, proof),
        (0, 8, r6, r8, proof),
        (8, 8, r8, r6, []),
    ]
    for args in bad:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    verify_consistency(0, 8, EMPTY_ROOT, r8, [])
    verify_consistency(8, 8, r8, r8, [])


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 300), data=st.data())
def test_random_proofs_verify_and_any_flipped_byte_fails(size, data):
    """Every proof made for a random tree verifies; one flipped bit in proof/root/leaf fails."""
    leaves = [i.to_bytes(3, "big") for i in range(size)]
    store = _store(leaves)
    root = tree_hash(size, store)
    assert root == root_from_leaves(leaves)
    index = data.draw(st.integers(0, size - 1))
    proof = prove_inclusion(index, size, store)
    leaf = leaf_hash(leaves[index])
    verify_inclusion(leaf, index, size, root, proof)

    def flip(b: bytes, pos: int) -> bytes:
        return b[: pos // 8] + bytes([b[pos // 8] ^ (1 << (pos % 8))]) + b[pos // 8 + 1 :]

    bit = data.draw(st.integers(0, 255))
    with pytest.raises(ProofError):
        verify_inclusion(flip(leaf, bit), index, size, root, proof)
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, flip(root, bit), proof)
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        bad = list(proof)
        bad[k] = flip(bad[k], bit)
        with pytest.raises(ProofError):
            verify_inclusion(leaf, index, size, root, bad)

    old = data.draw(st.integers(0, size))
    old_root = tree_hash(old, store)
    cproof = prove_consistency(old, size, store)
    verify_consistency(old, size, old_root, root, cproof)
    if 0 < old < size:
        with pytest.raises(ProofError):
            verify_consistency(old, size, flip(old_root, bit), root, cproof)
        with pytest.raises(ProofError):
            verify_consistency(old, size, old_root, flip(root, bit), cproof)
        if cproof:
            k = data.draw(st.integers(0, len(cproof) - 1))
            bad = list(cproof)
            bad[k] = flip(bad[k], bit)
            with pytest.raises(ProofError):
                verify_consistency(old, size, old_root, root, bad)

    start = data.draw(st.integers(0, size - 1))
    end = data.draw(st.integers(start + 1, size))
    rproof = prove_range(start, end, size, store)
    hashes = [leaf_hash(x) for x in leaves[start:end]]
    assert root_from_range(start, size, hashes, rproof) == root
    verify_range(start, size, root, hashes, rproof)
    bad_hashes = list(hashes)
    bad_hashes[0] = flip(bad_hashes[0], bit)
    with pytest.raises(ProofError):
        verify_range(start, size, root, bad_hashes, rproof)
