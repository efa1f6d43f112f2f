"""The database behind the Merkle tree: ``TreeHash`` rows read through a one-method interface."""

from collections.abc import Sequence

from ledger.models import TreeHash


class DatabaseHashReader:
    """Implements ``ledger.core.merkle.HashReader`` over the append-only ``TreeHash`` table.

    ``overlay`` holds hashes computed in the current sequencing batch and not yet written.
    """

    def __init__(self, overlay: dict[int, bytes] | None = None) -> None:
        self.overlay = overlay if overlay is not None else {}

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        missing = [i for i in indexes if i not in self.overlay]
        found: dict[int, bytes] = {}
        if missing:
            for index, raw in TreeHash.objects.filter(index__in=missing).values_list(
                "index", "hash"
            ):
                found[index] = bytes(raw)
        out: list[bytes] = []
        for i in indexes:
            stored = self.overlay.get(i) or found.get(i)
            if stored is None:
                raise LookupError(f"tree hash {i} is not stored")
            out.append(stored)
        return out
