"""Ledger benchmark: signing, sequencing, proofs and offline verification on PostgreSQL.

    .venv/bin/python benchmarks/ledger.py [--entries 1000000] [--samples 2000]

Uses its own database (``portal_bench``, created and migrated if missing, its ledger tables
emptied first) and a throw-away log key. In one run it prints:

1. raw Ed25519 signatures/s and verifications/s of this machine (one core, ``cryptography``);
2. sequencing: N pending events through ``ledger_sequence_pending`` (batches of
   ``LEDGER_BATCH_SIZE``): chain, sign, leaf and tree nodes, in entries/s. The pending events
   are loaded first: 5,000 distinct accesses through ``ledger_event_record`` (the product's
   write path, which validates them and keeps their canonical bytes), copied with COPY to N
   rows with their own ids and times. Entries differ at least by their ``prev`` hash;
3. inclusion and consistency proof latency at N entries, p50/p99 over random indexes, through
   the HTTP API (Django test client: the whole middleware and DRF stack, the throttle's cache
   on Redis, no network) and through the selector alone; every proof is checked against the
   checkpoint root;
4. offline verification: ``ledger_export`` of all N entries, then ``python -m ledger.verify``
   (all cores) in entries/s, next to the raw verification rate times the cores;
5. C2SP tlog-tiles serving at N entries: random full level 0 hash tiles and full entry bundles
   through ``/ledger/tile/...`` (Django test client, one process, requests one after the other:
   the whole middleware and DRF stack with the throttle on Redis, no network), in requests/s
   with p50/p99; every answer is checked (length, bundle encoding);
6. offline verification from tiles: a log of N version 2 entries written as a tlog-tiles
   directory with ``ledger.core`` (not through the database: entries from 1,000 templates,
   each with its own ``prev``), then ``python -m ledger.verify --tiles DIR`` (all cores) in
   entries/s, next to the raw verification rate times the cores.
7. recording one read, each in its own transaction as the exchange does it, p50/p95:
   format version 2 (``ledger_event_record``: counter upsert, VRF label, commitment, pending
   entry and private details) against version 1's recording in the same run (HMAC subject
   hash, v1 canonical entry bytes, one insert), rebuilt here from ``ledger.core.entry``;
8. completeness (docs/ledger.md): the label index's epochs on PostgreSQL (the initial one over
   the whole log, then epochs of 1,000 new reads timed per entry against sequencing the same
   reads); a witness in index-auditor mode rebuilding the index from the tiles of section 6
   (against that section's tile verification); for a person with 50 reads, the bytes of the
   completeness proof (against the v2 rows' JSON) and the time of both checks in headless
   Chromium (v2 rows alone, then with completeness).

Every copied pending event and every tiled entry gets its own label (VRF labels never repeat;
the label index refuses a repeated one).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = 5000


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    total = memory[1].split()[1] if len(memory) > 1 else "?"
    return {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "memory": total,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(label: str, action: Callable[[], object]) -> tuple[float, object]:
    print(f"  {label} ...", end="", flush=True)
    start = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - start
    print(f" {elapsed:.1f} s", flush=True)
    return elapsed, result


def raw_ed25519(n: int = 20000) -> tuple[float, float]:
    """Signatures/s and verifications/s of ``cryptography``'s Ed25519 on one core."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    message = os.urandom(620)  # about the size of an entry
    start = time.perf_counter()
    for _ in range(n):
        key.sign(message)
    sign_rate = n / (time.perf_counter() - start)
    signature = key.sign(message)
    start = time.perf_counter()
    for _ in range(n // 2):
        public.verify(signature, message)
    verify_rate = (n // 2) / (time.perf_counter() - start)
    return sign_rate, verify_rate


def around(action: Callable[[], object]) -> tuple[float, object, float, float]:
    """Run ``action``; measure the raw Ed25519 rates just before and just after it.

    On a shared machine the load changes during a long run: a phase is compared with the
    mean of the raw rates measured next to it, not with the figure from the start.
    """
    before = raw_ed25519(10000)
    start = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - start
    after = raw_ed25519(10000)
    return elapsed, result, (before[0] + after[0]) / 2, (before[1] + after[1]) / 2


def prepare_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def load_pending(count: int) -> None:
    """5,000 accesses through the write path, copied to ``count`` pending events."""
    from django.db import connection, transaction

    from ledger.constants import Outcome
    from ledger.models import PendingEvent
    from ledger.services import ledger_event_record

    rng = random.Random(2026)
    with transaction.atomic():
        for i in range(min(TEMPLATES, count)):
            granted = rng.random() > 0.1
            ledger_event_record(
                department=rng.choice(["rsj", "swj", "kjj", "jxj"]),
                user=None if i % 2 else f"clerk{rng.randint(1, 500)}",
                system_id="dept-gateway" if i % 2 else None,
                dataset=rng.choice(["scjg.business_registration", "rsj.social_insurance"]),
                fields=rng.sample(["name", "capital", "headcount", "rating", "status"], 2),
                purpose="subsidy eligibility review",
                application=f"APP-2026-{i:06d}",
                outcome=Outcome.GRANTED if granted else Outcome.REFUSED,
                reason="" if granted else "no_grant",
                subject_identifier=f"9133010{rng.randint(0, 10**10):011d}",
                dispatch=False,
            )
    templates = list(PendingEvent.objects.values_list("created_at", "payload", "data"))
    start = max(t[0] for t in templates)
    with transaction.atomic(), connection.cursor() as cursor:
        copy_sql = "COPY ledger_pendingevent (id, created_at, payload, data) FROM STDIN"
        with cursor.copy(copy_sql) as copy:
            for n in range(count - len(templates)):
                _, payload, data = templates[n % len(templates)]
                # Each copy its own label (VRF outputs are unique): the label index needs it.
                label = os.urandom(32).hex()
                copy.write_row(
                    (
                        uuid.uuid4(),
                        start + timedelta(microseconds=n + 1),
                        json.dumps({**payload, "label": label}),
                        bytes(data).replace(payload["label"].encode(), label.encode()),
                    )
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ledger_pendingevent")


def recording_cost(samples: int) -> dict[str, tuple[float, float]]:
    """p50/p95 ms of recording one read in its own transaction: v1 (baseline) and v2."""
    from django.db import transaction
    from django.utils import timezone

    from ledger.constants import ZERO_HASH_HEX, Outcome
    from ledger.core.entry import Actor, format_time
    from ledger.core.entry import Entry as EntryV1
    from ledger.models import PendingEvent
    from ledger.services import ledger_event_record, subject_hash

    subjects = [f"1101011990{n:08d}" for n in range(500)]

    def v1(i: int) -> None:
        with transaction.atomic():
            now = timezone.now()
            entry = EntryV1(
                time=format_time(now),
                actor=Actor(department="rsj", user=f"clerk{i % 50}", system=None),
                dataset="gaj.household",
                fields=("address", "name"),
                purpose="subsidy eligibility review",
                application=f"APP-2026-{i:06d}",
                outcome="granted",
                reason="",
                subject=subject_hash(subjects[i % len(subjects)]),
                prev=ZERO_HASH_HEX,
            )
            PendingEvent.objects.create(
                created_at=now,
                payload={"label": "", "dataset": "gaj.household", "outcome": "granted"},
                data=entry.to_bytes(),
            )

    def v2(i: int) -> None:
        with transaction.atomic():
            ledger_event_record(
                department="rsj",
                user=f"clerk{i % 50}",
                system_id=None,
                dataset="gaj.household",
                fields=["name", "address"],
                purpose="subsidy eligibility review",
                application=f"APP-2026-{i:06d}",
                outcome=Outcome.GRANTED,
                subject_identifier=subjects[i % len(subjects)],
                dispatch=False,
            )

    results: dict[str, list[float]] = {"v1": [], "v2": []}
    for i in range(samples):  # interleaved, so that a noisy moment hits both alike
        for name, action in (("v1", v1), ("v2", v2)):
            start = time.perf_counter()
            action(i)
            results[name].append((time.perf_counter() - start) * 1000)
    return {k: (percentile(v, 50), percentile(v, 95)) for k, v in results.items()}


def proof_latency(size: int, samples: int, root: bytes) -> dict[str, tuple[float, float]]:
    from django.test import Client

    from ledger import selectors
    from ledger.core.proofs import verify_consistency, verify_inclusion

    rng = random.Random(7)
    client = Client(HTTP_HOST="localhost")
    results: dict[str, tuple[float, float]] = {}

    def http_inclusion(index: int) -> float:
        start = time.perf_counter()
        response = client.get(
            "/api/v1/ledger/proofs/inclusion", {"index": index, "tree_size": size}
        )
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.content
        body = json.loads(response.content)
        leaf = bytes.fromhex(body["leaf_hash"])
        verify_inclusion(leaf, index, size, root, [bytes.fromhex(h) for h in body["hashes"]])
        return elapsed

    def http_consistency(first: int) -> float:
        start = time.perf_counter()
        response = client.get("/api/v1/ledger/proofs/consistency", {"first": first, "second": size})
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.content
        body = json.loads(response.content)
        hashes = [bytes.fromhex(h) for h in body["hashes"]]
        verify_consistency(first, size, bytes.fromhex(body["first_root"]), root, hashes)
        return elapsed

    def selector_inclusion(index: int) -> float:
        start = time.perf_counter()
        proof = selectors.inclusion_proof(index=index, size=size)
        elapsed = time.perf_counter() - start
        verify_inclusion(proof.leaf_hash, index, size, root, proof.hashes)
        return elapsed

    def selector_consistency(first: int) -> float:
        start = time.perf_counter()
        proof = selectors.consistency_proof(first=first, second=size)
        elapsed = time.perf_counter() - start
        verify_consistency(first, size, proof.first_root, root, proof.hashes)
        return elapsed

    runs: list[tuple[str, Callable[[int], float], int]] = [
        ("inclusion, HTTP API", http_inclusion, 0),
        ("consistency, HTTP API", http_consistency, 1),
        ("inclusion, selector", selector_inclusion, 0),
        ("consistency, selector", selector_consistency, 1),
    ]
    for label, run, low in runs:
        for _ in range(20):  # warm up connections and caches
            run(rng.randrange(low, size))
        times = [run(rng.randrange(low, size)) * 1000 for _ in range(samples)]
        results[label] = (statistics.median(times), percentile(times, 99))
    return results


def tile_serving(size: int, samples: int) -> dict[str, tuple[float, float, float]]:
    """Requests/s, p50 and p99 (ms) of full hash tiles and entry bundles over HTTP."""
    from django.test import Client

    from ledger.core.tiles import TILE_WIDTH, EntryBundle, HashTile, decode_entry_bundle

    rng = random.Random(11)
    client = Client(HTTP_HOST="localhost")
    full = size // TILE_WIDTH
    results: dict[str, tuple[float, float, float]] = {}

    def hash_tile(n: int) -> float:
        start = time.perf_counter()
        response = client.get(f"/ledger/{HashTile(0, n).path}")
        elapsed = time.perf_counter() - start
        assert response.status_code == 200 and len(response.content) == 32 * TILE_WIDTH
        return elapsed

    def entry_bundle(n: int) -> float:
        start = time.perf_counter()
        response = client.get(f"/ledger/{EntryBundle(n).path}")
        elapsed = time.perf_counter() - start
        assert response.status_code == 200
        assert len(decode_entry_bundle(response.content, TILE_WIDTH)) == TILE_WIDTH
        return elapsed

    runs: list[tuple[str, Callable[[int], float]]] = [
        ("full hash tile, level 0", hash_tile),
        ("full entry bundle", entry_bundle),
    ]
    for label, run in runs:
        for _ in range(20):  # warm up connections and caches
            run(rng.randrange(full))
        began = time.perf_counter()
        times = [run(rng.randrange(full)) * 1000 for _ in range(samples)]
        rate = samples / (time.perf_counter() - began)
        results[label] = (rate, statistics.median(times), percentile(times, 99))
    return results


def build_tiled_log(directory: Path, n: int) -> tuple[str, str]:
    """A log of ``n`` version 2 entries as a tlog-tiles directory; returns (log, witness) vkeys.

    Made with ``ledger.core`` alone: 1,000 entry templates, each entry a template with the
    previous entry's leaf hash written into its ``prev``, then every tile and bundle.
    """
    import hashlib

    from ledger.core.checkpoint import Checkpoint, cosign, sign_checkpoint
    from ledger.core.entry_v2 import ZERO_HASH_HEX, EntryV2
    from ledger.core.signing import ALG_COSIGNATURE_V1, generate
    from ledger.core.tile_files import write_tile_file
    from ledger.core.tiles import (
        TILE_WIDTH,
        build_hash_tiles,
        encode_entry_bundle,
        entry_bundles_for_size,
        root_from_tile_hashes,
        tile_roots,
    )

    rng = random.Random(2027)
    marker = f'"prev":"{ZERO_HASH_HEX}"'.encode()
    templates = []
    for i in range(1000):
        data = EntryV2(
            time=f"2026-03-01T{i // 60 % 24:02d}:{i % 60:02d}:{rng.randrange(60):02d}.{i:06d}Z",
            department=rng.choice(["rsj", "swj", "kjj", "jxj"]),
            dataset=rng.choice(["scjg.business_registration", "rsj.social_insurance"]),
            outcome="granted" if rng.random() > 0.1 else "refused",
            label=os.urandom(32).hex(),
            commitment=os.urandom(32).hex(),
            prev=ZERO_HASH_HEX,
        ).to_bytes()
        before, after = data.split(marker)
        templates.append((before + b'"prev":"', b'"' + after))
    entries: list[bytes] = []
    leaves: list[bytes] = []
    prev = ZERO_HASH_HEX.encode()
    sha256 = hashlib.sha256
    labels = [t[0].split(b'"label":"', 1)[1][:64] for t in templates]
    for i in range(n):
        before, after = templates[i % len(templates)]
        # Each entry its own label, as VRF labels are (the index auditor of section 8 needs it).
        before = before.replace(
            labels[i % len(templates)], sha256(i.to_bytes(8, "big")).hexdigest().encode()
        )
        data = before + prev + after
        leaf = sha256(b"\x00" + data).digest()
        entries.append(data)
        leaves.append(leaf)
        prev = leaf.hex().encode()
    for tile, data in build_hash_tiles(leaves):
        write_tile_file(directory, tile.path, data)
    for bundle in entry_bundles_for_size(n):
        chunk = entries[bundle.start : bundle.start + bundle.width]
        write_tile_file(directory, bundle.path, encode_entry_bundle(chunk))
    full = n - n % TILE_WIDTH
    root = root_from_tile_hashes(tile_roots(leaves[:full]), leaves[full:])
    log_key = generate("bench.example/tiles")
    witness = generate("witness.bench.example", ALG_COSIGNATURE_V1)
    note = sign_checkpoint(Checkpoint(log_key.name, n, root), log_key)
    note += cosign(note[: note.rfind("\n\n") + 1], witness)
    write_tile_file(directory, "checkpoint", note.encode(), mutable=True)
    return log_key.vkey, witness.vkey


def witness_rebuild(tiles_dir: Path, n: int) -> tuple[float, bytes]:
    """A witness in index-auditor mode after a restart: read every entry of the tiles, rebuild
    the access log's root and the label index from the labels alone (one process)."""
    from ledger.core.checkpoint import Checkpoint as CheckpointText
    from ledger.core.index_log import IndexAuditor
    from ledger.core.tile_verify import DirectorySource, read_entries

    source = DirectorySource(tiles_dir)
    note = source.read("checkpoint").decode()
    checkpoint = CheckpointText.from_text(note[: note.rfind("\n\n") + 1])
    auditor = IndexAuditor()
    began = time.perf_counter()
    auditor.extend(n, lambda a, b: read_entries(source, a, b))
    root = auditor.index_root
    seconds = time.perf_counter() - began
    assert auditor.log.root() == checkpoint.root_hash
    return seconds, root


BROWSER_JS = """async ([policy, rows, proof, rounds]) => {
  const { loadPolicy } = await import("/static/ledger/checkpoint.js");
  const { verifyPerson } = await import("/static/ledger/person-verify.js");
  const { verifyCompleteness } = await import("/static/ledger/completeness.js");
  const v2 = [];
  const both = [];
  let reads = -1;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const loaded = await loadPolicy(policy);
    const outcome = await verifyPerson(loaded, rows, null);
    const middle = performance.now();
    const result = await verifyCompleteness(loaded, proof, outcome.checkpoint);
    const end = performance.now();
    v2.push(middle - start);
    both.push(end - start);
    reads = result.reads;
  }
  return { v2, both, reads };
}"""


def completeness_cost(rounds: int) -> dict[str, list[str]]:
    """Index epochs on PostgreSQL against sequencing the same entries, and one person's proof.

    The initial epoch indexes the whole log (one version, one COPY); each later epoch indexes
    1,000 new reads (recorded through the write path), timed against sequencing those same
    1,000. Then a person with 50 reads: the bytes of the v2 verification JSON (the baseline)
    and of the completeness proof, and the time of both checks in headless Chromium.
    """
    import base64
    import statistics as stats

    from django.conf import settings

    from ledger.completeness import subject_completeness
    from ledger.constants import KeyKind, Outcome
    from ledger.core.checkpoint import cosign
    from ledger.core.notes import parse_note
    from ledger.core.signing import ALG_COSIGNATURE_V1, generate
    from ledger.logs import INDEX_LOG
    from ledger.models import Cosignature, IndexCosignature, LedgerKey, PendingEvent, Witness
    from ledger.selectors import verifier_policy
    from ledger.services import (
        checkpoint_create,
        index_epoch_append,
        ledger_event_record,
        ledger_sequence_all,
    )
    from ledger.subject_log import logged_reads, subject_read_list, subject_verification

    lines: list[str] = []
    rows: list[str] = []
    # Section 7 leaves its recordings pending, version 1 ones among them (not this log's).
    PendingEvent.objects.all().delete()
    checkpoint_create()
    began = time.perf_counter()
    first = index_epoch_append()
    initial = time.perf_counter() - began
    assert first is not None
    lines.append(f"initial epoch over {first.log_size:,} entries (one version): {initial:.1f} s")
    per_index: list[float] = []
    per_sequence: list[float] = []
    for _ in range(rounds):
        load_pending(1000)
        began = time.perf_counter()
        ledger_sequence_all(batch_size=settings.LEDGER_BATCH_SIZE)
        per_sequence.append((time.perf_counter() - began) / 1000)
        checkpoint_create()
        began = time.perf_counter()
        index_epoch_append()
        per_index.append((time.perf_counter() - began) / 1000)
    index_ms, sequence_ms = stats.median(per_index) * 1e3, stats.median(per_sequence) * 1e3
    lines.append(
        f"epoch of 1,000 new entries: {index_ms:.3f} ms per entry (median of {rounds}); "
        f"sequencing the same entries: {sequence_ms:.3f} ms per entry"
    )
    rows.append(
        f"| label index update per entry, epochs of 1,000 (sequencing them: "
        f"{sequence_ms:.3f} ms) | {index_ms:.3f} ms |"
    )
    rows.append(f"| initial label index epoch over {first.log_size:,} entries | {initial:.1f} s |")
    # A person with 50 reads, a witness co-signing both logs.
    person = "330106199001010015"
    for i in range(50):
        ledger_event_record(
            department="mzj", user="bench.reviewer", system_id=None, dataset="gaj.household",
            fields=["address"], purpose=f"benchmark read {i}", application=f"SQ-{i:06d}",
            outcome=Outcome.GRANTED, subject_identifier=person, dispatch=False,
        )  # fmt: skip
    ledger_sequence_all(batch_size=settings.LEDGER_BATCH_SIZE)
    witness = generate("witness.bench.example", ALG_COSIGNATURE_V1)
    Witness.objects.create(name=witness.name, url="http://127.0.0.1:9/", vkey=witness.vkey)
    LedgerKey.objects.get_or_create(
        vkey=witness.vkey, defaults={"name": witness.name, "kind": KeyKind.WITNESS}
    )
    log_cp = checkpoint_create()
    assert log_cp is not None
    Cosignature.objects.create(
        checkpoint=log_cp, witness_name=witness.name,
        line=cosign(parse_note(log_cp.note)[0], witness),
    )  # fmt: skip
    index_epoch_append()
    index_cp = checkpoint_create(log=INDEX_LOG)
    assert index_cp is not None
    IndexCosignature.objects.create(
        checkpoint_id=index_cp.pk, witness_name=witness.name,
        line=cosign(parse_note(index_cp.note)[0], witness),
    )  # fmt: skip
    reads = logged_reads(list(subject_read_list(identifier=person)[:50]))
    v2 = subject_verification(identifier=person, reads=reads)
    began = time.perf_counter()
    proof = subject_completeness(identifier=person)
    served_ms = (time.perf_counter() - began) * 1e3
    v2_bytes = len(json.dumps(v2).encode())
    import gzip

    proof_bytes = len(json.dumps(proof).encode())
    gzipped = len(gzip.compress(json.dumps(proof).encode()))
    binary = len(base64.b64decode(proof["proof"])) + 80 * (
        len(proof["reads"]) + len(proof["probes"])
    )
    lines.append(
        f"person with 50 reads: completeness proof {proof_bytes:,} bytes of JSON, {gzipped:,} "
        f"gzipped as served ({binary:,} "
        f"bytes of proofs: the batch proof and {len(proof['reads']) + len(proof['probes'])} VRF "
        f"proofs; the v2 rows' JSON: {v2_bytes:,} bytes); built in {served_ms:.0f} ms"
    )
    policy = verifier_policy(quorum=1).to_json()
    timing = _browser_time(policy, v2, proof, rounds)
    assert timing["reads"] == 50, timing
    v2_ms, both_ms = stats.median(timing["v2"]), stats.median(timing["both"])
    lines.append(
        f"browser (headless Chromium): v2 rows {v2_ms:.0f} ms, rows and completeness "
        f"{both_ms:.0f} ms (median of {rounds})"
    )
    rows.append(
        f"| completeness proof for 50 reads (v2 rows' JSON: {v2_bytes:,} bytes) | "
        f"{binary:,} bytes of proofs; {proof_bytes:,} bytes of JSON, {gzipped:,} gzipped |"
    )
    rows.append(
        f"| browser: 50 rows and their completeness (v2 rows alone: {v2_ms:.0f} ms) | "
        f"{both_ms:.0f} ms |"
    )
    return {"lines": lines, "rows": rows}


def _browser_time(
    policy: dict[str, object], rows: dict[str, object], proof: dict[str, object], rounds: int
) -> dict[str, Any]:
    """The page's timings: ``reads`` checked, and per round ``v2`` and ``both`` in ms."""
    import threading
    from functools import partial
    from http.server import ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    from benchmarks.browser_verifier import _Handler

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                args=["--headless", "--no-sandbox"],
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
            page.evaluate(BROWSER_JS, [policy, rows, proof, 1])  # warm up
            result: dict[str, Any] = page.evaluate(BROWSER_JS, [policy, rows, proof, rounds])
            browser.close()
    finally:
        server.shutdown()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2000, help="proof requests per kind")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/portal_bench")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/12",
        help="cache of the API throttle, as in production (nothing is queued there)",
    )
    parser.add_argument(
        "--keep-bundle", action="store_true", help="keep the export file and the tiles directory"
    )
    parser.add_argument("--rounds", type=int, default=5, help="browser and index epoch rounds")
    args = parser.parse_args()
    n = args.entries
    work = Path(tempfile.mkdtemp(prefix="ledger-bench-"))

    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["PORTAL_VAR_DIR"] = str(work / "var")
    os.environ["LEDGER_LOG_KEY_FILE"] = str(work / "keys" / "log.skey")
    os.environ["LEDGER_VRF_KEY_FILE"] = str(work / "keys" / "vrf.key")
    os.environ["LEDGER_INDEX_KEY_FILE"] = str(work / "keys" / "index-log.skey")
    os.environ.pop("LEDGER_VRF_KEY", None)
    os.environ["API_ANON_RATE"] = "1000000000/min"
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ["REDIS_URL"] = args.redis_url
    os.environ.pop("LEDGER_LOG_KEY", None)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    info = machine()
    print(f"machine: {info['cpu']}, {info['nproc']} cores, {info['memory']} RAM")
    print(f"python {info['python']}, kernel {info['kernel']}, {n:,} entries\n")

    print("1. raw Ed25519 (one core)")
    sign_rate, verify_rate = raw_ed25519()
    print(f"  sign   {sign_rate:10,.0f} /s\n  verify {verify_rate:10,.0f} /s\n")

    prepare_database(args.database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    pg_version: int = connection.pg_version  # type: ignore[attr-defined]  # PostgreSQL only
    # The ledger refuses TRUNCATE unless its owner asks for it in the same transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ledger.allow_truncate = 'on'")
        cursor.execute(
            "TRUNCATE ledger_entry, ledger_treehash, ledger_pendingevent, ledger_cosignature,"
            " ledger_checkpoint, ledger_ledgerkey, ledger_witness, ledger_readdetails,"
            " ledger_subjectcounter, ledger_indexnode, ledger_indexlogleaf, ledger_indextreehash,"
            " ledger_indexcosignature, ledger_indexcheckpoint"
        )

    from ledger.keys import log_signing_key
    from ledger.models import Entry
    from ledger.selectors import tree_size
    from ledger.services import checkpoint_create, ledger_sequence_all

    print(f"2. sequencing (PostgreSQL {pg_version // 10000}, batch {settings.LEDGER_BATCH_SIZE})")
    timed(f"load {n:,} pending events", lambda: load_pending(n))
    seconds, done, sign_near, _ = around(
        lambda: timed(
            "ledger_sequence_pending until none is pending",
            lambda: ledger_sequence_all(batch_size=settings.LEDGER_BATCH_SIZE),
        )
    )
    assert isinstance(done, tuple) and done[1] == n
    assert tree_size() == n and Entry.objects.count() == n
    sequencing_rate = n / seconds
    print(
        f"  {sequencing_rate:,.0f} entries/s; raw signing measured around it {sign_near:,.0f}/s "
        f"({sequencing_rate / sign_near:.0%})\n"
    )

    checkpoint = checkpoint_create()
    assert checkpoint is not None and checkpoint.tree_size == n
    root = bytes(checkpoint.root_hash)
    print(f"3. proof latency at {n:,} entries ({args.samples} random requests each)")
    latency = proof_latency(n, args.samples, root)
    for label, (p50, p99) in latency.items():
        print(f"  {label:24} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")
    print()

    print(f"4. offline verification of a {n:,}-entry export")
    bundle = work / "bundle.json"
    export_seconds, _ = timed(
        "manage.py ledger_export",
        lambda: call_command("ledger_export", str(bundle), stdout=StringIO()),
    )
    size_mb = bundle.stat().st_size / 1e6
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    command = [sys.executable, "-m", "ledger.verify", str(bundle), "--key", log_signing_key().vkey]
    verify_seconds, done_verify, _, verify_near = around(
        lambda: timed(
            f"python -m ledger.verify ({size_mb:,.0f} MB, {os.cpu_count()} workers)",
            lambda: subprocess.run(command, env=env, capture_output=True, text=True, check=False),
        )
    )
    assert isinstance(done_verify, tuple)
    result = done_verify[1]
    assert isinstance(result, subprocess.CompletedProcess)
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"  {result.stdout.strip()}")
    offline_rate = n / verify_seconds
    cores = os.cpu_count() or 1
    print(
        f"  {offline_rate:,.0f} entries/s; raw Ed25519 verify measured around it x {cores} cores"
        f" = {verify_near * cores:,.0f}/s ({offline_rate / (verify_near * cores):.0%})\n"
    )
    if not args.keep_bundle:
        bundle.unlink()

    print(f"5. C2SP tlog-tiles over HTTP at {n:,} entries ({args.samples} random requests each)")
    serving = tile_serving(n, args.samples) if n >= 256 else {}
    for label, (rate, p50, p99) in serving.items():
        print(f"  {label:24} {rate:7,.0f} requests/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")
    print()

    print(f"6. offline verification of a {n:,}-entry log from tiles")
    tiles_dir = work / "tiles"
    build_seconds, vkeys = timed(
        f"write {n:,} entries as tiles with ledger.core", lambda: build_tiled_log(tiles_dir, n)
    )
    assert isinstance(vkeys, tuple)
    tiles_mb = sum(p.stat().st_size for p in tiles_dir.rglob("*") if p.is_file()) / 1e6
    command = [sys.executable, "-m", "ledger.verify", "--tiles", str(tiles_dir)]
    command += ["--key", vkeys[0], "--key", vkeys[1], "--min-witnesses", "1"]
    tiles_seconds, done_tiles, _, tiles_near = around(
        lambda: timed(
            f"python -m ledger.verify --tiles ({tiles_mb:,.0f} MB, {cores} workers)",
            lambda: subprocess.run(command, env=env, capture_output=True, text=True, check=False),
        )
    )
    assert isinstance(done_tiles, tuple)
    tiles_result = done_tiles[1]
    assert isinstance(tiles_result, subprocess.CompletedProcess)
    assert tiles_result.returncode == 0, tiles_result.stdout + tiles_result.stderr
    print(f"  {tiles_result.stdout.strip()}")
    tiles_rate = n / tiles_seconds
    tiles_ratio = tiles_rate / (tiles_near * cores)
    print(
        f"  {tiles_rate:,.0f} entries/s; raw Ed25519 verify measured around it x {cores} cores"
        f" = {tiles_near * cores:,.0f}/s ({tiles_ratio:.0%})\n"
    )
    rebuild_seconds, rebuild_root = witness_rebuild(tiles_dir, n)
    print(
        f"  witness index rebuild from these tiles (index-auditor mode, one process): "
        f"{rebuild_seconds:.1f} s ({rebuild_seconds / n * 1e6:.1f} µs per entry; the tile "
        f"verification above: {tiles_seconds:.1f} s)\n"
    )
    if not args.keep_bundle:
        shutil.rmtree(tiles_dir)

    print(f"7. recording one read ({args.samples} each, own transaction, interleaved)")
    recording = recording_cost(args.samples)
    for label, (p50, p95) in recording.items():
        print(f"  format {label}  p50 {p50:6.2f} ms   p95 {p95:6.2f} ms")
    print(f"  v2 / v1 at p50: {recording['v2'][0] / recording['v1'][0]:.1f}x\n")

    print(f"8. completeness: the label index and the index log at {n:,}+ entries")
    index = completeness_cost(args.rounds)
    for line in index["lines"]:
        print(f"  {line}")
    print()

    print("summary (markdown)")
    print("| measure | result |\n|---|---|")
    print(f"| raw Ed25519 sign, one core | {sign_rate:,.0f} /s |")
    print(f"| raw Ed25519 verify, one core | {verify_rate:,.0f} /s |")
    print(
        f"| sequencing {n:,} entries | {sequencing_rate:,.0f} entries/s "
        f"({sequencing_rate / sign_near:.0%} of raw signing measured around it, "
        f"{sign_near:,.0f}/s) |"
    )
    for label, (p50, p99) in latency.items():
        print(f"| {label} proof at {n:,} | p50 {p50:.2f} ms, p99 {p99:.2f} ms |")
    print(f"| export of {n:,} entries ({size_mb:,.0f} MB) | {export_seconds:.1f} s |")
    print(
        f"| offline verification, {cores} workers | {offline_rate:,.0f} entries/s "
        f"({offline_rate / (verify_near * cores):.0%} of raw verify x {cores}, "
        f"{verify_near * cores:,.0f}/s) |"
    )
    for label, (rate, p50, p99) in serving.items():
        print(
            f"| tiles over HTTP: {label} | {rate:,.0f} requests/s, "
            f"p50 {p50:.2f} ms, p99 {p99:.2f} ms |"
        )
    print(f"| writing {n:,} entries as tiles ({tiles_mb:,.0f} MB) | {build_seconds:.1f} s |")
    print(
        f"| offline verification from tiles, {cores} workers | {tiles_rate:,.0f} entries/s "
        f"({tiles_ratio:.0%} of raw verify x {cores}, {tiles_near * cores:,.0f}/s) |"
    )
    for label, (p50, p95) in recording.items():
        print(f"| recording a read, format {label} | p50 {p50:.2f} ms, p95 {p95:.2f} ms |")
    print(
        f"| witness rebuild of the label index from the tiles of {n:,} entries "
        f"(tile verification: {tiles_seconds:.1f} s) | {rebuild_seconds:.1f} s |"
    )
    for row in index["rows"]:
        print(row)
    assert rebuild_root is not None
    return 0


if __name__ == "__main__":
    sys.exit(main())
