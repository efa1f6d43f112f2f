"""The label index: a binary Merkle prefix tree from 256-bit labels to log entries.

Construction (docs/ledger-formats.md section 8): the prefix tree of draft-ietf-keytrans-protocol
("Tree Construction: Prefix Tree" and "Cryptographic Computations: Prefix Tree"), after
CONIKS (Melara et al., 2014) and transparency-dev's verifiable map. Keys are the 32-byte labels
of format version 2, read as 256 bits, most significant bit of byte 0 first; bit 0 sends a
search left, bit 1 right. A leaf sits at the head of the smallest subtree that holds its key
alone (a "compressed" leaf: no chain of single-child nodes below it), so the tree, and its root,
is a function of the set of keys and values only, never of the order of insertion. The value
of a key is the index of its log entry (uint64) and that entry's RFC 6962 leaf hash.

Hashes are SHA-256 with a context string and a type byte (``TAG`` = the 22 ASCII bytes
``access-ledger/index/v1`` then 0x00), as KEYTRANS domain-separates leaves (0x00) and parents
(0x01); unlike KEYTRANS, an empty subtree is a hash too (type 0x02) rather than 32 zero bytes:

* leaf:   ``SHA-256(TAG || 0x00 || key || uint64(entry index) || entry leaf hash)``;
* parent: ``SHA-256(TAG || 0x01 || left || right)``;
* empty:  ``SHA-256(TAG || 0x02)``, the root of the empty tree and of every empty subtree.

Because the three kinds never hash alike, at most one node on a key's path is not a parent:
a key has one proof outcome per root (present with one value, or absent), whoever built the
tree. Proofs have KEYTRANS's ``PrefixProof`` shape: one result per key (inclusion,
non-inclusion at another key's leaf, or non-inclusion at an empty subtree, with the depth
where the search ended), then the copath values in left-to-right order, each shared node
once. :func:`verify_batch` needs only the root, the keys, the claimed values and the proof.

Storage: nodes are addressed by their path (:func:`node_id`) and written copy-on-write under a
version (the epoch): an insert writes a new version of the O(depth) nodes on its keys' paths
and never changes a stored node, so every earlier version's root stays provable. A
:class:`NodeStore` returns, for each path, its node as of a version (the newest written at or
before it); a proof is read from stored nodes (one batch of lookups per ``read_ahead``
levels), never recomputed. Standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import pairwise
from typing import NamedTuple, Protocol

__all__ = [
    "EMPTY_HASH",
    "KEY_SIZE",
    "MAX_VERSION",
    "PROOF_FORMAT",
    "TAG",
    "BatchLookup",
    "DuplicateKeyError",
    "IndexValue",
    "MemoryNodeStore",
    "Node",
    "NodeReader",
    "NodeStore",
    "PrefixProofError",
    "PrefixTree",
    "PrefixTreeError",
    "leaf_hash",
    "node_id",
    "parent_hash",
    "root_from_items",
    "root_from_proof",
    "verify_batch",
    "verify_membership",
    "verify_non_membership",
]

KEY_SIZE = 32
_BITS = 8 * KEY_SIZE
_HASH_SIZE = 32
_MAX_INDEX = 2**64 - 1
#: Versions are stored as signed 64-bit integers (PostgreSQL ``bigint``).
MAX_VERSION = 2**63 - 1

TAG = b"access-ledger/index/v1\x00"
_LEAF = TAG + b"\x00"
_PARENT = TAG + b"\x01"
EMPTY_HASH = hashlib.sha256(TAG + b"\x02").digest()

#: First byte of every encoded proof (section 8.3 of docs/ledger-formats.md).
PROOF_FORMAT = 1
_INCLUSION = 1
_NON_INCLUSION_LEAF = 2
_NON_INCLUSION_EMPTY = 3
_RESULT_TYPES = (_INCLUSION, _NON_INCLUSION_LEAF, _NON_INCLUSION_EMPTY)

_sha256 = hashlib.sha256


class PrefixTreeError(ValueError):
    """Invalid input to the label index (a malformed key or value, a version gone by)."""


class DuplicateKeyError(PrefixTreeError):
    """A key inserted twice: the index maps each label to exactly one entry."""


class PrefixProofError(PrefixTreeError):
    """A prefix-tree proof is malformed or does not prove what is claimed."""


class IndexValue(NamedTuple):
    """What the index maps a label to: its log entry's index and RFC 6962 leaf hash."""

    entry_index: int
    leaf_hash: bytes


