"""RFC 6962 / RFC 9162 Merkle tree hashing over an append-only table of stored hashes.

The tree is the Merkle Tree Hash of RFC 6962 section 2.1 (RFC 9162 section 2.1.1).  Its nodes
are stored in the dense linear order used by Go's ``golang.org/x/mod/sumdb/tlog`` (after Crosby
and Wallach, "Efficient Data Structures for Tamper-Evident Logging", section 3.3): adding leaf
``n`` appends the hashes returned by :func:`stored_hashes_for_record` at index
``stored_hash_index(0, n)``.  Any append-only table of 32-byte values can therefore back the tree,
and tree hashes and proofs are read with O(log n) lookups, never recomputed from the leaves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "HashReader",
    "MemoryHashStore",
    "TreeError",
    "leaf_hash",
    "node_hash",
    "root_from_leaf_hashes",
    "root_from_leaves",
    "split_stored_hash_index",
    "stored_hash_count",
    "stored_hash_index",
    "stored_hashes_for_leaf_hash",
    "stored_hashes_for_record",
    "subtree_hash",
    "subtree_indexes",
    "tree_hash",
]

HASH_SIZE = 32

#: RFC 6962 section 2.1 / RFC 9162 section 2.1.1: MTH({}) = SHA-256() (the hash of no input).
EMPTY_ROOT = hashlib.sha256(b"").digest()


class TreeError(ValueError):
    """Invalid tree coordinates, or a hash reader that returned the wrong number of hashes."""


class HashReader(Protocol):
    """Read access to stored tree hashes (``tlog.HashReader``).

    ``read_hashes`` returns the hashes at the given stored-hash indexes (see
    :func:`stored_hash_index`), one per index and in the same order, or raises.  It may be faster
    when ``indexes`` is sorted.
    """

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]: ...


def leaf_hash(data: bytes) -> bytes:
    """Hash of a leaf: SHA-256(0x00 || data) (RFC 6962 section 2.1, RFC 9162 section 2.1.1)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash of an interior node: SHA-256(0x01 || left || right) (RFC 6962 section 2.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _maxpow2(n: int) -> tuple[int, int]:
    """Return (k, log2 k) for k the largest power of two strictly less than n (n >= 2)."""
    level = (n - 1).bit_length() - 1
    return 1 << level, level


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) from leaf hashes, computed bottom-up (RFC 6962 section 2.1).

    Equivalent to the recursive definition: split at the largest power of two k < n, hash the
    left k leaves and the remaining n - k leaves, and combine with :func:`node_hash`.
    """
    if not hashes:
        return EMPTY_ROOT
    # Fold left to right keeping a stack of perfect subtrees (a "compact range").
    stack: list[tuple[int, bytes]] = []
    for h in hashes:
        size, cur = 1, h
        while stack and stack[-1][0] == size:
            _, left = stack.pop()
            cur = node_hash(left, cur)
            size *= 2
        stack.append((size, cur))
    _, root = stack[-1]
    for _, left in reversed(stack[:-1]):
        root = node_hash(left, root)
    return root


def root_from_leaves(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of the given leaf data (RFC 6962 section 2.1)."""
    return root_from_leaf_hashes([leaf_hash(d) for d in leaves])


def stored_hash_index(level: int, n: int) -> int:
    """Map tree coordinates (level, n) to the dense storage order (``tlog.StoredHashIndex``).

    Level ``level``'s n'th hash is written right after level ``level + 1``'s ``2n + 1``'th hash;
    level 0's n'th hash is at ``n + n//2 + n//4 + ...``.
    """
    if level < 0 or n < 0:
        raise TreeError(f"invalid tree coordinates ({level}, {n})")
    for _ in range(level):
        n = 2 * n + 1
    i = 0
    while n > 0:
        i += n
        n >>= 1
    return i + level


def _trailing_zeros(x: int) -> int:
    return (x & -x).bit_length() - 1


def split_stored_hash_index(index: int) -> tuple[int, int]:
    """Inverse of :func:`stored_hash_index` (``tlog.SplitStoredHashIndex``)."""
    if index < 0:
        raise TreeError(f"invalid stored hash index {index}")
    n = index // 2
    index_n = stored_hash_index(0, n)
    while True:
        x = index_n + 1 + _trailing_zeros(n + 1)
        if x > index:
            break
        n += 1
        index_n = x
    level = index - index_n
    return level, n >> level


def stored_hash_count(n: int) -> int:
    """Number of stored hashes for a tree of ``n`` leaves (``tlog.StoredHashCount``)."""
    if n < 0:
        raise TreeError(f"invalid tree size {n}")
    if n == 0:
        return 0
    count = stored_hash_index(0, n - 1) + 1
    i = n - 1
    while i & 1:
        count += 1
        i >>= 1
    return count


