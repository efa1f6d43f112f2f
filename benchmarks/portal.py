"""Catalogue, search, application page and work queue under load, with realistic volumes.

    python benchmarks/portal.py [--services 10000] [--applications 100000]
                                [--seconds 15] [--concurrency 20] [--web-workers 3]

Runs on PostgreSQL (database ``portal_bench_services``, created if missing) with a real
gunicorn server. Loads the demo departments, people and services, then bulk-loads service
items and applications (with one timeline event each) up to the requested numbers; a second
run reuses them. Signed-in sessions are made directly in the session store, so sign-in is not
measured. Each page is driven for ``--seconds`` by ``--concurrency`` client threads, each
request on a new connection. Prints requests/s and p50/p95 latency per page.
"""

import argparse
import datetime as dt
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DB_NAME = "portal_bench_services"
ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "REDIS_URL": "redis://127.0.0.1:6379/12",
    "PORTAL_VAR_DIR": "/tmp/portal_bench_services",
    "DJANGO_LOG_LEVEL": "WARNING",
    "DJANGO_DEBUG": "false",
}
PORT = 8793
SEARCH_WORDS = ["登记", "许可", "补贴", "registration", "生育", "licence", "退休", "税"]


def prepare() -> None:
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname='{DB_NAME}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    subprocess.run(
        [PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=ENV, check=True, capture_output=True
    )


def setup_django() -> None:
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load(n_services: int, n_applications: int) -> dict[str, object]:
    """Demo data plus bulk rows up to the wanted counts; returns what the clients need."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from portal.accounts.demo import seed_accounts
    from portal.accounts.models import User
    from portal.exchange.demo import seed_exchange
    from portal.services.demo import seed
    from portal.services.models import Application, ApplicationEvent, ServiceItem
    from portal.services.workdays import add_working_days

    with transaction.atomic():
        seed_accounts()
        seed_exchange()
        seed()
    templates = list(ServiceItem.objects.select_related("department"))
    have = ServiceItem.objects.count()
    rows = []
    for i in range(have, n_services):
        t = templates[i % len(templates)]
        item = ServiceItem(
            department=t.department,
            code=f"bench-{i:06d}",
            name=f"{t.name}（{i}号）",
            name_en=f"{t.name_en} no. {i}",
            summary=t.summary,
            keywords=t.keywords,
            for_citizens=t.for_citizens,
            for_firms=t.for_firms,
            conditions=t.conditions,
            materials=t.materials,
            process_steps=t.process_steps,
            form_schema=t.form_schema,
            legal_days=t.legal_days,
            promised_days=t.promised_days,
            legal_basis=t.legal_basis,
            phone=t.phone,
            offline_address=t.offline_address,
        )
        item.search_text = " ".join([item.name, item.name_en, item.keywords, item.code]).lower()
        rows.append(item)
    ServiceItem.objects.bulk_create(rows, batch_size=2000)
    citizens = list(User.objects.filter(id_number__isnull=False).order_by("pk"))
    services = list(
        ServiceItem.objects.filter(for_citizens=True).values_list("pk", "department_id")
    )
    have = Application.objects.count()
    statuses = ["submitted", "accepted", "under_review", "supplement_requested", "approved"]
    today = timezone.localdate()
    rng = random.Random(42)
    batch: list[Application] = []
    for i in range(have, n_applications):
        service_id, department_id = services[rng.randrange(len(services))]
        submitted = timezone.now() - dt.timedelta(days=rng.randrange(60))
        batch.append(
            Application(
                number=f"SQ-2025-{i + 1:06d}",
                service_id=service_id,
                department_id=department_id,
                applicant=citizens[i % len(citizens)],
                data={"applicant_name": "压测", "phone": "13900000000"},
                status=statuses[rng.randrange(len(statuses))],
                submitted_at=submitted,
                due_date=add_working_days(today - dt.timedelta(days=rng.randrange(40)), 20),
            )
        )
        if len(batch) == 5000 or i == n_applications - 1:
            created = Application.objects.bulk_create(batch)
            ApplicationEvent.objects.bulk_create(
                ApplicationEvent(
                    application=a,
                    at=a.submitted_at or timezone.now(),
                    actor_user=a.applicant,
                    action="submit",
                    from_status="draft",
                    to_status="submitted",
                )
                for a in created
            )
            batch = []

    def session_for(username: str) -> str:
        user = User.objects.get(username=username)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        assert store.session_key is not None
        return store.session_key

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    citizen = User.objects.get(username="zhangsan")
    numbers = list(
        Application.objects.filter(applicant=citizen, firm__isnull=True)
        .exclude(status="draft")
        .values_list("number", flat=True)[:2000]
    )
    return {
        "services": ServiceItem.objects.count(),
        "applications": Application.objects.count(),
        "citizen": session_for("zhangsan"),
        "clerk": session_for("scjg.window_clerk"),
        "numbers": numbers,
        "pages": max(1, ServiceItem.objects.count() // 20),
    }


def start(web_workers: int) -> subprocess.Popen[bytes]:
    web = subprocess.Popen(
        [PY, "-m", "gunicorn", "portal.wsgi", "-w", str(web_workers),
         "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT, env=ENV,
    )  # fmt: skip
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/services/")
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    return web


def run(
    path_for: Callable[[random.Random], str], cookie: str, seconds: float, concurrency: int
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            headers = {"Cookie": cookie} if cookie else {}
            t0 = time.perf_counter()
            conn.request("GET", path_for(rng), headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t0)
            bad += response.status != 200
            conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    q = statistics.quantiles(sorted(latencies), n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--web-workers", type=int, default=3)
    args = parser.parse_args()
    prepare()
    setup_django()
    t0 = time.monotonic()
    data = load(args.services, args.applications)
    print(
        f"loaded {data['services']} services and {data['applications']} applications "
        f"({time.monotonic() - t0:.0f} s)"
    )
    numbers = data["numbers"]
    pages = data["pages"]
    assert isinstance(numbers, list) and numbers and isinstance(pages, int)
    citizen = f"sessionid={data['citizen']}"
    clerk = f"sessionid={data['clerk']}"
    scenarios: list[tuple[str, Callable[[random.Random], str], str]] = [
        ("catalogue", lambda r: f"/services/?page={r.randint(1, pages)}", ""),
        ("search", lambda r: f"/services/?q={r.choice(SEARCH_WORDS)}", ""),
        ("application page", lambda r: f"/my/applications/{r.choice(numbers)}/", citizen),
        ("work queue", lambda r: f"/backoffice/services/queue/?page={r.randint(1, 20)}", clerk),
    ]
    web = start(args.web_workers)
    try:
        print(
            f"{args.concurrency} concurrent clients, {args.seconds:.0f} s each, "
            f"{args.web_workers} gunicorn workers"
        )
        print(f"{'page':<18}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
        for name, path_for, cookie in scenarios:
            from urllib.parse import quote

            def encoded(r: random.Random, f: Callable[[random.Random], str] = path_for) -> str:
                return quote(f(r), safe="/?=&")

            result = run(encoded, cookie, args.seconds, args.concurrency)
            print(
                f"{name:<18}{result['requests']:>9.0f}{result['rps']:>9.1f}"
                f"{result['p50']:>9.1f}{result['p95']:>9.1f}{result['errors']:>8.0f}"
            )
    finally:
        web.terminate()
        web.wait(timeout=30)


if __name__ == "__main__":
    main()
