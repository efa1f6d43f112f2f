"""Signed exchange reads under concurrency, with and without the ledger write.

    python -m benchmarks.exchange [--seconds 20] [--concurrency 16] [--web-workers 3]

Runs on PostgreSQL (database ``portal_bench_exchange``, created if missing) and Redis
(db 11), with a real gunicorn server and a real Celery worker sequencing the ledger.
Department systems' requests are RFC 9421 signed with the demo systems' Ed25519 keys;
they are signed before the timed run so that client-side signing is not measured.
Three runs: the ledger on with the Celery worker sequencing during the run (everything on
the same cores); the ledger on with the worker started only after the timed window (the
request path's own cost: the pending event and its dispatch); and the baseline with
BENCHMARK_SKIP_LEDGER=true (the same read and access record, no ledger event). Prints
requests/s and p50/p99 of each, and the ledger's cost against the baseline.
"""

import argparse
import json
import random
import threading
from pathlib import Path

from benchmarks.common import (
    LoadResult,
    Request,
    bench_env,
    ensure_database,
    manage,
    measure,
    setup_django,
    start_web,
    start_worker,
    stop,
)

DB_NAME = "portal_bench_exchange"
PORT = 8791
ENV = bench_env(db_name=DB_NAME, redis_db=11, var_dir="/tmp/portal_bench_exchange")


def prepare() -> None:
    ensure_database(DB_NAME)
    manage(ENV, "migrate", "-v0")
    manage(ENV, "seed_demo")


def signed_requests(count: int, url: str) -> list[tuple[bytes, dict[str, str]]]:
    """Pre-sign ``count`` reads as the jxj department system (one signature per request)."""
    setup_django(ENV)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from portal.accounts.models import Firm
    from portal.departments.signing_client import signed_headers

    key_path = Path(ENV["PORTAL_VAR_DIR"]) / "keys" / "system-jxj-system.pem"
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    firms = list(Firm.objects.values_list("uscc", flat=True))
    out = []
    for n in range(count):
        body = json.dumps(
            {
                "dataset": "scjg.business_registration",
                "subject": firms[n % len(firms)],
                "fields": ["name", "registered_capital", "status"],
                "purpose": "惠企政策资格审核（压测）",
                "application": f"BENCH-{n:06d}",
            },
            ensure_ascii=False,
        ).encode()
        out.append(
            (body, signed_headers(method="POST", url=url, body=body, key_id="jxj-system", key=key))
        )
    return out


def run(requests: list[tuple[bytes, dict[str, str]]], seconds: float, clients: int) -> LoadResult:
    """Closed-loop signed reads, each request signed once (a replay would be refused)."""
    pending = iter(requests)
    lock = threading.Lock()

    def next_request(rng: random.Random) -> Request:
        with lock:
            body, headers = next(pending)
        return ("POST", "/api/v1/exchange/read", headers, body, "signed read")

    return measure(PORT, next_request, seconds, clients)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--web-workers", type=int, default=3)
    args = parser.parse_args()
    prepare()
    url = f"http://127.0.0.1:{PORT}/api/v1/exchange/read"
    results: dict[str, LoadResult] = {}
    # label, skip the ledger event, run the sequencing worker during the timed window
    runs = (
        ("ledger on", False, True),
        ("ledger, worker after", False, False),
        ("ledger off", True, False),
    )
    for label, skip, worker_during in runs:
        requests = signed_requests(int(args.seconds * 1500) + 1000, url)
        env = {**ENV, "BENCHMARK_SKIP_LEDGER": "true" if skip else "false"}
        procs = [start_web(env, PORT, args.web_workers)]
        if worker_during:
            procs.append(start_worker(env))
        try:
            run(requests[:200], 2, args.concurrency)  # warm up
            results[label] = run(requests[200:], args.seconds, args.concurrency)
        finally:
            stop(procs)
        if not skip and not worker_during:  # sequence what waited, so the next run starts clean
            manage(env, "ledger_sequence")
    print(
        f"signed POST /api/v1/exchange/read, {args.concurrency} concurrent clients, "
        f"gunicorn {args.web_workers} workers, PostgreSQL"
    )
    print(f"{'':22}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'requests':>10}")
    for label, r in results.items():
        print(
            f"{label:22}{r['rps']:10.1f}{r['p50']:10.2f}{r['p99']:10.2f}{r['errors']:8.0f}"
            f"{r['requests']:10.0f}"
        )
    off = results["ledger off"]
    for label in ("ledger on", "ledger, worker after"):
        on = results[label]
        print(
            f"ledger cost ({label}): p50 {100 * (on['p50'] / off['p50'] - 1):+.1f}%, "
            f"p99 {100 * (on['p99'] / off['p99'] - 1):+.1f}%, "
            f"throughput {100 * (on['rps'] / off['rps'] - 1):+.1f}%"
        )


if __name__ == "__main__":
    main()