class Node(NamedTuple):
    """A stored node: its hash and, for a leaf, its key and value (``None`` for a parent).

    A parent also carries its two children's hashes (``left``, ``right``): a search then
    reads only the nodes on its path, never their siblings, whose hashes are in the parent
    (half the lookups of an insert or a proof). A parent stored without them (``None``) is
    still read correctly, by looking its children up.
    """

    hash: bytes
    key: bytes | None = None
    value: IndexValue | None = None
    left: bytes | None = None
    right: bytes | None = None


class NodeReader(Protocol):
    """Read access to stored nodes, by path id (:func:`node_id`), as of a version.

    ``read_nodes`` returns, for each id that has a node written at a version ``<= version``,
    the newest such node; ids without one (empty subtrees, or paths below a leaf) are left out.
    """

    def read_nodes(self, version: int, ids: Collection[bytes]) -> dict[bytes, Node]: ...


class NodeStore(NodeReader, Protocol):
    """A :class:`NodeReader` that also takes the nodes of a new version, once per version."""

    def latest_version(self) -> int | None:
        """The highest version written, or ``None`` before the first write."""
        ...

    def write_nodes(self, version: int, nodes: Mapping[bytes, Node]) -> None:
        """Store ``nodes`` under ``version`` (greater than every version written before)."""
        ...


def leaf_hash(key: bytes, value: IndexValue) -> bytes:
    """``SHA-256(TAG || 0x00 || key || uint64 BE entry index || entry leaf hash)``."""
    return _sha256(_LEAF + key + value.entry_index.to_bytes(8, "big") + value.leaf_hash).digest()


