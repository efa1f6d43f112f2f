"""C2SP tlog-tiles: the Merkle tree and the entries as static tiles (c2sp.org/tlog-tiles).

A tiled log serves its tree as *hash tiles* and its entries as *entry bundles* (section
"APIs").  Tiles have height 8 (section "Merkle Tree"): the ``n``-th tile at level ``l`` holds,
for ``i`` from 0 to 255, ``MTH(D[(n * 256 + i) * 256**l : (n * 256 + i + 1) * 256**l])`` (RFC
6962 section 2.1), so a level 0 tile holds leaf hashes and every hash of a level ``l + 1`` tile
is the root of a *full* tile at level ``l``.  In the dense storage order of
:mod:`ledger.core.merkle` (Go's ``sumdb/tlog``), those are the stored hashes at tree level
``8 * l``, node indexes ``256 * n`` to ``256 * n + 255``: a tile is read from stored hashes
without hashing anything (``tlog.ReadTileData``).

Paths (section "Merkle Tree"): ``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]``, with
``<N>`` in zero-padded 3-digit path elements, all but the last prefixed by ``x``
(``1234067`` is ``x001/x234/067``), and ``.p/<W>`` only for a partial tile of width 1 to 255
(section "Partial Tiles").  Parsing is strict: every resource has exactly one path.

Entry bundles (section "Log entries") are the entries in order, each a big-endian ``uint16``
length followed by the entry bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ledger.core.merkle import (
    HASH_SIZE,
    HashReader,
    TreeError,
    node_hash,
    root_from_leaf_hashes,
    split_stored_hash_index,
    stored_hash_index,
)

__all__ = [
    "MAX_ENTRY_SIZE",
    "MAX_LEVEL",
    "MAX_TILE_INDEX",
    "REASON_BEYOND",
    "REASON_COMPLETE",
    "REASON_PARTIAL",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "EntryBundle",
    "HashTile",
    "TileError",
    "TileHashReader",
    "TileUnavailable",
    "build_hash_tiles",
    "check_tile_available",
    "decode_entry_bundle",
    "encode_entry_bundle",
    "entry_bundles_for_size",
    "format_tile_index",
    "hash_tile_data",
    "hash_tiles_for_size",
    "parse_tile_path",
    "root_from_tile_hashes",
    "split_hash_tile",
    "tile_for_size",
    "tile_hash_indexes",
    "tile_roots",
]

#: c2sp.org/tlog-tiles "Merkle Tree": tiles are subtrees of height 8, full tiles 256 hashes wide.
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
#: c2sp.org/tlog-tiles "Merkle Tree": ``<L>`` is a decimal integer between 0 and 63.
MAX_LEVEL = 63
#: Tile indexes are limited to what a signed 64-bit tree size can need (as Go's ``int64``).
MAX_TILE_INDEX = 2**63 - 1
#: c2sp.org/tlog-tiles "Log entries": entries are ``uint16`` length-prefixed.
MAX_ENTRY_SIZE = 0xFFFF

#: Why :func:`check_tile_available` refuses a tile for a tree size.
REASON_BEYOND = "beyond"  # not (yet) part of the tree
REASON_PARTIAL = "partial"  # the full tile was asked for, but the tree holds only part of it
REASON_COMPLETE = "complete"  # a partial tile was asked for, but the full tile is available

_GROUP_RE = re.compile(r"x[0-9]{3}")
_LAST_RE = re.compile(r"[0-9]{3}")
_DECIMAL_RE = re.compile(r"0|[1-9][0-9]{0,2}")


class TileError(ValueError):
    """A malformed tile path, tile or entry bundle; the message says what is wrong."""


class TileUnavailable(LookupError):
    """A well-formed tile that the tree of a given size does not serve.

    ``reason`` is one of ``REASON_*``; ``current`` is the resource the tree serves at the same
    place instead (the partial tile while the full one is not complete, the full tile once the
    partial one is superseded), or None.
    """

    def __init__(
        self, reason: str, message: str, current: HashTile | EntryBundle | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.current = current


def format_tile_index(index: int) -> str:
    """``<N>`` of a tile path: 3-digit groups, all but the last prefixed by ``x``."""
    if not 0 <= index <= MAX_TILE_INDEX:
        raise TileError(f"tile index {index} is out of range")
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def _suffix(width: int) -> str:
    return "" if width == TILE_WIDTH else f".p/{width}"


def _check_width(width: int) -> None:
    if not 1 <= width <= TILE_WIDTH:
        raise TileError(f"tile width must be between 1 and {TILE_WIDTH}, not {width}")


@dataclass(frozen=True, order=True)
class HashTile:
    """Hash tile ``(level, index, width)``: ``width`` hashes of tree level ``8 * level``."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if not 0 <= self.level <= MAX_LEVEL:
            raise TileError(f"tile level must be between 0 and {MAX_LEVEL}, not {self.level}")
        if not 0 <= self.index <= MAX_TILE_INDEX:
            raise TileError(f"tile index {self.index} is out of range")
        _check_width(self.width)

    @property
    def partial(self) -> bool:
        """True for a partial tile (fewer than 256 hashes)."""
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        """``tile/<L>/<N>[.p/<W>]`` (c2sp.org/tlog-tiles "Merkle Tree")."""
        return f"tile/{self.level}/{format_tile_index(self.index)}{_suffix(self.width)}"

    @property
    def start(self) -> int:
        """First entry index the tile spans (the tile's *start index*)."""
        return self.index << (TILE_HEIGHT * (self.level + 1))

    def full(self) -> HashTile:
        """The full tile at the same place."""
        return HashTile(self.level, self.index)


