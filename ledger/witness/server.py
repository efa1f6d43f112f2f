"""A small C2SP tlog-witness: verifies checkpoints for consistency and cosigns them.

Implements ``POST /add-checkpoint`` of c2sp.org/tlog-witness with Ed25519 cosignature/v1
signatures (c2sp.org/tlog-cosignature).  Request body::

    old <size>\\n
    <base64 consistency proof hash>\\n   (zero or more, at most 63)
    \\n
    <signed checkpoint note>

Responses: 200 with cosignature line(s); 400 malformed or old size > checkpoint size; 403 no
valid signature by a known log key; 404 unknown origin; 409 old size is not the size last
cosigned (body: that size and a newline, ``Content-Type: text/x.tlog.size``), or same size with a
different root; 422 consistency proof does not verify.

State (the latest cosigned checkpoint per origin) is a JSON file replaced atomically (temporary
file, fsync, ``os.replace``) under a lock, so check-and-update is atomic and survives restarts.
Index-auditor mode (``IndexAudit``): checkpoints of the index log (docs/ledger-formats.md
section 9) are co-signed only after the witness has read the index log's new leaves and the
access log's entries from their C2SP tlog-tiles and rebuilt the label index from the labels
alone (``ledger.core.index_log.IndexAuditor``): a leaf whose index root is not exactly the
prefix tree of the log's labels, a log with a duplicate label, or a leaf that binds another
access-log root gets 422 with the reason (``index audit failed: <code>: <message>``); tiles
that cannot be read get 503.

Standard library and ``cryptography`` only; also provides the :func:`add_checkpoint` client.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ledger.core.checkpoint import Checkpoint, CheckpointError, cosign
from ledger.core.index_log import IndexAuditError, IndexAuditor
from ledger.core.merkle import EMPTY_ROOT, HASH_SIZE
from ledger.core.notes import NoteError, open_note
from ledger.core.proofs import ProofError, verify_consistency
from ledger.core.signing import ALG_COSIGNATURE_V1, ALG_ED25519, SigningKey, VerifierKey
from ledger.core.tile_verify import SourceError, TileSource, read_entries
from ledger.core.tiles import TileError

__all__ = [
    "MAX_BODY",
    "MAX_PROOF_LINES",
    "IndexAudit",
    "Witness",
    "WitnessClientError",
    "WitnessConflict",
    "WitnessResult",
    "add_checkpoint",
    "format_add_checkpoint_body",
    "make_server",
]

MAX_PROOF_LINES = 63
MAX_BODY = 64 * 1024
SIZE_CONTENT_TYPE = "text/x.tlog.size"


@dataclass(frozen=True)
class WitnessResult:
    """HTTP status, body and content type of one add-checkpoint request."""

    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


def _error(status: int, message: str) -> WitnessResult:
    return WitnessResult(status, message + "\n")


@dataclass(frozen=True)
class IndexAudit:
    """Index-auditor mode: which origin is the index log, and where both logs' tiles are."""

    index_origin: str
    access_tiles: TileSource
    index_tiles: TileSource