def parent_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(TAG || 0x01 || left || right)``."""
    return _sha256(_PARENT + left + right).digest()


# Per depth: the id's two depth bytes, the padding shift and the byte length of the path (the
# hot path of every insert and proof computes ids; precomputing these halves its cost).
_ID_PARTS = [(d.to_bytes(2, "big"), 8 * ((d + 7) >> 3) - d, (d + 7) >> 3) for d in range(_BITS + 1)]


def node_id(prefix: int, depth: int) -> bytes:
    """Path id of the node at ``depth`` whose path is the ``depth``-bit integer ``prefix``.

    ``uint16 BE depth || prefix bits`` padded with zero bits to whole bytes (the root is
    ``00 00``; depth 9, prefix 0b101000001 is ``00 09 a0 80``).
    """
    head, shift, n = _ID_PARTS[depth]
    return head + (prefix << shift).to_bytes(n, "big")


def _check_key(key: object) -> bytes:
    if not isinstance(key, bytes) or len(key) != KEY_SIZE:
        raise PrefixTreeError(f"a label index key must be {KEY_SIZE} bytes")
    return key


def _check_value(value: object) -> IndexValue:
    if not isinstance(value, IndexValue):
        raise PrefixTreeError("a label index value must be an IndexValue")
    index, leaf = value
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index <= _MAX_INDEX:
        raise PrefixTreeError("an entry index must be an integer between 0 and 2**64 - 1")
    if not isinstance(leaf, bytes) or len(leaf) != _HASH_SIZE:
        raise PrefixTreeError(f"an entry leaf hash must be {_HASH_SIZE} bytes")
    return value


def _check_version(version: object) -> int:
    if not isinstance(version, int) or isinstance(version, bool):
        raise PrefixTreeError("a version must be an integer")
    if not 0 <= version <= MAX_VERSION:
        raise PrefixTreeError("a version must be between 0 and 2**63 - 1")
    return version


# (key as an integer, key, value): sorted by the integer, which is the tree's left-to-right order.
_Item = tuple[int, bytes, IndexValue]


def _sorted_items(items: Iterable[tuple[bytes, IndexValue]]) -> list[_Item]:
    out = [(int.from_bytes(_check_key(k), "big"), k, _check_value(v)) for k, v in items]
    out.sort(key=lambda item: item[0])
    for a, b in pairwise(out):
        if a[0] == b[0]:
            raise DuplicateKeyError(f"label {a[1].hex()} is given twice")
    return out


def _lcp(a: int, b: int) -> int:
    """Number of leading bits two different keys share."""
    return _BITS - (a ^ b).bit_length()


# --- building a subtree from its keys alone ----------------------------------------------------


def root_from_items(items: Iterable[tuple[bytes, IndexValue]]) -> bytes:
    """The root of the index holding exactly ``items`` (key, value), built in memory.

    What a witness computes from the labels of the public log alone. Raises
    :class:`DuplicateKeyError` if a key occurs twice.
    """
    ordered = _sorted_items(items)
    if not ordered:
        return EMPTY_HASH
    ints = [i for i, _, _ in ordered]
    leaves = [leaf_hash(k, v) for _, k, v in ordered]
    del ordered
    empty = EMPTY_HASH
    parent = _PARENT

    def build(lo: int, hi: int, depth: int) -> bytes:
        # The subtree at ``depth`` holding keys [lo, hi) (which share ``depth`` leading bits).
        if hi - lo == 1:
            return leaves[lo]
        first = ints[lo]
        split = _BITS - (first ^ ints[hi - 1]).bit_length()
        shift = _BITS - 1 - split
        mid = bisect_left(ints, ((first >> shift) | 1) << shift, lo + 1, hi)
        h = _sha256(parent + build(lo, mid, split + 1) + build(mid, hi, split + 1)).digest()
        for j in range(split - 1, depth - 1, -1):
            if (first >> (_BITS - 1 - j)) & 1:
                h = _sha256(parent + empty + h).digest()
            else:
                h = _sha256(parent + h + empty).digest()
        return h

    return build(0, len(ints), 0)


def _build(items: Sequence[_Item], lo: int, hi: int, depth: int, out: dict[bytes, Node]) -> bytes:
    """Like ``root_from_items``' builder, writing every node of the subtree into ``out``."""
    if hi - lo == 1:
        key_int, key, value = items[lo]
        h = leaf_hash(key, value)
        out[node_id(key_int >> (_BITS - depth), depth)] = Node(h, key, value)
        return h
    first = items[lo][0]
    split = _lcp(first, items[hi - 1][0])
    shift = _BITS - 1 - split
    pivot = ((first >> shift) | 1) << shift
    mid = bisect_left(items, pivot, lo + 1, hi, key=lambda item: item[0])
    left_h = _build(items, lo, mid, split + 1, out)
    right_h = _build(items, mid, hi, split + 1, out)
    h = parent_hash(left_h, right_h)
    out[node_id(first >> (_BITS - split), split)] = Node(h, None, None, left_h, right_h)
    for j in range(split - 1, depth - 1, -1):  # the node at depth j + 1 is j's left or right
        right = (first >> (_BITS - 1 - j)) & 1
        below = h
        if right:
            h = parent_hash(EMPTY_HASH, below)
            out[node_id(first >> (_BITS - j), j)] = Node(h, None, None, EMPTY_HASH, below)
        else:
            h = parent_hash(below, EMPTY_HASH)
            out[node_id(first >> (_BITS - j), j)] = Node(h, None, None, below, EMPTY_HASH)
    return h


# --- the stored tree ---------------------------------------------------------------------------


class BatchLookup(NamedTuple):
    """The values of looked-up keys (``None``: absent) and one proof for all of them."""

    values: dict[bytes, IndexValue | None]
    proof: bytes


