"""C2SP tlog-tiles in ledger.core.tiles: paths, which tiles a tree has, bundles, and that tiles
read from stored hashes give the same tree hashes and proofs as the stored tree itself."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core.merkle import (
    MemoryHashStore,
    TreeError,
    leaf_hash,
    stored_hash_count,
    stored_hash_index,
    tree_hash,
)
from ledger.core.proofs import prove_consistency, prove_inclusion, verify_inclusion
from ledger.core.tile_files import write_tile_file
from ledger.core.tiles import (
    MAX_TILE_INDEX,
    REASON_BEYOND,
    REASON_COMPLETE,
    REASON_PARTIAL,
    EntryBundle,
    HashTile,
    TileError,
    TileHashReader,
    TileUnavailable,
    build_hash_tiles,
    check_tile_available,
    decode_entry_bundle,
    encode_entry_bundle,
    entry_bundles_for_size,
    format_tile_index,
    hash_tile_data,
    hash_tiles_for_size,
    parse_tile_path,
    root_from_tile_hashes,
    split_hash_tile,
    tile_for_size,
    tile_hash_indexes,
    tile_roots,
)

REPO = Path(__file__).resolve().parents[3]
BIG = 70_000  # enough for a level 2 tile


@cache
def big_store() -> tuple[MemoryHashStore, tuple[bytes, ...]]:
    """One stored tree of 70,000 leaves; any smaller tree is a prefix of it."""
    store = MemoryHashStore()
    leaves = []
    for i in range(BIG):
        h = leaf_hash(i.to_bytes(4, "big"))
        leaves.append(h)
        store.append_leaf_hash(h)
    return store, tuple(leaves)


# --- paths -------------------------------------------------------------------------------


def test_index_encoding_is_the_specs_example() -> None:
    """c2sp.org/tlog-tiles: index 1234067 is x001/x234/067; small indexes are one group."""
    assert format_tile_index(1234067) == "x001/x234/067"
    assert format_tile_index(0) == "000"
    assert format_tile_index(999) == "999"
    assert format_tile_index(1000) == "x001/000"
    assert format_tile_index(MAX_TILE_INDEX) == "x009/x223/x372/x036/x854/x775/807"
    with pytest.raises(TileError):
        format_tile_index(-1)


def test_paths_of_full_and_partial_tiles_and_bundles() -> None:
    assert HashTile(0, 1234067).path == "tile/0/x001/x234/067"
    assert HashTile(3, 5, 8).path == "tile/3/005.p/8"
    assert EntryBundle(1234067, 255).path == "tile/entries/x001/x234/067.p/255"
    assert EntryBundle(2).path == "tile/entries/002"
    assert parse_tile_path("tile/0/x001/x234/067") == HashTile(0, 1234067, 256)
    assert parse_tile_path("tile/63/000.p/1") == HashTile(63, 0, 1)
    assert parse_tile_path("tile/entries/x001/000.p/17") == EntryBundle(1000, 17)
    assert EntryBundle(4, 3).tile() == HashTile(0, 4, 3)
    assert HashTile(1, 2, 3).start == 2 * 256**2


@pytest.mark.parametrize(
    "path",
    [
        "tile/00/000",  # level with a leading zero
        "tile/01/000",
        "tile/64/000",  # level beyond 63
        "tile/-1/000",
        "tile/+1/000",
        "tile/data/000",
        "tile/0/0000",  # 4 digits
        "tile/0/00",
        "tile/0/x001",  # the last group has no x
        "tile/0/001/234",  # all but the last need an x
        "tile/0/x001/x234",
        "tile/0/x000/067",  # a leading group of zeroes: 67 has one path, 067
        "tile/0/x1234/567",
        "tile/0/\u0660\u0660\u0660",  # Arabic-Indic digits are not ASCII decimal
        "tile/0/000.p/0",  # width 1..255
        "tile/0/000.p/256",
        "tile/0/000.p/08",
        "tile/0/000.p/",
        "tile/0/000.p",
        "tile/0/000.p/5/6",
        "tile/0/.p/5",
        "tile/0/000/",
        "tile/0/",
        "tile/0",
        "tile/entries",
        "tile/entries/",
        "tile/entries/x001",
        "tile//000",
        "tiles/0/000",
        "/tile/0/000",
        "tile/0/x009/x223/x372/x036/x854/x775/808",  # beyond a signed 64-bit index
    ],
)
def test_malformed_paths_are_refused(path: str) -> None:
    with pytest.raises(TileError):
        parse_tile_path(path)


@given(
    level=st.integers(0, 63),
    index=st.integers(0, MAX_TILE_INDEX),
    width=st.integers(1, 256),
    entries=st.booleans(),
)
def test_every_tile_has_one_path_that_parses_back(
    level: int, index: int, width: int, entries: bool
) -> None:
    resource = EntryBundle(index, width) if entries else HashTile(level, index, width)
    assert parse_tile_path(resource.path) == resource
    assert ".p/" in resource.path if width < 256 else ".p/" not in resource.path


def test_coordinates_out_of_range_are_refused() -> None:
    for make in (
        lambda: HashTile(64, 0),
        lambda: HashTile(0, -1),
        lambda: HashTile(0, 0, 0),
        lambda: HashTile(0, 0, 257),
        lambda: EntryBundle(MAX_TILE_INDEX + 1),
    ):
        with pytest.raises(TileError):
            make()


# --- which tiles a tree has --------------------------------------------------------------


def test_tiles_of_the_specs_examples() -> None:
    """A tree of 70,000: 273 full level 0 tiles and one of 112, one full level 1 tile and one
    of 17, one level 2 tile of 1; a tree of 256: one full level 0 tile and a level 1 tile of 1."""
    tiles = hash_tiles_for_size(70_000)
    level0 = [t for t in tiles if t.level == 0]
    assert len(level0) == 274 and all(not t.partial for t in level0[:273])
    assert level0[-1] == HashTile(0, 273, 112)
    assert [t for t in tiles if t.level == 1] == [HashTile(1, 0), HashTile(1, 1, 17)]
    assert [t for t in tiles if t.level == 2] == [HashTile(2, 0, 1)]
    assert hash_tiles_for_size(256) == [HashTile(0, 0), HashTile(1, 0, 1)]
    assert hash_tiles_for_size(255) == [HashTile(0, 0, 255)]
    assert hash_tiles_for_size(0) == []
    assert entry_bundles_for_size(513) == [EntryBundle(0), EntryBundle(1), EntryBundle(2, 1)]
    assert tile_for_size(1, 1, 70_000) == HashTile(1, 1, 17)
    assert tile_for_size(1, 2, 70_000) is None


def test_tile_hash_indexes_are_the_stored_nodes_of_the_tile_level() -> None:
    assert tile_hash_indexes(HashTile(0, 0, 3)) == [stored_hash_index(0, i) for i in range(3)]
    assert tile_hash_indexes(HashTile(1, 2, 2)) == [
        stored_hash_index(8, 512),
        stored_hash_index(8, 513),
    ]


@given(size=st.integers(0, 300_000))
def test_availability_follows_the_tree_size(size: int) -> None:
    """Exactly the tree's tiles are served, and partial ones of smaller widths (older
    checkpoints' tiles) until the full tile exists."""
    tiles = set(hash_tiles_for_size(size))
    for tile in tiles:
        check_tile_available(tile, size)
        if tile.partial:
            check_tile_available(HashTile(tile.level, tile.index, 1), size)
            with pytest.raises(TileUnavailable) as full:
                check_tile_available(tile.full(), size)
            assert full.value.reason == REASON_PARTIAL and full.value.current == tile
            if tile.width < 255:
                wider = HashTile(tile.level, tile.index, tile.width + 1)
                with pytest.raises(TileUnavailable) as beyond:
                    check_tile_available(wider, size)
                assert beyond.value.reason == REASON_BEYOND
        else:
            with pytest.raises(TileUnavailable) as done:
                check_tile_available(HashTile(tile.level, tile.index, 255), size)
            assert done.value.reason == REASON_COMPLETE and done.value.current == tile
    for level in range(4):
        after = max((t.index for t in tiles if t.level == level), default=-1) + 1
        with pytest.raises(TileUnavailable) as beyond:
            check_tile_available(HashTile(level, after), size)
        assert beyond.value.reason == REASON_BEYOND
        with pytest.raises(TileUnavailable):
            check_tile_available(HashTile(level, after, 1), size)
    for bundle in entry_bundles_for_size(size):
        check_tile_available(bundle, size)
        assert bundle.tile() in tiles


