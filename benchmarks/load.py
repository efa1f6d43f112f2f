"""Mixed load at rising concurrency until the server saturates.

    python -m benchmarks.load [--seconds 20] [--levels 5,10,20,40] [--web-workers 4]

A real gunicorn server on PostgreSQL (database ``portal_bench_load``) and Redis (db 9), with a
Celery worker (and beat) sequencing the ledger, loaded with the demo data. Each client picks,
for every request: citizens (their applications, who used their data), firms' public searches
(service catalogue, Chinese policy search, the public policy API), staff (work queue) and
department systems (RFC 9421 signed exchange reads, pre-signed before the run). For each level:
throughput, p50/p95/p99, error rate, and the ledger backlog at the end of the level.
"""

import argparse
import json
import random
import threading
import time
from pathlib import Path
from urllib.parse import quote

from benchmarks.common import (
    LoadResult,
    Request,
    bench_env,
    ensure_database,
    manage,
    measure,
    session_cookie,
    setup_django,
    start_web,
    start_worker,
    stop,
)

DB_NAME = "portal_bench_load"
PORT = 8792
ENV = bench_env(db_name=DB_NAME, redis_db=9, var_dir="/tmp/portal_bench_load")


def signed_reads(count: int) -> list[tuple[bytes, dict[str, str]]]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from portal.accounts.models import Firm
    from portal.departments.signing_client import signed_headers

    key_file = Path(ENV["PORTAL_VAR_DIR"]) / "keys" / "system-jxj-system.pem"
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    firms = list(Firm.objects.values_list("uscc", flat=True))
    url = f"http://127.0.0.1:{PORT}/api/v1/exchange/read"
    out = []
    for n in range(count):
        body = json.dumps(
            {"dataset": "swj.tax_credit", "subject": firms[n % len(firms)],
             "purpose": "惠企政策资格审核（负载测试）", "application": f"LOAD-{n:06d}"},
            ensure_ascii=False,
        ).encode()  # fmt: skip
        headers = signed_headers(method="POST", url=url, body=body, key_id="jxj-system", key=key)
        out.append((body, headers))
    return out


def backlog() -> int:
    from ledger.models import PendingEvent

    return PendingEvent.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--levels", default="5,10,20,40")
    parser.add_argument("--web-workers", type=int, default=4)
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]

    ensure_database(DB_NAME)
    manage(ENV, "migrate", "-v0")
    manage(ENV, "seed_demo")
    setup_django(ENV)
    citizen = session_cookie("zhangsan")
    staff = session_cookie("jxj.window_clerk")
    lock = threading.Lock()  # one pre-signed request per send, shared by the client threads
    reads = iter(signed_reads(int(sum(levels) * args.seconds * 30) + 2000))

    def next_request(rng: random.Random) -> Request:
        roll = rng.random()
        if roll < 0.20:
            return ("GET", "/services/", {}, None, "catalogue")
        if roll < 0.35:
            q = quote(rng.choice(["研发补贴", "稳岗", "高新技术", "人才"]))
            return ("GET", f"/policies/?q={q}", {}, None, "policy search")
        if roll < 0.45:
            return ("GET", f"/api/v1/policies/?q={quote('研发')}", {}, None, "policy API")
        if roll < 0.60:
            return ("GET", "/my/applications/", {"Cookie": citizen}, None, "my applications")
        if roll < 0.70:
            return ("GET", "/my/data-uses/", {"Cookie": citizen}, None, "who used my data")
        if roll < 0.80:
            return ("GET", "/backoffice/services/queue/", {"Cookie": staff}, None, "work queue")
        with lock:
            body, headers = next(reads)
        return ("POST", "/api/v1/exchange/read", headers, body, "signed read")

    procs = [start_web(ENV, PORT, args.web_workers), start_worker(ENV, beat=True)]
    rows: list[tuple[int, LoadResult, int]] = []
    try:
        measure(PORT, next_request, 3, 4)  # warm up
        for level in levels:
            result = measure(PORT, next_request, args.seconds, level)
            rows.append((level, result, backlog()))
            time.sleep(2)
    finally:
        stop(procs)
    print(f"mixed load, gunicorn {args.web_workers} workers + 1 Celery worker, PostgreSQL, Redis")
    print(f"{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'backlog':>9}")  # fmt: skip
    for level, r, pending in rows:
        print(f"{level:>8}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
              f"{r['error_rate']:>8.1%}{pending:>9}")  # fmt: skip
    print("p95 by request kind at the highest level:")
    for label, value in sorted(rows[-1][1]["by_label"].items()):
        print(f"  {label:20} {value:8.1f} ms")


if __name__ == "__main__":
    main()