class Witness:
    """Witness state and the add-checkpoint decision (c2sp.org/tlog-witness)."""

    def __init__(
        self,
        key: SigningKey,
        log_keys: Iterable[VerifierKey],
        state_path: str | os.PathLike[str],
        clock: Callable[[], float] = time.time,
        index_audit: IndexAudit | None = None,
    ) -> None:
        if key.alg != ALG_COSIGNATURE_V1:
            raise ValueError("the witness key must be a cosignature (type 0x04) key")
        self.key = key
        self.logs: dict[str, list[VerifierKey]] = {}
        for log_key in log_keys:
            if log_key.alg != ALG_ED25519:
                raise ValueError(f"log key {log_key.key_id} is not an Ed25519 note key")
            # The log's key name is its origin (c2sp.org/tlog-checkpoint: SHOULD match).
            self.logs.setdefault(log_key.name, []).append(log_key)
        self.state_path = Path(state_path)
        self.clock = clock
        self.lock = threading.Lock()
        self.state: dict[str, dict[str, object]] = self._load()
        self.index_audit = index_audit
        if index_audit is not None and index_audit.index_origin not in self.logs:
            raise ValueError("the index log's key must be one of the trusted log keys")
        self.auditor: IndexAuditor | None = None

    def _load(self) -> dict[str, dict[str, object]]:
        try:
            raw = self.state_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError(f"witness state {self.state_path} is not a JSON object")
        return data

    def _save(self) -> None:
        directory = self.state_path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".witness-state-", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.state, handle, indent=1, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.state_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def latest(self, origin: str) -> tuple[int, bytes]:
        """Size and root hash of the latest cosigned checkpoint for ``origin`` (0, empty root)."""
        entry = self.state.get(origin)
        if entry is None:
            return 0, EMPTY_ROOT
        size = entry.get("size")
        root = entry.get("root")
        if not isinstance(size, int) or not isinstance(root, str):
            raise ValueError(f"witness state for {origin} is corrupt")
        return size, base64.b64decode(root)

    def add_checkpoint(self, body: bytes) -> WitnessResult:
        """Handle one add-checkpoint request body (c2sp.org/tlog-witness "add-checkpoint")."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _error(400, "request body is not UTF-8")
        header, sep, note = text.partition("\n")
        if not sep or not header.startswith("old "):
            return _error(400, "first line must be 'old <size>'")
        size_text = header[4:]
        if (
            not size_text.isascii()
            or not size_text.isdigit()
            or (len(size_text) > 1 and size_text[0] == "0")
        ):
            return _error(400, "old size must be a decimal number without leading zeroes")
        old_size = int(size_text)
        proof: list[bytes] = []
        while True:
            line, sep, note = note.partition("\n")
            if not sep:
                return _error(400, "missing empty line before the checkpoint")
            if line == "":
                break
            if len(proof) >= MAX_PROOF_LINES:
                return _error(400, f"more than {MAX_PROOF_LINES} consistency proof lines")
            try:
                h = base64.b64decode(line, validate=True)
            except (binascii.Error, ValueError):
                return _error(400, "consistency proof line is not base64")
            if len(h) != HASH_SIZE:
                return _error(400, "consistency proof hash is not 32 bytes")
            proof.append(h)
        return self._add(old_size, proof, note)

    def _add(self, old_size: int, proof: list[bytes], note: str) -> WitnessResult:
        try:
            split = note.rfind("\n\n")
            if split < 0:
                raise CheckpointError("checkpoint is not a signed note")
            checkpoint = Checkpoint.from_text(note[: split + 1])
        except CheckpointError as exc:
            return _error(400, f"malformed checkpoint: {exc}")
        keys = self.logs.get(checkpoint.origin)
        if keys is None:
            return _error(404, f"unknown log origin {checkpoint.origin!r}")
        try:
            open_note(note, keys)
        except NoteError as exc:
            return _error(403, f"checkpoint is not signed by a known log key: {exc}")
        if old_size > checkpoint.size:
            return _error(400, "old size is larger than the checkpoint size")
        with self.lock:
            latest_size, latest_root = self.latest(checkpoint.origin)
            if old_size != latest_size:
                return WitnessResult(409, f"{latest_size}\n", SIZE_CONTENT_TYPE)
            if old_size == 0 and proof:
                return _error(422, "consistency proof from size 0 must be empty")
            if old_size == checkpoint.size:
                if checkpoint.root_hash != latest_root:
                    return _error(409, "same tree size as the latest checkpoint, different root")
            elif old_size > 0:
                try:
                    verify_consistency(
                        old_size, checkpoint.size, latest_root, checkpoint.root_hash, proof
                    )
                except ProofError as exc:
                    return _error(422, f"consistency proof does not verify: {exc}")
            if self.index_audit is not None and checkpoint.origin == self.index_audit.index_origin:
                refused = self._audit_index(checkpoint)
                if refused is not None:
                    return refused
            self.state[checkpoint.origin] = {
                "size": checkpoint.size,
                "root": base64.b64encode(checkpoint.root_hash).decode("ascii"),
                "checkpoint": checkpoint.to_text(),
            }
            self._save()
            line = cosign(checkpoint.to_text(), self.key, int(self.clock()))
        return WitnessResult(200, line)

    def _audit_index(self, checkpoint: Checkpoint) -> WitnessResult | None:
        """Audit the index log up to ``checkpoint`` (under the lock); None if it passes."""
        assert self.index_audit is not None
        audit = self.index_audit
        auditor = self.auditor
        if auditor is None or auditor.broken or auditor.index_log.size > checkpoint.size:
            auditor = IndexAuditor(now=self.clock)
        try:
            leaves = read_entries(audit.index_tiles, auditor.index_log.size, checkpoint.size)
            auditor.audit(
                leaves,
                checkpoint.root_hash,
                lambda start, end: read_entries(audit.access_tiles, start, end),
            )
        except IndexAuditError as exc:
            self.auditor = None
            return _error(422, f"index audit failed: {exc.code}: {exc.message}")
        except (SourceError, TileError) as exc:
            self.auditor = None
            return _error(503, f"index audit: cannot read the logs' tiles: {exc}")
        self.auditor = auditor
        return None


class _Handler(BaseHTTPRequestHandler):
    server_version = "ledger-witness/1"
    protocol_version = "HTTP/1.1"
    witness: Witness

    def _send(self, result: WitnessResult) -> None:
        data = result.body.encode("utf-8")
        self.send_response(result.status)
        self.send_header("Content-Type", result.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/add-checkpoint":
            self._send(_error(404, "not found"))
            return
        length_text = self.headers.get("Content-Length")
        if length_text is None or not length_text.isdigit():
            self.close_connection = True
            self._send(WitnessResult(411, "Content-Length required\n"))
            return
        length = int(length_text)
        if length > MAX_BODY:
            self.close_connection = True
            self._send(_error(413, "request body too large"))
            return
        body = self.rfile.read(length)
        try:
            result = self.witness.add_checkpoint(body)
        except Exception as exc:  # a bad request must not kill the server
            result = _error(500, f"internal error: {type(exc).__name__}")
        self._send(result)

    def do_GET(self) -> None:
        self._send(_error(404, "not found"))

    def log_message(self, format: str, *args: object) -> None:
        return


def make_server(witness: Witness, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server bound to (host, port) serving ``witness``; port 0 picks a free port."""
    handler = type("WitnessHandler", (_Handler,), {"witness": witness})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