# --- entry bundles -----------------------------------------------------------------------


def test_bundle_is_uint16_length_prefixed_entries() -> None:
    data = encode_entry_bundle([b"ab", b"", b"x" * 300])
    assert data == b"\x00\x02ab\x00\x00\x01\x2c" + b"x" * 300
    assert decode_entry_bundle(data, 3) == [b"ab", b"", b"x" * 300]
    assert encode_entry_bundle([b"y" * 65535])[:2] == b"\xff\xff"


def test_bundles_refuse_long_entries_truncation_and_wrong_counts() -> None:
    with pytest.raises(TileError, match="65535"):
        encode_entry_bundle([b"y" * 65536])
    with pytest.raises(TileError):
        encode_entry_bundle([b"a"] * 257)
    data = encode_entry_bundle([b"abc", b"def"])
    for cut in (1, 3, len(data) - 1):
        with pytest.raises(TileError):
            decode_entry_bundle(data[:cut])
    with pytest.raises(TileError, match="2 entries, not 3"):
        decode_entry_bundle(data, 3)
    with pytest.raises(TileError):
        decode_entry_bundle(encode_entry_bundle([b"a"] * 256) + b"\x00\x00")


@given(st.lists(st.binary(max_size=700), max_size=256))
def test_bundles_round_trip(entries: list[bytes]) -> None:
    assert decode_entry_bundle(encode_entry_bundle(entries), len(entries)) == entries