@dataclass(frozen=True, order=True)
class EntryBundle:
    """Entry bundle ``(index, width)``: entries ``256 * index`` to ``256 * index + width - 1``."""

    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if not 0 <= self.index <= MAX_TILE_INDEX:
            raise TileError(f"tile index {self.index} is out of range")
        _check_width(self.width)

    @property
    def partial(self) -> bool:
        """True for a partial bundle (fewer than 256 entries)."""
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        """``tile/entries/<N>[.p/<W>]`` (c2sp.org/tlog-tiles "Log entries")."""
        return f"tile/entries/{format_tile_index(self.index)}{_suffix(self.width)}"

    @property
    def start(self) -> int:
        """Index of the first entry in the bundle."""
        return self.index * TILE_WIDTH

    def full(self) -> EntryBundle:
        """The full bundle at the same place."""
        return EntryBundle(self.index)

    def tile(self) -> HashTile:
        """The level 0 hash tile that holds these entries' leaf hashes."""
        return HashTile(0, self.index, self.width)


def _decimal(text: str, low: int, high: int, what: str) -> int:
    if not _DECIMAL_RE.fullmatch(text):
        raise TileError(f"{what} must be a decimal number without leading zeroes")
    value = int(text)
    if not low <= value <= high:
        raise TileError(f"{what} must be between {low} and {high}")
    return value


def parse_tile_path(path: str) -> HashTile | EntryBundle:
    """Parse ``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]`` strictly.

    c2sp.org/tlog-tiles "Merkle Tree" and "Log entries": ``<L>`` is 0 to 63 and ``<W>`` 1 to
    255, both decimal without leading zeroes; ``<N>`` is 3-digit groups, all but the last with
    an ``x``, and without a leading all-zero group (so that each tile has one path).  Raises
    :class:`TileError`.
    """
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "tile":
        raise TileError("a tile path is tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]")
    entries = parts[1] == "entries"
    level = 0 if entries else _decimal(parts[1], 0, MAX_LEVEL, "tile level")
    rest = parts[2:]
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        width = _decimal(rest[-1], 1, TILE_WIDTH - 1, "partial tile width")
        rest = [*rest[:-2], rest[-2][:-2]]
    *groups, last = rest
    if not _LAST_RE.fullmatch(last) or not all(_GROUP_RE.fullmatch(g) for g in groups):
        raise TileError("a tile index is 3-digit groups, all but the last prefixed by x")
    if groups and groups[0] == "x000":
        raise TileError("a tile index must not start with a group of zeroes")
    index = int("".join(g[1:] for g in groups) + last)
    if index > MAX_TILE_INDEX:
        raise TileError("tile index is out of range")
    if entries:
        return EntryBundle(index, width)
    return HashTile(level, index, width)


