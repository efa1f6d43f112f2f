"""Signed exchange reads under concurrency, with and without the ledger write.

    python benchmarks/exchange.py [--seconds 20] [--concurrency 16] [--web-workers 3]

Runs on PostgreSQL (database ``portal_bench_exchange``, created if missing) and Redis
(db 11), with a real gunicorn server and a real Celery worker sequencing the ledger.
Department systems' requests are RFC 9421 signed with the demo systems' Ed25519 keys;
they are signed before the timed run so that client-side signing is not measured.
The baseline run sets BENCHMARK_SKIP_LEDGER=true: the same read and access record,
without the pending ledger event and its dispatch. Prints requests/s and p50/p99.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DB_NAME = "portal_bench_exchange"
ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "REDIS_URL": "redis://127.0.0.1:6379/11",
    "PORTAL_VAR_DIR": "/tmp/portal_bench_exchange",
    "DJANGO_LOG_LEVEL": "WARNING",
    "API_SYSTEM_RATE": "1000000/min",
}
PORT = 8791


def manage(*args: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env or ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def prepare() -> None:
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{DB_NAME}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    manage("migrate", "-v0")
    manage("seed_demo")


def signed_requests(count: int, url: str) -> list[tuple[bytes, dict[str, str]]]:
    """Pre-sign ``count`` reads as the jxj department system (one signature per request)."""
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
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


def start(skip_ledger: bool, web_workers: int) -> list[subprocess.Popen[bytes]]:
    env = {**ENV, "BENCHMARK_SKIP_LEDGER": "true" if skip_ledger else "false"}
    web = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "-w",
            str(web_workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    worker = subprocess.Popen(
        [PY, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/api/v1/exchange/datasets/")
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    return [web, worker]


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(timeout=30)


def run(
    requests: list[tuple[bytes, dict[str, str]]], seconds: float, concurrency: int
) -> dict[str, float]:
    path = urlsplit(f"http://127.0.0.1:{PORT}/api/v1/exchange/read").path
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    cursor = iter(range(len(requests)))
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        mine: list[float] = []
        bad = 0
        while time.monotonic() < deadline:
            with lock:
                n = next(cursor, None)
            if n is None:
                break
            body, headers = requests[n]
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            t0 = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t0)
            bad += response.status != 200
            conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    start_time = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start_time
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": q[49] * 1000,
        "p99": q[98] * 1000,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--web-workers", type=int, default=3)
    args = parser.parse_args()
    prepare()
    url = f"http://127.0.0.1:{PORT}/api/v1/exchange/read"
    results = {}
    for label, skip in (("ledger on", False), ("ledger off", True)):
        requests = signed_requests(int(args.seconds * 1500) + 1000, url)
        procs = start(skip, args.web_workers)
        try:
            run(requests[:200], 2, args.concurrency)  # warm up
            results[label] = run(requests[200:], args.seconds, args.concurrency)
        finally:
            stop(procs)
    print(
        f"signed POST /api/v1/exchange/read, {args.concurrency} concurrent clients, "
        f"gunicorn {args.web_workers} workers, PostgreSQL, Celery worker sequencing"
    )
    print(f"{'':12}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'requests':>10}")
    for label, r in results.items():
        print(
            f"{label:12}{r['rps']:10.1f}{r['p50']:10.2f}{r['p99']:10.2f}{r['errors']:8.0f}"
            f"{r['requests']:10.0f}"
        )
    on, off = results["ledger on"], results["ledger off"]
    print(
        f"ledger cost: p50 {100 * (on['p50'] / off['p50'] - 1):+.1f}%, "
        f"p99 {100 * (on['p99'] / off['p99'] - 1):+.1f}%, "
        f"throughput {100 * (on['rps'] / off['rps'] - 1):+.1f}%"
    )


if __name__ == "__main__":
    main()
