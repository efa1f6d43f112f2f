"""The log as C2SP tlog-tiles: tiles read from the stored rows equal tiles built from the
entries for every tree size up to 1,000; the HTTP endpoints serve exactly the latest
checkpoint's tree with the right types, caching and 404s; the static export equals the HTTP
responses and verifies offline, and tampering with it is named."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django import DjangoAssertNumQueries

from ledger.core.merkle import leaf_hash
from ledger.core.tiles import (
    TILE_WIDTH,
    EntryBundle,
    HashTile,
    TileUnavailable,
    build_hash_tiles,
    decode_entry_bundle,
    encode_entry_bundle,
    entry_bundles_for_size,
    hash_tiles_for_size,
)
from ledger.keys import log_signing_key
from ledger.models import Entry
from ledger.selectors import checkpoint_cosigned_note, checkpoint_latest
from ledger.services import checkpoint_create, ledger_sequence_all
from ledger.tiles import tile_data, tile_tree_size
from portal.departments.api.throttling import AnonymousClientThrottle
from tests.ledger.django.support import ROOT, client_ip, record, record_many

pytestmark = pytest.mark.django_db

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def client() -> Client:
    return Client(REMOTE_ADDR=client_ip())


def grow(count: int) -> None:
    """Record and sequence ``count`` more entries through the write path."""
    if count <= 40:
        record(count)
    else:
        record_many(count)
    ledger_sequence_all()


def publish(count: int) -> int:
    """Grow the log by ``count`` and sign a checkpoint of all of it; return its size."""
    grow(count)
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    return checkpoint.tree_size


def stored_entries() -> list[bytes]:
    rows = list(Entry.objects.order_by("index").values_list("data", "leaf_hash"))
    assert all(bytes(h) == leaf_hash(bytes(d)) for d, h in rows)
    return [bytes(d) for d, _ in rows]


def completes_at(resource: HashTile | EntryBundle, size: int) -> bool:
    """A full tile's bytes never change: check it once, at the size that completes it."""
    level = resource.level if isinstance(resource, HashTile) else 0
    return resource.partial or (resource.index + 1) * TILE_WIDTH ** (level + 1) == size