def _read(reader: HashReader, indexes: list[int]) -> list[bytes]:
    if not indexes:
        return []
    hashes = reader.read_hashes(indexes)
    if len(hashes) != len(indexes):
        raise TreeError(f"read_hashes({len(indexes)} indexes) returned {len(hashes)} hashes")
    return hashes


def stored_hashes_for_leaf_hash(n: int, record_hash: bytes, reader: HashReader) -> list[bytes]:
    """Hashes to append when adding leaf ``n`` whose leaf hash is ``record_hash``.

    ``tlog.StoredHashesForRecordHash``: the leaf hash, then one node hash for every subtree
    that leaf ``n`` completes (one per trailing 1 bit of ``n``), reading at most log2(n) earlier
    hashes.  They belong at stored index ``stored_hash_index(0, n)`` onwards.
    """
    if n < 0:
        raise TreeError(f"invalid leaf index {n}")
    hashes = [record_hash]
    m = _trailing_zeros(n + 1)
    indexes = [0] * m
    for i in range(m):
        # n >> i is odd here, so (n >> i) - 1 is its left sibling at level i.
        indexes[m - 1 - i] = stored_hash_index(i, (n >> i) - 1)
    old = _read(reader, indexes)
    h = record_hash
    for i in range(m):
        h = node_hash(old[m - 1 - i], h)
        hashes.append(h)
    return hashes


def stored_hashes_for_record(n: int, data: bytes, reader: HashReader) -> list[bytes]:
    """``tlog.StoredHashes``: hashes to append when adding leaf ``n`` with ``data``."""
    return stored_hashes_for_leaf_hash(n, leaf_hash(data), reader)


def subtree_indexes(lo: int, hi: int, need: list[int]) -> list[int]:
    """Append the stored indexes needed to hash leaves [lo, hi) (``tlog.subTreeIndex``).

    The range is split into maximal perfect subtrees left to right, as in the recursive
    definition of RFC 6962 section 2.1; each is read directly from storage.
    """
    while lo < hi:
        k, level = _maxpow2(hi - lo + 1)
        if lo & (k - 1):
            raise TreeError(f"subtree [{lo}, {hi}) is not aligned")
        need.append(stored_hash_index(level, lo >> level))
        lo += k
    return need


def subtree_hash(lo: int, hi: int, hashes: list[bytes]) -> tuple[bytes, list[bytes]]:
    """Hash leaves [lo, hi) from the hashes read for :func:`subtree_indexes` (``tlog.subTreeHash``).

    Returns the hash and the unconsumed remainder of ``hashes``.
    """
    num_tree = 0
    while lo < hi:
        k, _ = _maxpow2(hi - lo + 1)
        if lo & (k - 1):
            raise TreeError(f"subtree [{lo}, {hi}) is not aligned")
        num_tree += 1
        lo += k
    if len(hashes) < num_tree or num_tree == 0:
        raise TreeError("not enough hashes for subtree")
    h = hashes[num_tree - 1]
    for i in range(num_tree - 2, -1, -1):
        h = node_hash(hashes[i], h)
    return h, hashes[num_tree:]


def tree_hash(n: int, reader: HashReader) -> bytes:
    """Root hash MTH(D[n]) of the first ``n`` leaves from stored hashes (``tlog.TreeHash``).

    One ``read_hashes`` call of at most 1 + log2(n) indexes.  The empty tree hashes to
    SHA-256 of the empty string (RFC 6962 section 2.1).
    """
    if n < 0:
        raise TreeError(f"invalid tree size {n}")
    if n == 0:
        return EMPTY_ROOT
    hashes = _read(reader, subtree_indexes(0, n, []))
    h, rest = subtree_hash(0, n, hashes)
    if rest:
        raise TreeError("bad index math in tree_hash")
    return h


class MemoryHashStore:
    """An in-memory append-only hash table implementing :class:`HashReader` (for tests/tools)."""

    def __init__(self) -> None:
        self.hashes: list[bytes] = []
        self.size = 0

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        """Return the stored hashes at ``indexes``; raises ``TreeError`` for unknown indexes."""
        out = []
        for i in indexes:
            if not 0 <= i < len(self.hashes):
                raise TreeError(f"stored hash {i} does not exist")
            out.append(self.hashes[i])
        return out

    def append(self, data: bytes) -> int:
        """Add a leaf with ``data``; return its index."""
        return self.append_leaf_hash(leaf_hash(data))

    def append_leaf_hash(self, record_hash: bytes) -> int:
        """Add a leaf by its leaf hash; return its index."""
        n = self.size
        new = stored_hashes_for_leaf_hash(n, record_hash, self)
        if len(self.hashes) != stored_hash_index(0, n):
            raise TreeError("hash store out of step with tree size")
        self.hashes.extend(new)
        self.size += 1
        return n

    def root(self, n: int | None = None) -> bytes:
        """Root hash of the tree of size ``n`` (default: current size)."""
        return tree_hash(self.size if n is None else n, self)