class _View:
    """The tree as of one version, read from a store in batches and cached."""

    def __init__(self, reader: NodeReader, version: int, read_ahead: int) -> None:
        self.reader = reader
        self.version = version
        self.read_ahead = read_ahead
        self.nodes: dict[bytes, Node | None] = {}

    def load(self, keys: Iterable[int], depth: int) -> None:
        """Read the nodes on ``keys``' paths for ``read_ahead`` levels (siblings' hashes are
        in their parents; a parent stored without them has its children read when needed)."""
        wanted: set[bytes] = set()
        stop = min(depth + self.read_ahead, _BITS + 1)
        for d in range(depth, stop):
            shift = _BITS - d
            for prefix in {key >> shift for key in keys}:
                wanted.add(node_id(prefix, d))
        wanted.difference_update(self.nodes)
        if not wanted:
            return
        found = self.reader.read_nodes(self.version, wanted)
        for i in wanted:
            self.nodes[i] = found.get(i)

    def get(self, prefix: int, depth: int, keys: Sequence[int], lo: int, hi: int) -> Node | None:
        """The node at (prefix, depth), loading ahead along keys[lo:hi] if it is not cached."""
        i = node_id(prefix, depth)
        if i not in self.nodes:
            self.load(keys[lo:hi], depth)
            if i not in self.nodes:  # not on the keys' paths: read it alone
                found = self.reader.read_nodes(self.version, [i])
                self.nodes[i] = found.get(i)
        return self.nodes[i]


def _child_hash(view: _View, parent: Node, side: int, prefix: int, depth: int) -> bytes:
    """The hash of a child no key goes to: from its parent, or read (older layout)."""
    stored = parent.left if side == 0 else parent.right
    if stored is not None:
        return stored
    found = view.reader.read_nodes(view.version, [node_id(prefix, depth)]).get(
        node_id(prefix, depth)
    )
    return found.hash if found is not None else EMPTY_HASH


def _split(keys: Sequence[int], lo: int, hi: int, prefix: int, depth: int) -> int:
    """First position in [lo, hi) whose key has bit ``depth`` set (keys share ``prefix``)."""
    shift = _BITS - 1 - depth
    return bisect_left(keys, ((prefix << 1) | 1) << shift, lo, hi)


