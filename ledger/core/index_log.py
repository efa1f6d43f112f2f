"""The index log: one leaf per epoch binding the label index's root to the access log.

A second transparency log beside the access log (docs/ledger-formats.md section 9), in the same
formats: RFC 6962 Merkle tree, C2SP signed-note checkpoints under its own origin and key, C2SP
tlog-tiles under its own prefix. Its leaf ``e`` (epoch ``e``) says: "the label index
(:mod:`ledger.core.prefix_tree`), as of version ``e``, holds exactly the labels of the first
``log_size`` entries of the access log, whose RFC 6962 root is ``log_root``". Witnesses that
audit the index (:class:`IndexAuditor`) rebuild that tree from the access log's public entries
and co-sign the index log's checkpoint only when every new leaf's root matches, so a browser
that checks a person's labels against an index root with a witness quorum relies on them.

The leaf, 109 bytes::

    "access-index/leaf/v1" 0x00   (21 bytes, LEAF_TAG)
    epoch                         (uint64, big-endian: the leaf's own index in the index log)
    time                          (uint64, big-endian: when the epoch was built, Unix seconds)
    log size                      (uint64, big-endian: access-log entries the index covers)
    log root                      (32 bytes: RFC 6962 root of those entries)
    index root                    (32 bytes: prefix-tree root, version = epoch)

What the index holds is a function of the access log alone: every format version 2 entry's
label maps to (its index, its leaf hash); version 1 entries carry no label and are skipped. A
label occurring twice makes the log unindexable (:data:`REASON_DUPLICATE_LABEL`).

Standard library only (the prefix tree and the Merkle code of this package).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ledger.core.merkle import EMPTY_ROOT, leaf_hash, node_hash
from ledger.core.prefix_tree import (
    EMPTY_HASH,
    DuplicateKeyError,
    IndexValue,
    Node,
    PrefixTree,
)

__all__ = [
    "LEAF_SIZE",
    "LEAF_TAG",
    "REASON_DUPLICATE_LABEL",
    "REASON_EPOCH",
    "REASON_INDEX_ROOT",
    "REASON_LEAF_FORMAT",
    "REASON_LOG_ROOT",
    "REASON_LOG_SHRINKS",
    "REASON_TIME",
    "CompactRange",
    "IndexAuditError",
    "IndexAuditor",
    "IndexLeaf",
    "IndexLeafError",
    "LatestNodeStore",
    "index_items",
]

LEAF_TAG = b"access-index/leaf/v1\x00"
LEAF_SIZE = len(LEAF_TAG) + 8 * 3 + 32 * 2
_MAX_U64 = 2**64 - 1

#: Why an auditor refuses an index-log checkpoint (the witness answers with the code).
REASON_LEAF_FORMAT = "leaf_format"
REASON_EPOCH = "epoch"
REASON_TIME = "time"
REASON_LOG_SHRINKS = "log_shrinks"
REASON_LOG_ROOT = "log_root"
REASON_DUPLICATE_LABEL = "duplicate_label"
REASON_INDEX_ROOT = "index_root"
REASON_ENTRY = "entry"


class IndexLeafError(ValueError):
    """Bytes that are not an index-log leaf."""


@dataclass(frozen=True)
class IndexLeaf:
    """One epoch of the label index, bound to the access-log tree it was built from."""

    epoch: int
    time: int
    log_size: int
    log_root: bytes
    index_root: bytes

    def __post_init__(self) -> None:
        for name in ("epoch", "time", "log_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= _MAX_U64:
                raise IndexLeafError(f"{name} must be an integer between 0 and 2**64 - 1")
        for name in ("log_root", "index_root"):
            value = getattr(self, name)
            if not isinstance(value, bytes) or len(value) != 32:
                raise IndexLeafError(f"{name} must be 32 bytes")

    def to_bytes(self) -> bytes:
        return b"".join(
            (
                LEAF_TAG,
                self.epoch.to_bytes(8, "big"),
                self.time.to_bytes(8, "big"),
                self.log_size.to_bytes(8, "big"),
                self.log_root,
                self.index_root,
            )
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> IndexLeaf:
        if not isinstance(data, bytes) or len(data) != LEAF_SIZE:
            raise IndexLeafError(f"an index-log leaf is {LEAF_SIZE} bytes")
        if not data.startswith(LEAF_TAG):
            raise IndexLeafError("not an index-log leaf (access-index/leaf/v1)")
        p = len(LEAF_TAG)
        return cls(
            epoch=int.from_bytes(data[p : p + 8], "big"),
            time=int.from_bytes(data[p + 8 : p + 16], "big"),
            log_size=int.from_bytes(data[p + 16 : p + 24], "big"),
            log_root=data[p + 24 : p + 56],
            index_root=data[p + 56 : p + 88],
        )

    @property
    def leaf_hash(self) -> bytes:
        """The RFC 6962 leaf hash of the leaf in the index log."""
        return leaf_hash(self.to_bytes())


def entry_label(data: bytes) -> bytes | None:
    """The 32-byte label of canonical access-log entry bytes; ``None`` for a version 1 entry.

    Only the ``label`` member is needed, so the entry is read as JSON (the access log's own
    verifiers check the rest of its format).
    """
    try:
        obj = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise IndexLeafError("an access-log entry is not JSON") from None
    if not isinstance(obj, dict):
        raise IndexLeafError("an access-log entry is not a JSON object")
    version = obj.get("v")
    if version == 1:
        return None
    label = obj.get("label")
    if version != 2 or not isinstance(label, str) or len(label) != 64:
        raise IndexLeafError("an access-log entry of version 2 has a 64-hex label")
    try:
        key = bytes.fromhex(label)
    except ValueError:
        raise IndexLeafError("an entry label is not hex") from None
    if key.hex() != label:
        raise IndexLeafError("an entry label is not lowercase hex")
    return key


def index_items(start: int, entries: Iterable[bytes]) -> list[tuple[bytes, IndexValue]]:
    """The index's (label, value) items of access-log entries ``start``, ``start + 1`` … ."""
    items: list[tuple[bytes, IndexValue]] = []
    for i, data in enumerate(entries, start):
        key = entry_label(data)
        if key is not None:
            items.append((key, IndexValue(i, leaf_hash(data))))
    return items


