"""The database behind the Merkle tree: ``TreeHash`` rows read through a one-method interface."""

from collections.abc import Callable, Sequence

from django.db import models

from ledger.core.merkle import HashReader
from ledger.models import TreeHash


class DatabaseHashReader:
    """Implements ``ledger.core.merkle.HashReader`` over the append-only ``TreeHash`` table.

    ``overlay`` holds hashes computed in the current sequencing batch and not yet written;
    ``model`` is the log's hash table (``IndexTreeHash`` for the index log).
    """

    def __init__(
        self, overlay: dict[int, bytes] | None = None, model: type[models.Model] = TreeHash
    ) -> None:
        self.overlay = overlay if overlay is not None else {}
        self.model = model

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        missing = [i for i in indexes if i not in self.overlay]
        found: dict[int, bytes] = {}
        if missing:
            for index, raw in self.model._default_manager.filter(index__in=missing).values_list(
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


class _IndexRecorder:
    """A reader that only notes which stored hashes are asked for (values are placeholders)."""

    def __init__(self) -> None:
        self.wanted: list[int] = []

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        self.wanted.extend(indexes)
        return [bytes(32)] * len(indexes)


class PrefetchedHashReader:
    """Stored hashes read in advance; asking for any other index is an error."""

    def __init__(self, hashes: dict[int, bytes]) -> None:
        self.hashes = hashes

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        try:
            return [self.hashes[i] for i in indexes]
        except KeyError as exc:
            raise LookupError(f"tree hash {exc.args[0]} was not prefetched") from None


def prefetch_hashes(
    *uses: Callable[[HashReader], object], model: type[models.Model] = TreeHash
) -> PrefetchedHashReader:
    """Every stored hash that ``uses`` will read, in one query.

    Which hashes a tree hash or a proof needs depends only on the sizes and indexes, never
    on the hashes' values (as in Go's sumdb/tlog), so a dry run with placeholders finds them.
    """
    recorder = _IndexRecorder()
    for use in uses:
        use(recorder)
    wanted = sorted(set(recorder.wanted))
    return PrefetchedHashReader(
        dict(zip(wanted, DatabaseHashReader(model=model).read_hashes(wanted), strict=True))
    )