class PrefixTree:
    """The label index over a :class:`NodeStore`: insert, look up and prove, by version.

    ``read_ahead`` is how many levels of a key's path (and their siblings) are read from the
    store in one batch; the default covers trees of millions of random keys in one batch.
    """

    def __init__(self, store: NodeStore, *, read_ahead: int = 24) -> None:
        if read_ahead < 1:
            raise PrefixTreeError("read_ahead must be at least 1")
        self.store = store
        self.read_ahead = read_ahead

    def root(self, *, version: int) -> bytes:
        """The root hash as of ``version`` (``EMPTY_HASH`` for the empty tree)."""
        _check_version(version)
        found = self.store.read_nodes(version, [node_id(0, 0)])
        node = found.get(node_id(0, 0))
        return node.hash if node is not None else EMPTY_HASH

    def insert(self, key: bytes, value: IndexValue, *, version: int) -> bytes:
        """Insert one key as a new version; returns the new root."""
        return self.insert_many([(key, value)], version=version)

    def insert_many(self, items: Iterable[tuple[bytes, IndexValue]], *, version: int) -> bytes:
        """Insert keys as one new ``version`` (the epoch), copy-on-write; returns the new root.

        ``version`` must be greater than every version written before. Refuses, before
        writing anything, a key given twice or already in the tree (:class:`DuplicateKeyError`).
        Writes O(depth) nodes per key (the nodes shared by the keys' paths once).
        """
        _check_version(version)
        latest = self.store.latest_version()
        if latest is not None and version <= latest:
            raise PrefixTreeError(
                f"version {version} is not after the latest version written ({latest})"
            )
        ordered = _sorted_items(items)
        base = latest if latest is not None else -1
        out: dict[bytes, Node] = {}
        if base < 0:
            root = _build(ordered, 0, len(ordered), 0, out) if ordered else EMPTY_HASH
        else:
            view = _View(self.store, base, self.read_ahead)
            keys = [i for i, _, _ in ordered]
            view.load(keys, 0)
            existing = view.get(0, 0, keys, 0, len(keys))
            if not ordered:
                root = existing.hash if existing is not None else EMPTY_HASH
                if existing is not None:  # mark the version as written
                    out[node_id(0, 0)] = existing
            else:
                root = self._merge(view, ordered, keys, 0, len(ordered), 0, 0, existing, out)
        if out:
            self.store.write_nodes(version, out)
        return root

    def _merge(
        self,
        view: _View,
        items: list[_Item],
        keys: list[int],
        lo: int,
        hi: int,
        prefix: int,
        depth: int,
        existing: Node | None,
        out: dict[bytes, Node],
    ) -> bytes:
        """New hash of the node at (prefix, depth) once items[lo:hi] are added under it."""
        if existing is None:
            return _build(items, lo, hi, depth, out)
        if existing.key is not None:
            assert existing.value is not None
            old = int.from_bytes(existing.key, "big")
            at = bisect_left(keys, old, lo, hi)
            if at < hi and keys[at] == old:
                raise DuplicateKeyError(f"label {existing.key.hex()} is already in the index")
            merged = [*items[lo:at], (old, existing.key, existing.value), *items[at:hi]]
            return _build(merged, 0, len(merged), depth, out)
        mid = _split(keys, lo, hi, prefix, depth)
        left_prefix, right_prefix = prefix << 1, (prefix << 1) | 1
        hashes: list[bytes] = []
        for side, child_prefix, a, b in ((0, left_prefix, lo, mid), (1, right_prefix, mid, hi)):
            if a < b:
                child = view.get(child_prefix, depth + 1, keys, lo, hi)
                hashes.append(
                    self._merge(view, items, keys, a, b, child_prefix, depth + 1, child, out)
                )
            else:
                hashes.append(_child_hash(view, existing, side, child_prefix, depth + 1))
        h = parent_hash(hashes[0], hashes[1])
        out[node_id(prefix, depth)] = Node(h, None, None, hashes[0], hashes[1])
        return h

    def get(self, key: bytes, *, version: int) -> IndexValue | None:
        """The value of ``key`` as of ``version``, or ``None`` if it is absent."""
        return self.prove([key], version=version).values[key]

    def prove(self, keys: Iterable[bytes], *, version: int) -> BatchLookup:
        """Look up ``keys`` as of ``version`` and prove every answer in one proof.

        The proof is read from stored nodes (one batch of lookups per ``read_ahead`` levels);
        nodes shared by several keys' paths appear once. Keys may be present or absent.
        """
        _check_version(version)
        wanted = sorted({int.from_bytes(_check_key(k), "big") for k in keys})
        if not wanted:
            raise PrefixTreeError("a proof needs at least one key")
        view = _View(self.store, version, self.read_ahead)
        view.load(wanted, 0)
        results: dict[int, bytes] = {}
        values: dict[bytes, IndexValue | None] = {}
        elements: list[bytes] = []
        root = view.nodes.get(node_id(0, 0))
        self._prove(view, wanted, 0, len(wanted), 0, 0, root, results, values, elements)
        parts = [bytes([PROOF_FORMAT]), len(wanted).to_bytes(4, "big")]
        parts.extend(results[k] for k in wanted)
        parts.append(len(elements).to_bytes(4, "big"))
        parts.extend(elements)
        return BatchLookup(values, b"".join(parts))

    def _prove(
        self,
        view: _View,
        keys: list[int],
        lo: int,
        hi: int,
        prefix: int,
        depth: int,
        node: Node | None,
        results: dict[int, bytes],
        values: dict[bytes, IndexValue | None],
        elements: list[bytes],
    ) -> None:
        head = depth.to_bytes(2, "big")
        if node is None:
            for k in keys[lo:hi]:
                results[k] = bytes([_NON_INCLUSION_EMPTY]) + head
                values[k.to_bytes(KEY_SIZE, "big")] = None
            return
        if node.key is not None:
            assert node.value is not None
            leaf = node.key + node.value.entry_index.to_bytes(8, "big") + node.value.leaf_hash
            for k in keys[lo:hi]:
                key = k.to_bytes(KEY_SIZE, "big")
                if key == node.key:
                    results[k] = bytes([_INCLUSION]) + head
                    values[key] = node.value
                else:
                    results[k] = bytes([_NON_INCLUSION_LEAF]) + head + leaf
                    values[key] = None
            return
        mid = _split(keys, lo, hi, prefix, depth)
        for side, child_prefix, a, b in (
            (0, prefix << 1, lo, mid),
            (1, (prefix << 1) | 1, mid, hi),
        ):
            if a < b:
                child = view.get(child_prefix, depth + 1, keys, lo, hi)
                self._prove(view, keys, a, b, child_prefix, depth + 1, child, results, values,
                            elements)  # fmt: skip
            else:
                elements.append(_child_hash(view, node, side, child_prefix, depth + 1))

    def prove_membership(self, key: bytes, *, version: int) -> tuple[IndexValue, bytes]:
        """(value, proof) of a key in the index; :class:`PrefixTreeError` if it is absent."""
        lookup = self.prove([key], version=version)
        value = lookup.values[key]
        if value is None:
            raise PrefixTreeError(f"label {key.hex()} is not in the index")
        return value, lookup.proof

    def prove_non_membership(self, key: bytes, *, version: int) -> bytes:
        """Proof that a key is absent; :class:`PrefixTreeError` if it is present."""
        lookup = self.prove([key], version=version)
        if lookup.values[key] is not None:
            raise PrefixTreeError(f"label {key.hex()} is in the index")
        return lookup.proof