class CompactRange:
    """The right border of an RFC 6962 tree (its perfect subtrees' roots): append, root."""

    def __init__(self) -> None:
        self.size = 0
        self.roots: list[tuple[int, bytes]] = []

    def append(self, leaf: bytes) -> None:
        size, node = 1, leaf
        while self.roots and self.roots[-1][0] == size:
            node = node_hash(self.roots.pop()[1], node)
            size *= 2
        self.roots.append((size, node))
        self.size += 1

    def root(self) -> bytes:
        if not self.roots:
            return EMPTY_ROOT
        root = self.roots[-1][1]
        for _, left in reversed(self.roots[:-1]):
            root = node_hash(left, root)
        return root

    def copy(self) -> CompactRange:
        other = CompactRange()
        other.size, other.roots = self.size, list(self.roots)
        return other


class LatestNodeStore:
    """A prefix-tree ``NodeStore`` that keeps only the newest version of each node.

    What an auditor needs: it only ever extends the tree and compares the new root, so older
    versions are dropped (half the memory of ``MemoryNodeStore`` for a tree built once).
    """

    def __init__(self) -> None:
        self.nodes: dict[bytes, Node] = {}
        self._latest: int | None = None

    def latest_version(self) -> int | None:
        return self._latest

    def read_nodes(self, version: int, ids: Iterable[bytes]) -> dict[bytes, Node]:
        nodes = self.nodes
        return {i: nodes[i] for i in ids if i in nodes}

    def write_nodes(self, version: int, nodes: Mapping[bytes, Node]) -> None:
        self.nodes.update(nodes)
        self._latest = version