def _level_count(level: int, size: int) -> int:
    """Number of complete nodes at tree level ``8 * level`` in a tree of ``size`` leaves."""
    return size >> (TILE_HEIGHT * level)


def tile_for_size(level: int, index: int, size: int) -> HashTile | None:
    """The tile at (level, index) as the tree of ``size`` leaves has it, or None if none.

    c2sp.org/tlog-tiles "Partial Tiles": the rightmost tile at level ``l`` has
    ``floor(size / 256**l) mod 256`` hashes; empty tiles do not exist.
    """
    if size < 0:
        raise TreeError(f"invalid tree size {size}")
    width = min(TILE_WIDTH, _level_count(level, size) - index * TILE_WIDTH)
    if width <= 0:
        return None
    return HashTile(level, index, width)


def hash_tiles_for_size(size: int) -> list[HashTile]:
    """Every hash tile of the tree of ``size`` leaves, full and partial, level by level.

    For example (c2sp.org/tlog-tiles "Partial Tiles") a tree of 70,000 leaves has 273 full
    level 0 tiles and one of width 112, one full level 1 tile and one of width 17, and one level
    2 tile of width 1; a tree of 256 leaves has one full level 0 tile and a level 1 tile of
    width 1.
    """
    if size < 0:
        raise TreeError(f"invalid tree size {size}")
    tiles: list[HashTile] = []
    level = 0
    while (count := _level_count(level, size)) > 0:
        full, rest = divmod(count, TILE_WIDTH)
        tiles.extend(HashTile(level, n) for n in range(full))
        if rest:
            tiles.append(HashTile(level, full, rest))
        level += 1
    return tiles


def entry_bundles_for_size(size: int) -> list[EntryBundle]:
    """Every entry bundle of a log of ``size`` entries (the level 0 tiles' places)."""
    return [EntryBundle(t.index, t.width) for t in hash_tiles_for_size(size) if t.level == 0]


def check_tile_available(resource: HashTile | EntryBundle, size: int) -> None:
    """Raise :class:`TileUnavailable` unless the tree of ``size`` leaves serves ``resource``.

    A full tile exists once the tree covers all of it.  A partial tile of width ``W`` exists
    while the tree holds at least ``W`` but fewer than 256 hashes at its place: every
    checkpoint of a size up to ``size`` needs its own partial tile, which the log MUST serve
    until the full tile is available (c2sp.org/tlog-tiles "Partial Tiles"); larger widths are
    beyond the tree, and once the full tile exists partial ones are no longer served (as
    the spec allows).
    """
    level = resource.level if isinstance(resource, HashTile) else 0
    here = tile_for_size(level, resource.index, size)
    current: HashTile | EntryBundle | None = here
    if here is not None and isinstance(resource, EntryBundle):
        current = EntryBundle(here.index, here.width)
    if here is None:
        raise TileUnavailable(REASON_BEYOND, f"{resource.path} is beyond the tree of size {size}")
    if not resource.partial and here.partial:
        raise TileUnavailable(
            REASON_PARTIAL,
            f"{resource.path} is not complete in the tree of size {size}",
            current,
        )
    if resource.partial and not here.partial:
        raise TileUnavailable(
            REASON_COMPLETE,
            f"{resource.path} is superseded by the full tile {resource.full().path}",
            resource.full(),
        )
    if resource.width > here.width:
        raise TileUnavailable(REASON_BEYOND, f"{resource.path} is beyond the tree of size {size}")


