"""An in-memory ledger: the reference sequence of operations for a storage-backed log.

The Django sequencer does the same steps against its tables; tests and tools use this class.
For each new entry: take the next index, set ``prev`` to the previous leaf hash, sign the entry
bytes with the log key, and append ``stored_hashes_for_record`` to the hash table.  Checkpoints
are C2SP tlog-checkpoint notes over ``tree_hash``; bundles follow ``ledger.core.bundle``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ledger.core.bundle import BundleEntry, build_bundle, bundle_proof
from ledger.core.checkpoint import Checkpoint, sign_checkpoint
from ledger.core.entry import ZERO_HASH_HEX, Entry, sign_entry
from ledger.core.merkle import MemoryHashStore, leaf_hash
from ledger.core.notes import parse_note
from ledger.core.proofs import prove_consistency, prove_inclusion
from ledger.core.signing import SigningKey

__all__ = ["MemoryLog", "StoredEntry"]


@dataclass(frozen=True)
class StoredEntry:
    """A sequenced entry: index, canonical bytes, signing key id and signature."""

    index: int
    data: bytes
    key: str
    signature: bytes


class MemoryLog:
    """A complete ledger held in memory (for tests, demos and as a reference)."""

    def __init__(self, origin: str, key: SigningKey) -> None:
        self.origin = origin
        self.key = key
        self.old_keys: list[SigningKey] = []
        self.store = MemoryHashStore()
        self.entries: list[StoredEntry] = []

    @property
    def size(self) -> int:
        """Number of entries."""
        return len(self.entries)

    def last_leaf_hash_hex(self) -> str:
        """The ``prev`` value for the next entry."""
        if not self.entries:
            return ZERO_HASH_HEX
        return leaf_hash(self.entries[-1].data).hex()

    def append(self, entry: Entry) -> StoredEntry:
        """Sequence an entry: its ``prev`` is replaced by the chain value, then it is signed."""
        entry = replace(entry, prev=self.last_leaf_hash_hex())
        data = entry.to_bytes()
        stored = StoredEntry(self.size, data, self.key.key_id, sign_entry(data, self.key))
        self.store.append(data)
        self.entries.append(stored)
        return stored

    def rotate_key(self, new_key: SigningKey) -> None:
        """Sign further entries and checkpoints with ``new_key``; keep the old key known."""
        self.old_keys.append(self.key)
        self.key = new_key

    def checkpoint(self, size: int | None = None) -> Checkpoint:
        """The checkpoint body for ``size`` (default: the whole log)."""
        n = self.size if size is None else size
        return Checkpoint(self.origin, n, self.store.root(n))

    def signed_checkpoint(self, size: int | None = None) -> str:
        """A checkpoint note signed by the current log key."""
        return sign_checkpoint(self.checkpoint(size), self.key)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Audit path for entry ``index`` in the tree of ``size``."""
        return prove_inclusion(index, self.size if size is None else size, self.store)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        """Consistency proof between two sizes."""
        return prove_consistency(old, self.size if new is None else new, self.store)

    def vkeys(self) -> list[str]:
        """Current and old log vkeys."""
        return [k.vkey for k in [*self.old_keys, self.key]]

    def bundle(
        self,
        checkpoint_note: str,
        start: int = 0,
        end: int | None = None,
        *,
        witness_vkeys: Sequence[str] = (),
        witnesses_required: int = 0,
    ) -> dict[str, object]:
        """Export entries [start, end) against a signed checkpoint note."""
        text, _ = parse_note(checkpoint_note)
        size = Checkpoint.from_text(text).size
        stop = size if end is None else end
        prev = ZERO_HASH_HEX if start == 0 else leaf_hash(self.entries[start - 1].data).hex()
        return build_bundle(
            origin=self.origin,
            keys=[*self.vkeys(), *witness_vkeys],
            witnesses_required=witnesses_required,
            start=start,
            prev=prev,
            entries=[
                BundleEntry(e.index, e.data, e.key, e.signature) for e in self.entries[start:stop]
            ],
            checkpoint=checkpoint_note,
            proof=bundle_proof(start, stop, size, self.store),
        )