# --- client ------------------------------------------------------------------------------------


class WitnessClientError(Exception):
    """The witness could not be reached or refused the checkpoint."""

    def __init__(self, message: str, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class WitnessConflict(WitnessClientError):
    """409: the witness's latest size differs from ``old_size`` (see ``latest_size``)."""

    def __init__(self, message: str, latest_size: int | None, body: str) -> None:
        super().__init__(message, 409, body)
        self.latest_size = latest_size


def format_add_checkpoint_body(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    """The add-checkpoint request body (c2sp.org/tlog-witness)."""
    lines = [f"old {old_size}\n"]
    lines.extend(base64.b64encode(h).decode("ascii") + "\n" for h in proof)
    return ("".join(lines) + "\n" + note).encode("utf-8")


def add_checkpoint(
    url: str, old_size: int, proof: Sequence[bytes], note: str, timeout: float = 10.0
) -> list[str]:
    """Submit a checkpoint to a witness; return its cosignature lines (with newlines).

    ``url`` is the witness submission prefix (``.../add-checkpoint`` is appended unless already
    there).  Raises :class:`WitnessConflict` on 409 (``latest_size`` parsed from a
    ``text/x.tlog.size`` body), :class:`WitnessClientError` otherwise.  The caller must still
    verify the returned lines with the witness's vkey.
    """
    if not url.startswith(("http://", "https://")):
        raise WitnessClientError(f"witness URL must be http(s): {url!r}")
    target = (
        url if url.rstrip("/").endswith("/add-checkpoint") else url.rstrip("/") + "/add-checkpoint"
    )
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        target,
        data=format_add_checkpoint_body(old_size, proof, note),
        method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_BODY).decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        body = exc.read(MAX_BODY).decode("utf-8", errors="replace")
        if exc.code == 409:
            latest: int | None = None
            if (exc.headers.get("Content-Type") or "").startswith(SIZE_CONTENT_TYPE):
                text = body.strip()
                latest = int(text) if text.isdigit() else None
            raise WitnessConflict(
                f"witness {url} conflict: latest size {latest}", latest, body
            ) from None
        raise WitnessClientError(
            f"witness {url} refused the checkpoint: HTTP {exc.code}: {body.strip()}",
            exc.code,
            body,
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WitnessClientError(f"witness {url} unreachable: {reason}") from None
    lines = [line + "\n" for line in body.split("\n") if line]
    if not lines or not all(line.startswith("\u2014 ") for line in lines):
        raise WitnessClientError(f"witness {url} sent no cosignature lines", 200, body)
    return lines