class MemoryNodeStore:
    """A :class:`NodeStore` in memory: every version of every node, newest last."""

    def __init__(self) -> None:
        self._versions: dict[bytes, list[int]] = {}
        self._nodes: dict[bytes, list[Node]] = {}
        self._latest: int | None = None

    def latest_version(self) -> int | None:
        return self._latest

    def read_nodes(self, version: int, ids: Collection[bytes]) -> dict[bytes, Node]:
        found: dict[bytes, Node] = {}
        for i in ids:
            versions = self._versions.get(i)
            if versions is None:
                continue
            if versions[-1] <= version:
                found[i] = self._nodes[i][-1]
            else:
                at = bisect_right(versions, version)
                if at:
                    found[i] = self._nodes[i][at - 1]
        return found

    def write_nodes(self, version: int, nodes: Mapping[bytes, Node]) -> None:
        if self._latest is not None and version <= self._latest:
            raise PrefixTreeError(f"version {version} is not after version {self._latest}")
        for i, node in nodes.items():
            self._versions.setdefault(i, []).append(version)
            self._nodes.setdefault(i, []).append(node)
        self._latest = version

    def __len__(self) -> int:
        """Number of stored node versions."""
        return sum(len(v) for v in self._versions.values())


# --- proofs: parsing and verification ----------------------------------------------------------


class _Result(NamedTuple):
    kind: int
    depth: int
    leaf_key: bytes | None
    leaf_value: IndexValue | None


def _parse(proof: bytes) -> tuple[list[_Result], list[bytes]]:
    if not isinstance(proof, bytes):
        raise PrefixProofError("a proof is bytes")
    if len(proof) < 9 or proof[0] != PROOF_FORMAT:
        raise PrefixProofError(f"not a label index proof (format {PROOF_FORMAT})")
    count = int.from_bytes(proof[1:5], "big")
    pos = 5
    results: list[_Result] = []
    for _ in range(count):
        if pos + 3 > len(proof):
            raise PrefixProofError("proof ends inside a result")
        kind = proof[pos]
        depth = int.from_bytes(proof[pos + 1 : pos + 3], "big")
        pos += 3
        if kind not in _RESULT_TYPES:
            raise PrefixProofError(f"unknown result type {kind}")
        if depth > _BITS:
            raise PrefixProofError(f"result depth {depth} is beyond {_BITS}")
        if kind == _NON_INCLUSION_LEAF:
            if pos + 72 > len(proof):
                raise PrefixProofError("proof ends inside a leaf")
            key = proof[pos : pos + 32]
            value = IndexValue(
                int.from_bytes(proof[pos + 32 : pos + 40], "big"), proof[pos + 40 : pos + 72]
            )
            pos += 72
            results.append(_Result(kind, depth, key, value))
        else:
            results.append(_Result(kind, depth, None, None))
    if pos + 4 > len(proof):
        raise PrefixProofError("proof ends before its element count")
    n_elements = int.from_bytes(proof[pos : pos + 4], "big")
    pos += 4
    if len(proof) - pos != n_elements * _HASH_SIZE:
        raise PrefixProofError(f"proof must end with exactly {n_elements} 32-byte elements")
    elements = [proof[p : p + _HASH_SIZE] for p in range(pos, len(proof), _HASH_SIZE)]
    return results, elements


