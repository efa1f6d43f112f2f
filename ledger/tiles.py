"""Reads of the log as C2SP tlog-tiles: hash tiles and entry bundles from the stored rows.

Tiles are read from the stored tree nodes (``TreeHash``) and entry bytes (``Entry``), never
recomputed: one query for a tile whatever its level, and one for the latest checkpoint's size.
Only the tree of the latest checkpoint is served (``ledger.core.tiles.check_tile_available``):
entries sequenced after it have stored nodes already, but no signed root yet.
"""

from ledger.core.tiles import (
    EntryBundle,
    HashTile,
    check_tile_available,
    encode_entry_bundle,
    hash_tile_data,
    tile_hash_indexes,
)
from ledger.logs import ACCESS_LOG, LogTables
from ledger.storage import DatabaseHashReader, PrefetchedHashReader

__all__ = ["entry_bundle_data", "hash_tile_bytes", "tile_data", "tile_tree_size"]


def tile_tree_size(log: LogTables = ACCESS_LOG) -> int | None:
    """The tree size of the latest checkpoint, or None before the first one (one query)."""
    size: int | None = (
        log.checkpoint_model._default_manager.order_by("-id")
        .values_list("tree_size", flat=True)
        .first()
    )
    return size


def entry_bundle_data(bundle: EntryBundle, log: LogTables = ACCESS_LOG) -> bytes:
    """The bundle's bytes (c2sp.org/tlog-tiles "Log entries") from the stored entries."""
    start = bundle.start
    rows = list(
        log.leaf_model._default_manager.filter(index__gte=start, index__lt=start + bundle.width)
        .order_by("index")
        .values_list("index", "data")
    )
    if [index for index, _ in rows] != list(range(start, start + bundle.width)):
        raise LookupError(f"entries of {bundle.path} are not all stored")
    return encode_entry_bundle(bytes(data) for _, data in rows)


def tile_data(
    *, resource: HashTile | EntryBundle, tree_size: int, log: LogTables = ACCESS_LOG
) -> bytes:
    """The bytes of a hash tile or entry bundle of the tree of ``tree_size`` entries.

    Raises ``ledger.core.tiles.TileUnavailable`` when that tree does not serve it (beyond the
    tree, a full tile that is still partial, a partial one whose full tile exists).  One query.
    """
    check_tile_available(resource, tree_size)
    if isinstance(resource, EntryBundle):
        return entry_bundle_data(resource, log)
    return hash_tile_bytes(resource, log)


def hash_tile_bytes(tile: HashTile, log: LogTables = ACCESS_LOG) -> bytes:
    """The tile's hashes from the stored nodes (``ledger.core.tiles.hash_tile_data``), one query.

    A level 0 tile's leaf hashes and the nodes between them are one run of about ``2 * W``
    consecutive stored hashes: a range scan costs less than ``W`` parameters.  Higher tiles'
    hashes lie far apart and are read by index.
    """
    if tile.level > 0:
        return hash_tile_data(tile, DatabaseHashReader(model=log.hash_model))
    indexes = tile_hash_indexes(tile)
    rows = log.hash_model._default_manager.filter(index__gte=indexes[0], index__lte=indexes[-1])
    found = {index: bytes(value) for index, value in rows.values_list("index", "hash")}
    return hash_tile_data(tile, PrefetchedHashReader(found))