def tile_hash_indexes(tile: HashTile) -> list[int]:
    """Stored hash indexes (:func:`ledger.core.merkle.stored_hash_index`) of a tile's hashes."""
    level = TILE_HEIGHT * tile.level
    first = tile.index * TILE_WIDTH
    return [stored_hash_index(level, first + i) for i in range(tile.width)]


def hash_tile_data(tile: HashTile, reader: HashReader) -> bytes:
    """The tile's bytes, its hashes concatenated, read from stored hashes (``tlog.ReadTileData``).

    One ``read_hashes`` call; nothing is hashed.  The caller makes sure the tree holds the tile
    (:func:`check_tile_available`): stored hashes of a larger tree are the same.
    """
    indexes = tile_hash_indexes(tile)
    hashes = reader.read_hashes(indexes)
    if len(hashes) != len(indexes) or any(len(h) != HASH_SIZE for h in hashes):
        raise TreeError(f"the hash reader returned the wrong hashes for {tile.path}")
    return b"".join(hashes)


def split_hash_tile(data: bytes, width: int) -> list[bytes]:
    """The hashes of a tile of ``width`` hashes; refuses data of any other length."""
    _check_width(width)
    if len(data) != width * HASH_SIZE:
        raise TileError(
            f"a tile of {width} hashes is {width * HASH_SIZE} bytes, not {len(data)} bytes"
        )
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def encode_entry_bundle(entries: Iterable[bytes]) -> bytes:
    """An entry bundle: each entry as a big-endian uint16 length then its bytes.

    c2sp.org/tlog-tiles "Log entries"; an entry longer than 65,535 bytes cannot be encoded
    and raises :class:`TileError`.
    """
    out = bytearray()
    for count, entry in enumerate(entries):
        if count >= TILE_WIDTH:
            raise TileError(f"an entry bundle holds at most {TILE_WIDTH} entries")
        if len(entry) > MAX_ENTRY_SIZE:
            raise TileError(
                f"entry of {len(entry)} bytes is longer than the {MAX_ENTRY_SIZE} bytes a "
                "bundle can hold"
            )
        out += len(entry).to_bytes(2, "big")
        out += entry
    return bytes(out)


def decode_entry_bundle(data: bytes, width: int | None = None) -> list[bytes]:
    """The entries of a bundle (c2sp.org/tlog-tiles "Log entries"); strict.

    Refuses a truncated length or entry, and, with ``width``, any other number of entries.
    """
    entries: list[bytes] = []
    pos, end = 0, len(data)
    while pos < end:
        if end - pos < 2:
            raise TileError(f"entry bundle ends inside the length of entry {len(entries)}")
        length = (data[pos] << 8) | data[pos + 1]
        pos += 2
        if end - pos < length:
            raise TileError(f"entry bundle ends inside entry {len(entries)}")
        entries.append(data[pos : pos + length])
        pos += length
        if len(entries) > TILE_WIDTH:
            raise TileError(f"an entry bundle holds at most {TILE_WIDTH} entries")
    if width is not None and len(entries) != width:
        raise TileError(f"entry bundle holds {len(entries)} entries, not {width}")
    return entries


def tile_roots(hashes: Sequence[bytes]) -> list[bytes]:
    """The hashes one level up: the root of each *full* group of 256 (a partial one is not).

    c2sp.org/tlog-tiles "Merkle Tree": each hash of a tile at level ``l + 1`` is the Merkle Tree
    Hash of a full tile at level ``l``; "Partial Tiles": a partial tile MUST NOT be hashed into
    the level above.
    """
    full = len(hashes) - len(hashes) % TILE_WIDTH
    return [root_from_leaf_hashes(hashes[i : i + TILE_WIDTH]) for i in range(0, full, TILE_WIDTH)]


