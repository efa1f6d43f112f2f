"""Offline verification from C2SP tlog-tiles: a served or exported log passes, each kind of
tampering is named (entry, tile or checkpoint), unreadable sources exit 2."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from ledger.core.checkpoint import Checkpoint, cosign, sign_checkpoint
from ledger.core.entry import ZERO_HASH_HEX, Actor, Entry, subject_hash
from ledger.core.entry_v2 import EntryV2
from ledger.core.merkle import leaf_hash, root_from_leaf_hashes
from ledger.core.signing import ALG_COSIGNATURE_V1, generate
from ledger.core.tile_files import write_tile_file
from ledger.core.tile_verify import PARALLEL_THRESHOLD, HttpSource, entry_prev, verify_tiles
from ledger.core.tiles import build_hash_tiles, encode_entry_bundle, entry_bundles_for_size
from ledger.core.verify import VerifyReport

ORIGIN = "ledger.example.gov.cn/access"
REPO = Path(__file__).resolve().parents[3]
LOG_KEY = generate(ORIGIN)
WITNESS = generate("witness.dept1.example", ALG_COSIGNATURE_V1)
KEYS = [LOG_KEY.vkey, WITNESS.vkey]


def v1(i: int) -> Entry:
    return Entry(
        time=f"2025-01-31T08:{i // 60 % 60:02d}:{i % 60:02d}.{i:06d}Z",
        actor=Actor(department="AMR", user=f"staff-{i % 7}", system=None),
        dataset="BUSINESS_LICENCE",
        fields=("legal_representative", "status"),
        purpose="application-review",
        application=f"APP-{i:06d}",
        outcome="granted" if i % 5 else "refused",
        reason="" if i % 5 else "NO_GRANT",
        subject=subject_hash(b"secret", f"subject-{i}"),
        prev=ZERO_HASH_HEX,
    )


def v2(i: int) -> EntryV2:
    return EntryV2(
        time=f"2025-03-01T09:{i // 60 % 60:02d}:{i % 60:02d}.{i:06d}Z",
        department="HRSS",
        dataset="AMR.BUSINESS_LICENCE",
        outcome="granted" if i % 5 else "refused",
        label=leaf_hash(b"label %d" % i).hex(),
        commitment=leaf_hash(b"commitment %d" % i).hex(),
        prev=ZERO_HASH_HEX,
    )


def chained(entries: Sequence[Entry | EntryV2], prev: str = ZERO_HASH_HEX) -> list[bytes]:
    """Entry bytes with each ``prev`` set to the leaf hash of the one before."""
    out = []
    for entry in entries:
        data = replace(entry, prev=prev).to_bytes()
        out.append(data)
        prev = leaf_hash(data).hex()
    return out


def log_entries(n: int, version: int = 2) -> list[bytes]:
    return chained([v2(i) if version == 2 else v1(i) for i in range(n)])


def note_for(entries: Sequence[bytes], witnesses: int = 1) -> str:
    root = root_from_leaf_hashes([leaf_hash(d) for d in entries])
    note = sign_checkpoint(Checkpoint(ORIGIN, len(entries), root), LOG_KEY)
    text = note[: note.rfind("\n\n") + 1]
    return note + "".join(cosign(text, WITNESS, timestamp=1700000000) for _ in range(witnesses))


def write_log(root: Path, entries: Sequence[bytes], note: str | None = None) -> Path:
    """The layout of ``ledger_export_tiles``, made with the core functions."""
    for tile, data in build_hash_tiles([leaf_hash(d) for d in entries]):
        write_tile_file(root, tile.path, data)
    for bundle in entry_bundles_for_size(len(entries)):
        chunk = entries[bundle.start : bundle.start + bundle.width]
        write_tile_file(root, bundle.path, encode_entry_bundle(chunk))
    write_tile_file(root, "checkpoint", (note or note_for(entries)).encode(), mutable=True)
    return root


def check(
    root: Path | str,
    *,
    keys: Sequence[str] = KEYS,
    min_witnesses: int = 0,
    workers: int | None = 1,
    parallel_threshold: int = PARALLEL_THRESHOLD,
) -> VerifyReport:
    return verify_tiles(
        str(root),
        keys=keys,
        min_witnesses=min_witnesses,
        workers=workers,
        parallel_threshold=parallel_threshold,
    )


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("size", "version"),
    [(0, 2), (1, 2), (255, 1), (256, 2), (257, 1), (600, 2), (1000, 1)],
)
def test_a_tiled_log_verifies(tmp_path: Path, size: int, version: int) -> None:
    entries = log_entries(size, version)
    report = check(write_log(tmp_path, entries), min_witnesses=1)
    assert report.ok, report.message
    assert report.exit_code == 0 and report.tree_size == size and report.cosignatures == 1
    assert report.message.startswith(f"valid: {size} entries")


def test_versions_1_and_2_may_follow_each_other(tmp_path: Path) -> None:
    entries = chained([v1(i) if i < 300 else v2(i) for i in range(520)])
    assert entry_prev(entries[0]) == ZERO_HASH_HEX
    assert check(write_log(tmp_path, entries)).ok


def test_worker_processes_find_what_one_process_finds(tmp_path: Path) -> None:
    entries = log_entries(4500)
    root = write_log(tmp_path, entries)
    assert check(root, workers=2, parallel_threshold=1).ok
    target = root / "tile/entries/016"  # entries 4096..4351: the second task of 16 bundles
    data = target.read_bytes().replace(b'"outcome":"granted"', b'"outcome":"refused"', 1)
    target.write_bytes(data)
    one = check(root, workers=1)
    many = check(root, workers=2, parallel_threshold=1)
    assert one.exit_code == many.exit_code == 1
    assert one.message == many.message
    assert one.message == "entry 4096: its leaf hash is not hash 0 of tile/0/016"


@pytest.fixture
def log600(tmp_path: Path) -> tuple[Path, list[bytes]]:
    entries = log_entries(600)
    return write_log(tmp_path / "log", entries), entries


def test_an_entry_changed_into_another_valid_entry_is_named(
    log600: tuple[Path, list[bytes]],
) -> None:
    root, entries = log600
    assert b'"outcome":"granted"' in entries[301]
    bundle = root / "tile/entries/001"
    forged = entries[301].replace(b"granted", b"refused")
    changed = bundle.read_bytes().replace(entries[301], forged)
    bundle.write_bytes(changed)
    report = check(root)
    assert report.exit_code == 1 and report.index == 301
    assert report.message == "entry 301: its leaf hash is not hash 45 of tile/0/001"


def test_an_entry_that_does_not_parse_is_named(log600: tuple[Path, list[bytes]]) -> None:
    root, entries = log600
    bundle = root / "tile/entries/002.p/88"
    changed = bundle.read_bytes().replace(entries[550], entries[550].replace(b'"v":2', b'"v":3'))
    bundle.write_bytes(changed)
    report = check(root)
    assert report.exit_code == 1
    assert report.message.startswith("entry 550: not a valid ledger entry: ")


def test_a_changed_hash_tile_is_named(log600: tuple[Path, list[bytes]]) -> None:
    root, _ = log600
    flip(root / "tile/0/001", 45 * 32 + 7)
    report = check(root)
    assert report.exit_code == 1
    assert report.message == "entry 301: its leaf hash is not hash 45 of tile/0/001"
    shutil.copy(root / "tile/0/000", root / "tile/0/001")  # a whole tile of other hashes
    assert check(root).message.startswith("entry 256: its leaf hash is not hash 0 of tile/0/001")


def test_a_changed_upper_tile_is_named(tmp_path: Path, log600: tuple[Path, list[bytes]]) -> None:
    root, _ = log600
    flip(root / "tile/1/000.p/2", 32 + 3)
    report = check(root)
    assert report.exit_code == 1
    assert report.message == (
        "tile/1/000.p/2: hash 1 is not the root of the tiles below it as rebuilt from the entries"
    )
    (root / "tile/1/000.p/2").write_bytes(b"\x00" * 63)
    assert "not 63 bytes" in check(root).message


def test_an_entry_rewritten_with_its_tiles_breaks_the_chain(
    tmp_path: Path, log600: tuple[Path, list[bytes]]
) -> None:
    _, entries = log600
    forged = list(entries)
    forged[301] = entries[301].replace(b"granted", b"refused")
    assert forged[301] != entries[301]
    report = check(write_log(tmp_path / "forged", forged, note_for(entries)))
    assert report.exit_code == 1
    assert report.message == "entry 302: prev hash does not match leaf hash of entry 301"


def test_a_rewritten_history_does_not_match_the_checkpoint(
    tmp_path: Path, log600: tuple[Path, list[bytes]]
) -> None:
    _, entries = log600
    rest = [replace(v2(i), outcome="refused") for i in range(300, 600)]
    forged = entries[:300] + chained(rest, prev=leaf_hash(entries[299]).hex())
    report = check(write_log(tmp_path / "forged", forged, note_for(entries)))
    assert report.exit_code == 1
    assert report.message == "checkpoint: root hash does not match entries 0..599"


def test_entry_zero_chains_from_zeros(tmp_path: Path) -> None:
    entries = chained([v2(i) for i in range(3)], prev="ab" * 32)
    report = check(write_log(tmp_path, entries))
    assert report.message == "entry 0: prev hash does not match 64 zeros"


def test_a_changed_or_foreign_checkpoint_is_invalid(log600: tuple[Path, list[bytes]]) -> None:
    root, entries = log600
    checkpoint = root / "checkpoint"
    good = checkpoint.read_text()
    checkpoint.write_text(good.replace("\n600\n", "\n599\n"))
    report = check(root)
    assert report.exit_code == 1 and report.message.startswith("checkpoint: ")
    impostor = generate(ORIGIN)  # same name, other key
    root_hash = root_from_leaf_hashes([leaf_hash(d) for d in entries])
    checkpoint.write_text(sign_checkpoint(Checkpoint(ORIGIN, 600, root_hash), impostor))
    report = check(root)
    assert report.exit_code == 1 and report.message.startswith("checkpoint: ")
    checkpoint.write_text(good)
    assert check(root, keys=[impostor.vkey]).exit_code == 1  # only the keys given are trusted


def test_witness_quorum_counts_trusted_witnesses_only(log600: tuple[Path, list[bytes]]) -> None:
    root, _ = log600
    assert check(root, min_witnesses=1).ok
    report = check(root, min_witnesses=2)
    assert report.message == "checkpoint: 1 of the 2 required witness cosignatures verify"
    report = check(root, keys=[LOG_KEY.vkey], min_witnesses=1)
    assert report.message == "checkpoint: 0 of the 1 required witness cosignatures verify"


def test_damaged_bundles_are_invalid_missing_files_unreadable(
    log600: tuple[Path, list[bytes]],
) -> None:
    root, _ = log600
    bundle = root / "tile/entries/001"
    bundle.write_bytes(bundle.read_bytes()[:-5])
    report = check(root)
    assert report.exit_code == 1
    assert report.message == "tile/entries/001: entry bundle ends inside entry 255"
    bundle.unlink()
    report = check(root)
    assert report.exit_code == 2
    assert report.message.startswith("unreadable: cannot read tile/entries/001: ")
    (root / "checkpoint").unlink()
    assert check(root).exit_code == 2
    assert check(root, keys=[WITNESS.vkey]).exit_code == 2  # no log key at all
    assert check(root, keys=["not a key"]).exit_code == 2


def test_a_superseded_partial_tile_is_read_from_its_full_tile(tmp_path: Path) -> None:
    """Tiles of 600 entries, then of 768, the checkpoint of 600: once the .p/88 files are
    gone the full ones hold them (c2sp.org/tlog-tiles: clients MAY fall back to them)."""
    entries = log_entries(768)
    note = note_for(entries[:600])
    root = write_log(tmp_path, entries[:600], note)
    write_log(tmp_path, entries, note)
    (root / "tile/0/002.p/88").unlink()
    (root / "tile/entries/002.p/88").unlink()
    report = check(root)
    assert report.ok and report.tree_size == 600


@pytest.fixture
def http_prefix(log600: tuple[Path, list[bytes]]) -> Iterator[str]:
    root, _ = log600
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_log_served_over_http_verifies(
    http_prefix: str, log600: tuple[Path, list[bytes]]
) -> None:
    root, _ = log600
    assert check(http_prefix, min_witnesses=1).ok
    assert check(http_prefix, workers=2, parallel_threshold=1).ok
    (root / "tile/1/000.p/2").unlink()
    report = check(http_prefix)
    assert report.exit_code == 2
    assert report.message == "unreadable: cannot read tile/1/000.p/2: HTTP 404 File not found"
    with pytest.raises(ValueError):
        HttpSource("file:///etc")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    return subprocess.run(
        [sys.executable, "-m", "ledger.verify", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )


def test_command_line_exit_codes(log600: tuple[Path, list[bytes]]) -> None:
    root, _ = log600
    ok = run_cli("--tiles", str(root), "--key", LOG_KEY.vkey, "--key", WITNESS.vkey)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("valid: 600 entries 0..599 in 3 entry bundles and 4 hash tiles")
    assert "1 witness cosignature(s)" in ok.stdout
    need = run_cli("--tiles", str(root), "--key", LOG_KEY.vkey, "--min-witnesses", "1")
    assert need.returncode == 1
    assert need.stdout.strip() == (
        "invalid: checkpoint: 0 of the 1 required witness cosignatures verify"
    )
    no_key = run_cli("--tiles", str(root))
    assert no_key.returncode == 2 and "--key" in no_key.stderr
    both = run_cli("bundle.json", "--tiles", str(root), "--key", LOG_KEY.vkey)
    assert both.returncode == 2
    flip(root / "tile/0/000", 5)
    bad = run_cli("--tiles", str(root), "--key", LOG_KEY.vkey, "--workers", "2")
    assert bad.returncode == 1
    assert bad.stdout.strip() == "invalid: entry 0: its leaf hash is not hash 0 of tile/0/000"
    missing = run_cli("--tiles", str(root / "nowhere"), "--key", LOG_KEY.vkey)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert missing.stderr.startswith("malformed: unreadable: cannot read checkpoint")
