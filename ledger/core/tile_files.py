"""A tiled log as static files (c2sp.org/tlog-tiles), for any web server or object store.

The layout is the URL layout under the log's prefix: ``checkpoint``, ``tile/<L>/<N>[.p/<W>]``
and ``tile/entries/<N>[.p/<W>]``; the ``x`` prefixes of tile indexes keep files and
directories apart (section "Merkle Tree").  Tiles never change, so an existing tile file is
never rewritten: the same bytes are left alone, other bytes are an error (a fork of the log,
or a damaged export).  The checkpoint is the one mutable file.
"""

from __future__ import annotations

import os
from pathlib import Path

from ledger.core.tiles import TileError

__all__ = ["write_tile_file"]


def write_tile_file(root: Path, path: str, data: bytes, *, mutable: bool = False) -> bool:
    """Write ``root/path`` atomically unless it holds ``data`` already; True when written.

    Raises :class:`~ledger.core.tiles.TileError` when an immutable file (a tile) exists with
    other bytes.
    """
    target = root / path
    try:
        existing = target.read_bytes()
    except FileNotFoundError:
        existing = None
    if existing == data:
        return False
    if existing is not None and not mutable:
        raise TileError(
            f"{path} exists with other bytes: tiles never change (a fork of the log, or a "
            "damaged export?)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return True
