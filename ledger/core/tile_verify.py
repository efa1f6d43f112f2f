"""Offline verification of a log served as C2SP tlog-tiles (a directory or a URL prefix).

:func:`verify_tiles` checks, in this order, and reports the first failure:

1. ``<prefix>/checkpoint`` (c2sp.org/tlog-tiles "Checkpoints") opens with one of the trusted
   log keys (C2SP signed-note, tlog-checkpoint), and at least ``min_witnesses`` of the trusted
   witness keys cosigned it (C2SP tlog-cosignature).  Only the keys the caller passes are
   trusted, never keys found at the source;
2. for every entry, in index order, read from the entry bundles ``tile/entries/<N>[.p/<W>]``
   (c2sp.org/tlog-tiles "Log entries"): it is a valid version 1 or version 2 entry, its ``prev``
   is the leaf hash of the entry before it (64 zeros for entry 0), and its RFC 6962 leaf hash is
   the hash at its place in the level 0 tile ``tile/0/<N>[.p/<W>]``;
3. the leaf hashes rebuild the checkpoint's root hash (RFC 6962 section 2.1);
4. every hash tile above level 0 holds the roots of the full tiles below it, as rebuilt from
   the entries (c2sp.org/tlog-tiles "Merkle Tree").

Entry bundles carry no per-entry log signatures: every entry is authenticated by the signed
checkpoint through the Merkle root.  A ``ledger-bundle/v1`` export (:mod:`ledger.core.verify`)
also carries them.

Parsing and hashing run in worker processes, several bundles per task; each worker reads its
bundles and level 0 tiles itself, so the work grows with the cores, not with the main process.
A partial tile that the source no longer serves is read from its full tile (as the spec allows
clients to do).  Exit codes as :class:`ledger.core.verify.VerifyReport`: 0 valid, 1 invalid
(the first finding), 2 unreadable (a resource could not be read, or no log key was given).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import time
import urllib.error
import urllib.request
from collections.abc import Generator, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from ledger.core.checkpoint import CheckpointError, open_checkpoint
from ledger.core.entry import ZERO_HASH_HEX, Entry, EntryError
from ledger.core.entry_v2 import EntryV2, entry_version
from ledger.core.merkle import root_from_leaf_hashes
from ledger.core.notes import NoteError
from ledger.core.signing import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    KeyFormatError,
    VerifierKey,
    parse_vkey,
)
from ledger.core.tiles import (
    TILE_WIDTH,
    EntryBundle,
    HashTile,
    TileError,
    decode_entry_bundle,
    entry_bundles_for_size,
    hash_tiles_for_size,
    root_from_tile_hashes,
    split_hash_tile,
    tile_roots,
)
from ledger.core.verify import INVALID, MALFORMED, VALID, VerifyReport

__all__ = [
    "BUNDLES_PER_TASK",
    "PARALLEL_THRESHOLD",
    "DirectorySource",
    "HttpSource",
    "SourceError",
    "TileSource",
    "entry_prev",
    "open_source",
    "read_entries",
    "verify_tiles",
]

#: Logs with at least this many entries are checked in worker processes.
PARALLEL_THRESHOLD = 4096
#: Entry bundles per worker task (4,096 entries when full).
BUNDLES_PER_TASK = 16

_USER_AGENT = "ledger-verify (tlog-tiles)"


class SourceError(Exception):
    """A resource of the tiled log could not be read (missing file, HTTP error, network)."""


class DirectorySource:
    """A tiled log exported to a directory: ``DIR/checkpoint``, ``DIR/tile/...``."""

    def __init__(self, root: str | Path) -> None:
        self.root = str(root)

    def __repr__(self) -> str:
        return f"DirectorySource({self.root!r})"

    def read(self, path: str) -> bytes:
        """The bytes of ``path`` under the directory; raises :class:`SourceError`."""
        try:
            with open(os.path.join(self.root, path), "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None


class HttpSource:
    """A tiled log served over HTTP(S) under a URL prefix (c2sp.org/tlog-tiles "Parameters").

    Sends ``Accept-Encoding: gzip, identity`` (section "Log entries": clients SHOULD) and
    decompresses; waits and retries when the server answers 429 or 503 with ``Retry-After``.
    """

    def __init__(self, prefix: str, *, timeout: float = 30.0, retries: int = 5) -> None:
        if not prefix.startswith(("http://", "https://")):
            raise ValueError("a tiled log's URL prefix must be http:// or https://")
        self.prefix = prefix.rstrip("/")
        self.timeout = timeout
        self.retries = retries

    def __repr__(self) -> str:
        return f"HttpSource({self.prefix!r})"

    def read(self, path: str) -> bytes:
        """GET ``<prefix>/<path>``; raises :class:`SourceError` unless the answer is 200."""
        url = f"{self.prefix}/{path}"
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            url, headers={"Accept-Encoding": "gzip, identity", "User-Agent": _USER_AGENT}
        )
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    body: bytes = response.read()
                    if response.headers.get("Content-Encoding", "identity") == "gzip":
                        body = gzip.decompress(body)
                    return body
            except urllib.error.HTTPError as exc:
                wait = _retry_after(exc) if exc.code in (429, 503) else None
                if wait is None or attempt == self.retries:
                    raise SourceError(f"cannot read {path}: HTTP {exc.code} {exc.reason}") from None
                time.sleep(wait)
            except (urllib.error.URLError, OSError, EOFError) as exc:
                reason = getattr(exc, "reason", exc)
                raise SourceError(f"cannot read {path}: {reason}") from None
        raise SourceError(f"cannot read {path}")  # not reached


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    value = exc.headers.get("Retry-After", "1") if exc.headers else "1"
    try:
        return min(60.0, max(0.0, float(value)))
    except ValueError:
        return None


TileSource = DirectorySource | HttpSource


def open_source(location: str) -> TileSource:
    """An ``http://`` or ``https://`` URL prefix, else a directory."""
    if location.startswith(("http://", "https://")):
        return HttpSource(location)
    return DirectorySource(location)