def test_tiles_of_every_size_up_to_1000_match_the_entries(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """For each tree size 1..1000, each tile and bundle read from the stored rows (one query)
    equals the one built from the entries' leaf hashes; full tiles of a partial place are not
    served."""
    grow(1000)
    entries = stored_entries()
    leaves = [leaf_hash(d) for d in entries]
    checked = 0
    for size in range(1, 1001):
        built = dict(build_hash_tiles(leaves[:size]))
        assert list(built) == hash_tiles_for_size(size)
        for tile, data in built.items():
            if completes_at(tile, size):
                assert tile_data(resource=tile, tree_size=size) == data, (size, tile.path)
                checked += 1
            if tile.partial:
                with pytest.raises(TileUnavailable):
                    tile_data(resource=tile.full(), tree_size=size)
        for bundle in entry_bundles_for_size(size):
            if completes_at(bundle, size):
                want = encode_entry_bundle(entries[bundle.start : bundle.start + bundle.width])
                assert tile_data(resource=bundle, tree_size=size) == want, (size, bundle.path)
                checked += 1
        with pytest.raises(TileUnavailable):
            tile_data(resource=EntryBundle(size // TILE_WIDTH + 1, 1), tree_size=size)
    assert checked > 2000
    with django_assert_num_queries(1):
        tile_data(resource=HashTile(1, 0, 3), tree_size=1000)
    with django_assert_num_queries(1):
        tile_data(resource=EntryBundle(3, 232), tree_size=1000)


def check_served(client: Client, size: int) -> int:
    """Every tile of the latest checkpoint's tree over HTTP; return the number fetched."""
    fetched = 0
    resources: list[HashTile | EntryBundle] = [
        *hash_tiles_for_size(size),
        *entry_bundles_for_size(size),
    ]
    for resource in resources:
        response = client.get(f"/ledger/{resource.path}")
        assert response.status_code == 200, (size, resource.path, response.content)
        assert response["Content-Type"] == "application/octet-stream"
        assert response.content == tile_data(resource=resource, tree_size=size)
        expected = "public, max-age=10" if resource.partial else IMMUTABLE
        assert response["Cache-Control"] == expected
        fetched += 1
        if resource.partial:
            full = client.get(f"/ledger/{resource.full().path}")
            assert full.status_code == 404
            assert resource.path in full.content.decode()
            assert full["Cache-Control"] == "no-cache"
    for after in (EntryBundle(size // TILE_WIDTH + 1), EntryBundle(size // TILE_WIDTH + 1, 1)):
        assert client.get(f"/ledger/{after.path}").status_code == 404
    return fetched


def test_http_serves_the_latest_checkpoints_tree_only(client: Client) -> None:
    """As the log grows, the endpoints serve the tiles of the latest checkpoint: entries
    sequenced after it are not served, a full tile appears once a checkpoint covers it."""
    assert client.get("/ledger/tile/0/000.p/1").status_code == 404  # no checkpoint yet
    size = 0
    for step in (1, 254, 1, 1, 256, 187):
        size = publish(step)
        assert size == tile_tree_size()
        assert check_served(client, size) > 0
    assert size == 700
    grow(100)  # 800 entries, the checkpoint still at 700
    assert client.get("/ledger/tile/0/002").status_code == 404
    assert client.get("/ledger/tile/0/002.p/188").status_code == 200
    assert client.get("/ledger/tile/0/003.p/1").status_code == 404
    publish(1)  # 801: tile 0/002 becomes full, its partial ones are no longer served
    assert client.get("/ledger/tile/0/002")["Cache-Control"] == IMMUTABLE
    gone = client.get("/ledger/tile/0/002.p/188")
    assert gone.status_code == 404 and "tile/0/002" in gone.content.decode()


def test_a_partial_tile_of_an_older_checkpoint_is_still_served(client: Client) -> None:
    """c2sp.org/tlog-tiles: partial tiles of every checkpoint's size are served until the
    full tile exists, so a client holding the older checkpoint can still read its tree."""
    publish(20)
    older = client.get("/ledger/tile/0/000.p/20").content
    publish(30)
    again = client.get("/ledger/tile/0/000.p/20")
    assert again.status_code == 200 and again.content == older
    assert client.get("/ledger/tile/0/000.p/51").status_code == 404


def test_one_query_for_the_size_and_one_for_the_tile(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    publish(300)
    for path in ("/ledger/tile/0/000", "/ledger/tile/entries/001.p/44", "/ledger/tile/1/000.p/1"):
        with django_assert_num_queries(2):
            assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/00",
        "tile/00/000",
        "tile/0/x000/001",
        "tile/0/001/",
        "tile/0/000.p/256",
        "tile/0/000.p/0",
        "tile/64/000",
        "tile/entries/",
        "tile/",
    ],
)
def test_malformed_paths_are_a_plain_404(client: Client, path: str) -> None:
    publish(3)
    response = client.get(f"/ledger/{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "C2SP tlog-tiles" in response.content.decode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.lists(
        st.one_of(
            st.sampled_from(["0", "1", "00", "000", "x000", "x001", "entries", ".p", "256"]),
            st.text(max_size=6),
        ),
        max_size=5,
    ).map("/".join)
)
def test_any_path_under_tile_is_answered_without_a_server_error(path: str) -> None:
    """Whatever follows /ledger/tile/: a tile, a plain 404, or the 400 of a NUL; never a 500."""
    if tile_tree_size() is None:
        publish(3)
    response = Client(REMOTE_ADDR=client_ip()).get("/ledger/tile/" + quote(path))
    assert response.status_code in (200, 400, 404), (path, response.content)
    if response.status_code == 404:
        assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_404_messages_in_chinese_and_english(client: Client) -> None:
    assert client.get("/ledger/tile/0/000").content.decode() == "尚未发布检查点。\n"
    publish(3)
    body = client.get("/ledger/tile/0/000").content.decode()
    assert body == "tile/0/000 在最新检查点（3 条记录）中尚未完整：请获取 tile/0/000.p/3。\n"
    assert "超出" in client.get("/ledger/tile/0/001.p/3").content.decode()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/ledger/tile/0/000").content.decode()
    assert body == (
        "tile/0/000 is not complete in the latest checkpoint (3 entries): fetch tile/0/000.p/3.\n"
    )
    body = client.get("/ledger/tile/entries/000.p/4").content.decode()
    assert body == (
        "tile/entries/000.p/4 is beyond the tree of the latest checkpoint (3 entries).\n"
    )
    assert client.get("/ledger/tile/x").content.decode().startswith("Not a tile of C2SP")


def test_entry_bundles_are_compressed_when_the_client_accepts_gzip(client: Client) -> None:
    size = publish(300)
    plain = client.get("/ledger/tile/entries/000")
    assert "Content-Encoding" not in plain
    zipped = client.get("/ledger/tile/entries/000", headers={"Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 2
    assert zipped["Cache-Control"] == IMMUTABLE
    assert size == 300


def test_head_and_any_accept_header_are_served(client: Client) -> None:
    publish(3)
    response = client.get("/ledger/tile/0/000.p/3", headers={"Accept": "text/html"})
    assert response.status_code == 200 and len(response.content) == 96
    head = client.head("/ledger/tile/0/000.p/3")
    assert head.status_code == 200 and head.content == b""
    assert client.post("/ledger/tile/0/000.p/3").status_code == 405


def test_anonymous_callers_are_throttled(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    publish(3)
    monkeypatch.setattr(AnonymousClientThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    codes = [client.get("/ledger/tile/0/000.p/3").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_checkpoint_is_the_cosigned_note_and_not_cached(client: Client) -> None:
    publish(3)
    response = client.get("/ledger/checkpoint")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    latest = checkpoint_latest()
    assert latest is not None
    assert response.content.decode() == checkpoint_cosigned_note(latest)


# --- the static export -------------------------------------------------------------------


def export(directory: Path) -> list[str]:
    out = StringIO()
    call_command("ledger_export_tiles", str(directory), stdout=out)
    return out.getvalue().splitlines()


def files(directory: Path) -> Iterator[str]:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            yield path.relative_to(directory).as_posix()


def test_export_writes_what_http_serves_and_only_what_is_new(
    client: Client, tmp_path: Path
) -> None:
    tmp_path = tmp_path / "export"  # the test's log key lives in tmp_path/keys
    publish(600)
    lines = export(tmp_path)
    written = [line.removeprefix("wrote ") for line in lines[:-1]]
    assert written == [
        "tile/0/000",
        "tile/0/001",
        "tile/0/002.p/88",
        "tile/1/000.p/2",
        "tile/entries/000",
        "tile/entries/001",
        "tile/entries/002.p/88",
        "checkpoint",
    ]
    assert lines[-1] == (
        f"Exported the tree of 600 entries to {tmp_path}: 8 file(s) written, 0 already present"
    )
    assert sorted(written) == list(files(tmp_path))
    for path in written:
        assert (tmp_path / path).read_bytes() == client.get(f"/ledger/{path}").content, path

    assert export(tmp_path)[:-1] == []  # nothing new: nothing written
    full = tmp_path / "tile/0/000"
    stamp = full.stat().st_mtime_ns
    publish(200)
    assert [line.removeprefix("wrote ") for line in export(tmp_path)[:-1]] == [
        "tile/0/002",
        "tile/0/003.p/32",
        "tile/1/000.p/3",
        "tile/entries/002",
        "tile/entries/003.p/32",
        "checkpoint",
    ]
    assert full.stat().st_mtime_ns == stamp
    assert (tmp_path / "tile/0/002.p/88").exists()  # older checkpoints' partial tiles stay
    full.write_bytes(b"\x00" * 8192)
    with pytest.raises(CommandError, match="tile/0/000 exists with other bytes"):
        export(tmp_path)


def test_export_needs_a_checkpoint(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no checkpoint"):
        export(tmp_path)


def later(entry: bytes) -> bytes:
    """The entry with its time's last microsecond digit changed (format version 1 or 2)."""
    match = re.search(rb'"time":"[^"]*(\d)Z"', entry)
    assert match is not None
    digit = b"%d" % ((int(match.group(1)) + 1) % 10)
    return entry[: match.start(1)] + digit + entry[match.end(1) :]


def verify(directory: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    key = log_signing_key().vkey
    return subprocess.run(
        [sys.executable, "-m", "ledger.verify", "--tiles", str(directory), "--key", key],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_export_verifies_offline_and_tampering_is_named(tmp_path: Path) -> None:
    tmp_path = tmp_path / "export"
    publish(600)
    export(tmp_path)
    done = verify(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("valid: 600 entries 0..599")

    bundle = tmp_path / "tile/entries/001"
    original = bundle.read_bytes()
    entries = decode_entry_bundle(original)
    entries[3] = later(entries[3])  # still a valid entry, one microsecond later
    bundle.write_bytes(encode_entry_bundle(entries))
    done = verify(tmp_path)
    assert done.returncode == 1
    assert done.stdout.strip() == "invalid: entry 259: its leaf hash is not hash 3 of tile/0/001"
    bundle.write_bytes(original)

    tile = tmp_path / "tile/1/000.p/2"
    hashes = tile.read_bytes()
    tile.write_bytes(hashes[32:] + hashes[:32])
    done = verify(tmp_path)
    assert done.returncode == 1
    assert done.stdout.startswith("invalid: tile/1/000.p/2: hash 0 is not the root")
    tile.write_bytes(hashes)

    checkpoint = tmp_path / "checkpoint"
    note = checkpoint.read_text()
    checkpoint.write_text(note.replace("\n600\n", "\n512\n"))
    done = verify(tmp_path)
    assert done.returncode == 1 and done.stdout.startswith("invalid: checkpoint: ")
    checkpoint.write_text(note)
    assert verify(tmp_path).returncode == 0
