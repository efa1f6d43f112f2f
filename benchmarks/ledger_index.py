"""Label index benchmark: the prefix tree of docs/ledger-formats.md section 8.

    .venv/bin/python benchmarks/ledger_index.py [--keys 1000000] [--batch 1000]

Uses its own database (``portal_bench_index``, created and migrated if missing, its
``ledger_indexnode`` table emptied first). Keys are random 32-byte labels (VRF outputs are
uniform), values random entry leaf hashes. In one run it prints:

1. the baseline: one plain SHA-256 of a 300-byte entry (``hashlib``), µs;
2. update cost per entry on the memory store, in a tree of ``--keys`` labels: one insert
   per version, and batches of ``--batch`` inserts per version (the epoch's new entries);
3. the same on PostgreSQL (``DatabaseNodeStore``): a batch of ``--batch`` inserts as one
   version in one transaction (reads of the paths, one COPY, the commit), and one insert per
   transaction; and the read of a 60-label batch proof;
4. the root of ``--keys`` labels rebuilt in memory from the labels alone (``root_from_items``,
   what a witness does from the log's tiles), excluding reading the tiles;
5. proof bytes for a person with 50 labels in the tree of ``--keys``: membership of the 50
   and non-membership of 10 probes (counter 50, the next four, and 64, 128, 256, 512, 1024),
   as one batch proof and as separate proofs, and the time to verify the batch in Python.

The memory tree, once built, is frozen out of the cyclic garbage collector (``gc.freeze``), as
a long-running witness or index updater would keep it; without that, CPython's full
collections over millions of node objects dominate the per-insert time.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ledger.core.prefix_tree import (  # noqa: E402 - after the path
    IndexValue,
    MemoryNodeStore,
    PrefixTree,
    root_from_items,
    verify_batch,
)

Items = list[tuple[bytes, IndexValue]]


def make_items(rng: random.Random, n: int, start: int = 0) -> Items:
    return [(rng.randbytes(32), IndexValue(start + i, rng.randbytes(32))) for i in range(n)]


def seconds(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def sha256_baseline_us(n: int = 200_000) -> float:
    entry = os.urandom(300)
    rounds = []
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(n):
            hashlib.sha256(b"\x00" + entry).digest()
        rounds.append((time.perf_counter() - began) / n * 1e6)
    return statistics.median(rounds)


def update_costs(
    tree: PrefixTree, rng: random.Random, batch: int, singles: int
) -> tuple[float, float]:
    """(ms per entry one insert per version, ms per entry in batches of ``batch``)."""
    version = (tree.store.latest_version() or 0) + 1
    items = make_items(rng, singles, start=10**9)

    def one_by_one() -> None:
        for offset, (key, value) in enumerate(items):
            tree.insert(key, value, version=version + offset)

    single = seconds(one_by_one) / singles * 1000
    version += singles
    batches = [make_items(rng, batch, start=2 * 10**9 + b * batch) for b in range(5)]
    took = []
    for offset, chunk in enumerate(batches):

        def insert(c: Items = chunk, v: int = version + offset) -> None:
            tree.insert_many(c, version=v)

        took.append(seconds(insert))
    return single, statistics.median(took) / batch * 1000


def proof_figures(tree: PrefixTree, rng: random.Random, members: Items) -> None:
    version = tree.store.latest_version() or 0
    probes = [rng.randbytes(32) for _ in range(10)]  # labels of counters 50..54, 64 … 1024
    keys = [k for k, _ in members] + probes
    began = time.perf_counter()
    lookup = tree.prove(keys, version=version)
    prove_ms = (time.perf_counter() - began) * 1000
    assert all(lookup.values[k] == v for k, v in members)
    root = tree.root(version=version)
    verify_ms = statistics.median(
        seconds(lambda: verify_batch(root, dict(members), probes, lookup.proof)) * 1000
        for _ in range(5)
    )
    separate = sum(len(tree.prove([k], version=version).proof) for k in keys)
    print(
        f"  batch proof, 50 members + 10 absent: {len(lookup.proof):,} bytes "
        f"({len(lookup.proof) / 1024:.1f} KiB); separate proofs {separate:,} bytes"
    )
    print(f"  read {prove_ms:.1f} ms, verified in Python in {verify_ms:.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000, help="labels in the tree")
    parser.add_argument("--batch", type=int, default=1000, help="inserts per version")
    parser.add_argument("--singles", type=int, default=500, help="one-insert versions timed")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/portal_bench_index"
    )
    args = parser.parse_args()
    rng = random.Random(2026)
    n = args.keys

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {n:,} labels\n")
    baseline = sha256_baseline_us()
    print(f"1. baseline: SHA-256 of a 300-byte entry {baseline:.2f} µs\n")

    labels = make_items(rng, n)
    print(f"2. memory store, tree of {n:,} labels")
    memory = PrefixTree(MemoryNodeStore())
    build = seconds(lambda: memory.insert_many(labels, version=0))
    print(f"  initial build (one version): {build:.1f} s")
    # The tree's millions of objects live as long as the process (a witness, the updater):
    # out of the cyclic collector's reach, as such a process would keep them.
    gc.collect()
    gc.freeze()
    single, batched = update_costs(memory, rng, args.batch, args.singles)
    ratio = single * 1000 / baseline
    print(f"  one insert per version: {single:.3f} ms/entry ({ratio:,.0f} × SHA-256)")
    print(f"  {args.batch:,} inserts per version: {batched:.3f} ms/entry "
          f"({batched * 1000 / baseline:,.0f} × SHA-256)\n")  # fmt: skip

    database(args, labels, rng, baseline)
    print()

    print(f"4. witness rebuild: root of {n:,} labels from the labels alone")
    rebuild = seconds(lambda: root_from_items(labels))
    print(f"  {rebuild:.1f} s ({rebuild / n * 1e6:.1f} µs per label)\n")

    print("5. proof for a person with 50 labels")
    proof_figures(memory, rng, rng.sample(labels, 50))


def database(args: argparse.Namespace, labels: Items, rng: random.Random, baseline: float) -> None:
    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    with psycopg.connect(args.database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
        if c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            c.execute(f'CREATE DATABASE "{name}"')
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["PORTAL_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-index-")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from ledger.index_store import DatabaseNodeStore

    call_command("migrate", verbosity=0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ledger.allow_truncate = 'on'")
        cursor.execute("TRUNCATE ledger_indexnode")
    pg: int = connection.pg_version  # type: ignore[attr-defined]  # PostgreSQL only
    print(f"3. PostgreSQL {pg // 10000} store, tree of {len(labels):,} labels")
    tree = PrefixTree(DatabaseNodeStore())

    def initial() -> None:
        with transaction.atomic():
            tree.insert_many(labels, version=0)

    print(f"  initial build (one version, one COPY): {seconds(initial):.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_indexnode")
    version = 1
    took = []
    for b in range(5):
        chunk = make_items(rng, args.batch, start=3 * 10**9 + b * args.batch)

        def one_batch(c: Items = chunk, v: int = version + b) -> None:
            with transaction.atomic():
                tree.insert_many(c, version=v)

        took.append(seconds(one_batch))
    batched = statistics.median(took) / args.batch * 1000
    version += 5
    singles = make_items(rng, 200, start=4 * 10**9)

    def one_by_one() -> None:
        for offset, (key, value) in enumerate(singles):
            with transaction.atomic():
                tree.insert(key, value, version=version + offset)

    single = seconds(one_by_one) / len(singles) * 1000
    print(
        f"  {args.batch:,} inserts per version, one transaction: {batched:.3f} ms/entry "
        f"({batched * 1000 / baseline:,.0f} × SHA-256)"
    )
    print(f"  one insert per transaction: {single:.3f} ms/entry")  # fmt: skip
    members = rng.sample(labels, 50)
    keys = [k for k, _ in members] + [rng.randbytes(32) for _ in range(10)]
    latest = tree.store.latest_version() or 0
    reads = sorted(seconds(lambda: tree.prove(keys, version=latest)) * 1000 for _ in range(20))
    print(f"  read of the 60-label batch proof: p50 {reads[10]:.1f} ms, max {reads[-1]:.1f} ms")


if __name__ == "__main__":
    main()