class IndexAuditError(Exception):
    """An index-log leaf that is not what the access log says; ``code`` names the check."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


#: Reads access-log entries [start, end) (bytes), e.g. from the log's tiles.
EntryReader = Callable[[int, int], Sequence[bytes]]


class IndexAuditor:
    """Rebuilds the label index from the access log alone and checks each index-log leaf.

    State: the access-log entries read so far (as a compact range and the label index over
    them) and the index-log leaves audited (as a compact range). :meth:`audit` checks new
    leaves in order; on any finding the auditor is left unusable (``broken``) and the caller
    starts a fresh one, so a refused leaf never leaves half-applied state behind.
    """

    def __init__(self, *, clock_skew: int = 300, now: Callable[[], float] | None = None) -> None:
        self.log = CompactRange()
        self.store = LatestNodeStore()
        self.tree = PrefixTree(self.store)
        self.labels: dict[bytes, int] = {}
        self.index_log = CompactRange()
        self.last: IndexLeaf | None = None
        self.version = -1
        self.broken = False
        self.clock_skew = clock_skew
        self.now = now

    @property
    def index_root(self) -> bytes:
        if self.version < 0:
            return EMPTY_HASH
        return self.tree.root(version=self.version)

    def extend(self, end: int, read_entries: EntryReader) -> None:
        """Read access-log entries up to ``end`` and add their labels (one new version)."""
        start = self.log.size
        if end == start:
            self.version += 1
            self.tree.insert_many([], version=self.version)
            return
        entries = read_entries(start, end)
        if len(entries) != end - start:
            raise IndexAuditError(REASON_ENTRY, f"read {len(entries)} entries for {start}..{end}")
        try:
            items = index_items(start, entries)
        except IndexLeafError as exc:
            raise IndexAuditError(REASON_ENTRY, f"entries {start}..{end - 1}: {exc}") from None
        for data in entries:
            self.log.append(leaf_hash(data))
        for key, value in items:
            first = self.labels.get(key)
            if first is not None:
                raise IndexAuditError(
                    REASON_DUPLICATE_LABEL,
                    f"label {key.hex()} is on access-log entries {first} and "
                    f"{value.entry_index}: the log cannot be indexed",
                )
            self.labels[key] = value.entry_index
        self.version += 1
        try:
            self.tree.insert_many(items, version=self.version)
        except DuplicateKeyError as exc:  # pragma: no cover - caught above
            raise IndexAuditError(REASON_DUPLICATE_LABEL, str(exc)) from None

    def check_leaf(self, leaf: IndexLeaf, position: int, read_entries: EntryReader) -> None:
        """Audit the index-log leaf at ``position``; raises :class:`IndexAuditError`."""
        if leaf.epoch != position:
            raise IndexAuditError(
                REASON_EPOCH, f"leaf {position} says epoch {leaf.epoch}, not {position}"
            )
        if self.last is not None and leaf.time < self.last.time:
            raise IndexAuditError(
                REASON_TIME, f"epoch {position} is dated before epoch {position - 1}"
            )
        if self.now is not None and leaf.time > self.now() + self.clock_skew:
            raise IndexAuditError(REASON_TIME, f"epoch {position} is dated in the future")
        if leaf.log_size < self.log.size:
            raise IndexAuditError(
                REASON_LOG_SHRINKS,
                f"epoch {position} covers {leaf.log_size} access-log entries, "
                f"epoch {position - 1} covered {self.log.size}",
            )
        self.extend(leaf.log_size, read_entries)
        root = self.log.root()
        if root != leaf.log_root:
            raise IndexAuditError(
                REASON_LOG_ROOT,
                f"epoch {position} binds access-log root {leaf.log_root.hex()} for "
                f"{leaf.log_size} entries; the log's entries give {root.hex()}",
            )
        rebuilt = self.index_root
        if rebuilt != leaf.index_root:
            raise IndexAuditError(
                REASON_INDEX_ROOT,
                f"epoch {position}: index root {leaf.index_root.hex()} is not the prefix tree "
                f"of the labels of access-log entries 0..{leaf.log_size - 1} "
                f"(rebuilt from the log: {rebuilt.hex()})",
            )
        self.index_log.append(leaf.leaf_hash)
        self.last = leaf

    def audit(self, leaves: Sequence[bytes], index_root: bytes, read_entries: EntryReader) -> None:
        """Audit index-log leaves (bytes) ``self.index_log.size`` onwards, in order; the
        index log's root over all leaves must then be ``index_root`` (the checkpoint's)."""
        if self.broken:
            raise IndexAuditError(REASON_ENTRY, "the auditor must be rebuilt after a finding")
        try:
            for data in leaves:
                position = self.index_log.size
                try:
                    leaf = IndexLeaf.from_bytes(data)
                except IndexLeafError as exc:
                    raise IndexAuditError(REASON_LEAF_FORMAT, f"leaf {position}: {exc}") from None
                self.check_leaf(leaf, position, read_entries)
            if self.index_log.root() != index_root:
                raise IndexAuditError(
                    REASON_LEAF_FORMAT,
                    "the index log's leaves do not give the checkpoint's root hash",
                )
        except BaseException:
            self.broken = True
            raise