def entry_prev(data: bytes) -> str:
    """The ``prev`` of canonical entry bytes of version 1 or 2; raises ``EntryError``.

    RFC 8785 sorts keys, so ``"v"`` is the last member of a canonical entry: its value picks
    the strict parser directly; anything else is left to :func:`entry_version` to explain.
    """
    if data.endswith(b',"v":2}'):
        return EntryV2.from_bytes(data).prev
    if data.endswith(b',"v":1}'):
        return Entry.from_bytes(data).prev
    if entry_version(data) == 2:
        return EntryV2.from_bytes(data).prev
    return Entry.from_bytes(data).prev


# Order of the checks of one entry, so that the first finding is the same however the work
# is split: parsing, then the chain, then the level 0 tile.
_STEP_READ, _STEP_PARSE, _STEP_PREV, _STEP_TILE = range(4)


@dataclass(frozen=True, order=True)
class _Finding:
    index: int
    step: int
    message: str = field(compare=False)
    unreadable: bool = field(default=False, compare=False)


@dataclass
class _Chunk:
    """What a worker found in consecutive entry bundles."""

    first_prev: str | None = None
    last_leaf: str = ""
    roots: list[bytes] = field(default_factory=list)  # roots of the full level 0 tiles
    tail: list[bytes] = field(default_factory=list)  # leaf hashes of the partial tile
    finding: _Finding | None = None


def _read(source: TileSource, resource: HashTile | EntryBundle) -> tuple[bytes, bool]:
    """The resource's bytes, or its full tile's if the partial one is gone: (bytes, full)."""
    try:
        return source.read(resource.path), False
    except SourceError:
        if not resource.partial:
            raise
        try:
            return source.read(resource.full().path), True
        except SourceError:
            pass
        raise


def _read_entries(source: TileSource, bundle: EntryBundle) -> list[bytes]:
    data, full = _read(source, bundle)
    path = bundle.full().path if full else bundle.path
    try:
        entries = decode_entry_bundle(data, TILE_WIDTH if full else bundle.width)
    except TileError as exc:
        raise TileError(f"{path}: {exc}") from None
    return entries[: bundle.width]