def build_hash_tiles(leaf_hashes: Sequence[bytes]) -> list[tuple[HashTile, bytes]]:
    """Every hash tile, with its bytes, of the tree of these leaf hashes (level by level)."""
    out: list[tuple[HashTile, bytes]] = []
    level, hashes = 0, list(leaf_hashes)
    while hashes:
        for n in range(0, len(hashes), TILE_WIDTH):
            group = hashes[n : n + TILE_WIDTH]
            out.append((HashTile(level, n // TILE_WIDTH, len(group)), b"".join(group)))
        hashes = tile_roots(hashes)
        level += 1
    return out


def _compact(hashes: Sequence[bytes], unit: int) -> list[tuple[int, bytes]]:
    """Maximal perfect subtrees (size in leaves, hash) of consecutive nodes of ``unit`` leaves."""
    stack: list[tuple[int, bytes]] = []
    for h in hashes:
        size, cur = unit, h
        while stack and stack[-1][0] == size:
            cur = node_hash(stack.pop()[1], cur)
            size *= 2
        stack.append((size, cur))
    return stack


def root_from_tile_hashes(tile_roots_level0: Sequence[bytes], tail: Sequence[bytes]) -> bytes:
    """MTH(D[0:n]) from the roots of the full level 0 tiles and the leaf hashes after them.

    ``n`` is ``256 * len(tile_roots_level0) + len(tail)`` with fewer than 256 ``tail`` hashes.
    RFC 6962 section 2.1 splits the tree at the largest power of two below ``n``, which amounts
    to folding, right to left, the maximal perfect subtrees that cover ``[0, n)``: those of 256
    leaves or more are made of whole tiles, the others of the tail.
    """
    if len(tail) >= TILE_WIDTH:
        raise TreeError("the tail must be shorter than a full tile")
    stack = _compact(tile_roots_level0, TILE_WIDTH) + _compact(tail, 1)
    if not stack:
        return root_from_leaf_hashes([])
    root = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        root = node_hash(left, root)
    return root


class TileHashReader:
    """Stored hashes of the tree of ``size`` leaves read from its tiles (``tlog.TileHashReader``).

    A stored hash at level ``8 * l + h`` is the root of ``2**h`` consecutive hashes of one tile
    at level ``l`` (c2sp.org/tlog-tiles "Merkle Tree": the levels between tile levels are
    rebuilt by hashing), so :func:`ledger.core.merkle.tree_hash` and the proofs of
    :mod:`ledger.core.proofs` work on tiles.  ``read_tile`` returns a tile's bytes; this reader
    does not authenticate them (compare the tree hash with a signed checkpoint for that).
    """

    def __init__(self, size: int, read_tile: Callable[[HashTile], bytes]) -> None:
        self.size = size
        self.read_tile = read_tile
        self._tiles: dict[HashTile, list[bytes]] = {}

    def _tile(self, tile: HashTile) -> list[bytes]:
        hashes = self._tiles.get(tile)
        if hashes is None:
            hashes = self._tiles[tile] = split_hash_tile(self.read_tile(tile), tile.width)
        return hashes

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        """The stored hashes at ``indexes``; ``TreeError`` for one the tree does not have."""
        out = []
        for index in indexes:
            level, n = split_stored_hash_index(index)
            tile_level, height = divmod(level, TILE_HEIGHT)
            first = n << height
            tile = tile_for_size(tile_level, first // TILE_WIDTH, self.size)
            offset = first % TILE_WIDTH
            if tile is None or tile.width < offset + (1 << height):
                raise TreeError(f"stored hash {index} is not in the tree of size {self.size}")
            hashes = self._tile(tile)[offset : offset + (1 << height)]
            out.append(hashes[0] if height == 0 else root_from_leaf_hashes(hashes))
        return out