def root_from_proof(
    members: Mapping[bytes, IndexValue], absent: Collection[bytes], proof: bytes
) -> bytes:
    """The root that ``proof`` proves the claims against: ``members`` with their values and
    ``absent`` keys not in the index. Raises :class:`PrefixProofError` if the proof is
    malformed or contradicts a claim (a member proven absent, an absent key proven present)."""
    claims: dict[int, IndexValue | None] = {}
    for key, value in members.items():
        claims[int.from_bytes(_check_key(key), "big")] = _check_value(value)
    for key in absent:
        k = int.from_bytes(_check_key(key), "big")
        if k in claims:
            raise PrefixProofError(f"label {key.hex()} is claimed both present and absent")
        claims[k] = None
    if not claims:
        raise PrefixProofError("a proof needs at least one key")
    keys = sorted(claims)
    results, elements = _parse(proof)
    if len(results) != len(keys):
        raise PrefixProofError(f"proof has {len(results)} results for {len(keys)} keys")
    cursor = iter(elements)

    def terminal(i: int, depth: int) -> bytes:
        k, claim, result = keys[i], claims[keys[i]], results[i]
        label = k.to_bytes(KEY_SIZE, "big").hex()
        if result.kind == _INCLUSION:
            if claim is None:
                raise PrefixProofError(f"label {label} is in the index, not absent")
            return leaf_hash(k.to_bytes(KEY_SIZE, "big"), claim)
        if claim is not None:
            raise PrefixProofError(f"label {label} is not in the index")
        if result.kind == _NON_INCLUSION_EMPTY:
            return EMPTY_HASH
        assert result.leaf_key is not None and result.leaf_value is not None
        other = int.from_bytes(result.leaf_key, "big")
        if other == k or (depth and other >> (_BITS - depth) != k >> (_BITS - depth)):
            raise PrefixProofError(f"the leaf ending label {label}'s search is not on its path")
        return leaf_hash(result.leaf_key, result.leaf_value)

    def walk(lo: int, hi: int, prefix: int, depth: int) -> bytes:
        ending = [i for i in range(lo, hi) if results[i].depth == depth]
        if ending:
            if len(ending) != hi - lo:
                raise PrefixProofError(f"keys sharing a path end at different depths ({depth})")
            hashes = {terminal(i, depth) for i in ending}
            if len(hashes) != 1:
                raise PrefixProofError(f"keys ending at one node disagree on it (depth {depth})")
            return hashes.pop()
        mid = _split(keys, lo, hi, prefix, depth)
        sides: list[bytes] = []
        for child_prefix, a, b in ((prefix << 1, lo, mid), ((prefix << 1) | 1, mid, hi)):
            if a < b:
                sides.append(walk(a, b, child_prefix, depth + 1))
            else:
                element = next(cursor, None)
                if element is None:
                    raise PrefixProofError("proof has too few elements")
                sides.append(element)
        return parent_hash(sides[0], sides[1])

    root = walk(0, len(keys), 0, 0)
    if next(cursor, None) is not None:
        raise PrefixProofError("proof has unused elements")
    return root


def verify_batch(
    root: bytes, members: Mapping[bytes, IndexValue], absent: Collection[bytes], proof: bytes
) -> bool:
    """True if ``proof`` proves, against ``root``, every key of ``members`` present with its
    value and every key of ``absent`` not in the index; raises :class:`PrefixProofError`."""
    if not isinstance(root, bytes) or len(root) != _HASH_SIZE:
        raise PrefixProofError("a root is 32 bytes")
    if not hmac.compare_digest(root_from_proof(members, absent, proof), root):
        raise PrefixProofError("proof does not match the index root")
    return True


def verify_membership(root: bytes, key: bytes, value: IndexValue, proof: bytes) -> bool:
    """True if ``proof`` proves ``key`` maps to ``value`` under ``root``; raises otherwise."""
    return verify_batch(root, {key: value}, (), proof)


def verify_non_membership(root: bytes, key: bytes, proof: bytes) -> bool:
    """True if ``proof`` proves ``key`` is not in the index under ``root``; raises otherwise."""
    return verify_batch(root, {}, (key,), proof)