def read_entries(source: TileSource, start: int, end: int) -> list[bytes]:
    """Entries ``[start, end)`` of a tiled log, from its entry bundles (one read per bundle).

    The last bundle is read as the partial ``.p/<end mod 256>`` one, or from its full bundle
    once that exists. Raises :class:`SourceError` or ``TileError``.
    """
    out: list[bytes] = []
    first = start // TILE_WIDTH
    for n in range(first, (end + TILE_WIDTH - 1) // TILE_WIDTH):
        width = min(TILE_WIDTH, end - n * TILE_WIDTH)
        entries = _read_entries(source, EntryBundle(n, width))
        lo = start - n * TILE_WIDTH if n == first else 0
        out.extend(entries[lo:])
    return out


def _read_hashes(source: TileSource, tile: HashTile) -> list[bytes]:
    data, full = _read(source, tile)
    path = tile.full().path if full else tile.path
    try:
        hashes = split_hash_tile(data, TILE_WIDTH if full else tile.width)
    except TileError as exc:
        raise TileError(f"{path}: {exc}") from None
    return hashes[: tile.width]


def _check_bundles(source: TileSource, bundles: Sequence[tuple[int, int]]) -> _Chunk:
    """Worker: read, parse and hash consecutive bundles against their level 0 tiles."""
    out = _Chunk()
    sha256 = hashlib.sha256
    last = ""
    for n, width in bundles:
        bundle = EntryBundle(n, width)
        tile = bundle.tile()
        try:
            entries = _read_entries(source, bundle)
            hashes = _read_hashes(source, tile)
        except SourceError as exc:
            out.finding = _Finding(bundle.start, _STEP_READ, str(exc), unreadable=True)
            return out
        except TileError as exc:
            out.finding = _Finding(bundle.start, _STEP_READ, str(exc))
            return out
        for pos, data in enumerate(entries):
            index = bundle.start + pos
            try:
                prev = entry_prev(data)
            except EntryError as exc:
                out.finding = _Finding(
                    index, _STEP_PARSE, f"entry {index}: not a valid ledger entry: {exc}"
                )
                return out
            if out.first_prev is None:
                out.first_prev = prev
            elif prev != last:
                out.finding = _Finding(
                    index,
                    _STEP_PREV,
                    f"entry {index}: prev hash does not match leaf hash of entry {index - 1}",
                )
                return out
            leaf = sha256(b"\x00" + data).digest()
            if leaf != hashes[pos]:
                out.finding = _Finding(
                    index,
                    _STEP_TILE,
                    f"entry {index}: its leaf hash is not hash {pos} of {tile.path}",
                )
                return out
            last = leaf.hex()
        if bundle.partial:
            out.tail = hashes
        else:
            out.roots.append(root_from_leaf_hashes(hashes))
    out.last_leaf = last
    return out


def _chunks(size: int) -> list[list[tuple[int, int]]]:
    bundles = [(b.index, b.width) for b in entry_bundles_for_size(size)]
    return [bundles[i : i + BUNDLES_PER_TASK] for i in range(0, len(bundles), BUNDLES_PER_TASK)]


def _run(
    source: TileSource, chunks: list[list[tuple[int, int]]], workers: int | None, parallel: bool
) -> Generator[_Chunk, None, None]:
    if not parallel or (workers is not None and workers <= 1) or len(chunks) < 2:
        for chunk in chunks:
            yield _check_bundles(source, chunk)
        return
    n = min(workers or os.cpu_count() or 1, len(chunks))
    # "spawn" avoids forking a process that may hold threads and locks (web/Celery workers).
    executor = ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn"))
    try:
        yield from executor.map(_check_bundles, [source] * len(chunks), chunks)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _first_finding(chunk: _Chunk, first: int, last: str) -> _Finding | None:
    """The chunk's own finding, or the break in the chain at its first entry if earlier."""
    finding = chunk.finding
    if chunk.first_prev is not None and chunk.first_prev != last:
        before = "64 zeros" if first == 0 else f"leaf hash of entry {first - 1}"
        boundary = _Finding(first, _STEP_PREV, f"entry {first}: prev hash does not match {before}")
        if finding is None or boundary < finding:
            finding = boundary
    return finding


def _trusted_keys(vkeys: Iterable[str]) -> tuple[list[VerifierKey], list[VerifierKey]]:
    logs: list[VerifierKey] = []
    witnesses: list[VerifierKey] = []
    for text in vkeys:
        key = parse_vkey(text)
        if key.alg == ALG_ED25519:
            logs.append(key)
        elif key.alg == ALG_COSIGNATURE_V1:
            witnesses.append(key)
    return logs, witnesses


def verify_tiles(
    source: TileSource | str,
    *,
    keys: Sequence[str],
    min_witnesses: int = 0,
    workers: int | None = None,
    parallel_threshold: int = PARALLEL_THRESHOLD,
) -> VerifyReport:
    """Verify a tiled log against trusted ``keys`` (log and witness vkeys); never raises.

    ``source`` is a :class:`DirectorySource`, an :class:`HttpSource` or a location for
    :func:`open_source`.  See the module documentation for what is checked.
    """
    try:
        src = open_source(source) if isinstance(source, str) else source
        logs, witnesses = _trusted_keys(keys)
    except KeyFormatError as exc:
        return VerifyReport(MALFORMED, f"unreadable key: {exc}")
    if not logs:
        return VerifyReport(MALFORMED, "no trusted log key: pass the log's vkey with --key")
    try:
        return _verify(src, logs, witnesses, min_witnesses, workers, parallel_threshold)
    except SourceError as exc:
        return VerifyReport(MALFORMED, f"unreadable: {exc}")
    except Exception as exc:  # report, never raise
        return VerifyReport(INVALID, f"verification failed: {type(exc).__name__}: {exc}")


def _verify(
    source: TileSource,
    logs: list[VerifierKey],
    witnesses: list[VerifierKey],
    min_witnesses: int,
    workers: int | None,
    threshold: int,
) -> VerifyReport:
    # 1. The checkpoint, its log signature and the witness quorum.
    note = source.read("checkpoint")
    try:
        opened = open_checkpoint(note, logs, witnesses)
    except (NoteError, CheckpointError) as exc:
        return VerifyReport(INVALID, f"checkpoint: {exc}")
    checkpoint = opened.checkpoint
    size = checkpoint.size
    root_hex = checkpoint.root_hash.hex()

    def invalid(message: str, index: int | None = None) -> VerifyReport:
        return VerifyReport(INVALID, message, index, end=size, tree_size=size, root_hash=root_hex)

    cosigners = {(s.name, s.key_hash) for s in opened.cosignatures}
    if len(cosigners) < min_witnesses:
        return invalid(
            f"checkpoint: {len(cosigners)} of the {min_witnesses} required witness "
            "cosignatures verify"
        )

    # 2. Entries against their chain and the level 0 tiles, in index order.
    roots: list[bytes] = []
    tail: list[bytes] = []
    last = ZERO_HASH_HEX
    with closing(_run(source, _chunks(size), workers, size >= threshold)) as results:
        for chunk in results:
            finding = _first_finding(chunk, len(roots) * TILE_WIDTH + len(tail), last)
            if finding is not None and finding.unreadable:
                return VerifyReport(MALFORMED, f"unreadable: {finding.message}")
            if finding is not None:
                return invalid(finding.message, finding.index)
            roots += chunk.roots
            tail = chunk.tail
            last = chunk.last_leaf

    # 3. The root of the checkpoint.
    if root_from_tile_hashes(roots, tail) != checkpoint.root_hash:
        return invalid(f"checkpoint: root hash does not match entries 0..{size - 1}")

    # 4. Hash tiles above level 0 hold the roots of the full tiles below.
    tiles = hash_tiles_for_size(size)
    expected = roots
    for level in range(1, max((t.level for t in tiles), default=0) + 1):
        for tile in (t for t in tiles if t.level == level):
            try:
                served = _read_hashes(source, tile)
            except TileError as exc:
                return invalid(str(exc))
            want = expected[tile.index * TILE_WIDTH : tile.index * TILE_WIDTH + tile.width]
            for pos, (got, rebuilt) in enumerate(zip(served, want, strict=True)):
                if got != rebuilt:
                    return invalid(
                        f"{tile.path}: hash {pos} is not the root of the tiles below it "
                        "as rebuilt from the entries"
                    )
        expected = tile_roots(expected)

    span = f"0..{size - 1}" if size else "none"
    return VerifyReport(
        VALID,
        f"valid: {size} entries {span} in {len(entry_bundles_for_size(size))} entry bundles "
        f"and {len(tiles)} hash tiles, checkpoint size {size} root {root_hex}, "
        f"{len(cosigners)} witness cosignature(s)",
        None,
        entries=size,
        end=size,
        tree_size=size,
        root_hash=root_hex,
        cosignatures=len(cosigners),
    )