def test_hash_tiles_have_exactly_their_width_in_hashes() -> None:
    hashes = [bytes([i]) * 32 for i in range(3)]
    assert split_hash_tile(b"".join(hashes), 3) == hashes
    for bad in (b"", b"\x00" * 95, b"\x00" * 97):
        with pytest.raises(TileError):
            split_hash_tile(bad, 3)


# --- tiles against the stored tree -------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(size=st.integers(0, BIG), data=st.data())
def test_tiles_from_stored_hashes_give_the_same_tree_and_proofs(
    size: int, data: st.DataObject
) -> None:
    """Tiles read from stored hashes equal tiles built from the leaves; the tree hash and
    inclusion and consistency proofs computed from the tiles equal those of the stored tree."""
    store, leaves = big_store()
    stored = {t: hash_tile_data(t, store) for t in hash_tiles_for_size(size)}
    assert dict(build_hash_tiles(leaves[:size])) == stored
    reader = TileHashReader(size, lambda t: stored[t])
    root = tree_hash(size, store)
    assert tree_hash(size, reader) == root
    full = size - size % 256
    roots = tile_roots(leaves[:full])
    assert root_from_tile_hashes(roots, leaves[full:size]) == root
    if size == 0:
        return
    index = data.draw(st.integers(0, size - 1))
    proof = prove_inclusion(index, size, reader)
    assert proof == prove_inclusion(index, size, store)
    verify_inclusion(leaves[index], index, size, root, proof)
    old = data.draw(st.integers(1, size))
    assert prove_consistency(old, size, reader) == prove_consistency(old, size, store)


def test_every_stored_hash_of_a_tree_is_read_from_its_tiles() -> None:
    store, _ = big_store()
    size = 66_000
    stored = {t: hash_tile_data(t, store) for t in hash_tiles_for_size(size)}
    reader = TileHashReader(size, lambda t: stored[t])
    indexes = list(range(stored_hash_count(size)))
    assert reader.read_hashes(indexes) == store.read_hashes(indexes)
    with pytest.raises(TreeError):
        reader.read_hashes([stored_hash_count(size)])


def test_root_from_tiles_refuses_a_full_tail() -> None:
    with pytest.raises(TreeError):
        root_from_tile_hashes([], [b"\x00" * 32] * 256)
    assert root_from_tile_hashes([], []) == hashlib.sha256(b"").digest()


def test_tile_files_are_written_once_and_never_changed(tmp_path: Path) -> None:
    assert write_tile_file(tmp_path, "tile/0/000.p/1", b"a" * 32)
    assert not write_tile_file(tmp_path, "tile/0/000.p/1", b"a" * 32)
    with pytest.raises(TileError, match="tiles never change"):
        write_tile_file(tmp_path, "tile/0/000.p/1", b"b" * 32)
    assert write_tile_file(tmp_path, "checkpoint", b"one\n", mutable=True)
    assert write_tile_file(tmp_path, "checkpoint", b"two\n", mutable=True)
    assert (tmp_path / "checkpoint").read_bytes() == b"two\n"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["1", "checkpoint"]


def test_tile_modules_import_no_django() -> None:
    code = (
        "import ledger.core.tiles, ledger.core.tile_verify, ledger.core.tile_files, "
        "ledger.verify; import sys; "
        "assert not any(m.startswith(('django', 'portal')) for m in sys.modules)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert res.returncode == 0, res.stderr
