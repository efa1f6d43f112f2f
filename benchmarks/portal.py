"""Catalogue, search, application page and work queue under load, with realistic volumes.

    python -m benchmarks.portal [--services 10000] [--applications 100000]
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
import random
import time
from collections.abc import Callable
from urllib.parse import quote

from benchmarks.common import (
    Request,
    bench_env,
    ensure_database,
    manage,
    measure,
    session_cookie,
    setup_django,
    start_web,
)

DB_NAME = "portal_bench_services"
ENV = bench_env(db_name=DB_NAME, redis_db=12, var_dir="/tmp/portal_bench_services")
PORT = 8793
SEARCH_WORDS = ["登记", "许可", "补贴", "registration", "生育", "licence", "退休", "税"]


def prepare() -> None:
    ensure_database(DB_NAME)
    manage(ENV, "migrate", "-v0")


def load(n_services: int, n_applications: int) -> dict[str, object]:
    """Demo data plus bulk rows up to the wanted counts; returns what the clients need."""
    from django.db import transaction
    from django.utils import timezone

    from portal.accounts.models import User
    from portal.composition.demo.accounts import seed_accounts
    from portal.composition.demo.exchange import seed_exchange
    from portal.composition.demo.services import seed
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
        "citizen": session_cookie("zhangsan"),
        "clerk": session_cookie("scjg.window_clerk"),
        "numbers": numbers,
        "pages": max(1, ServiceItem.objects.count() // 20),
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
    setup_django(ENV)
    t0 = time.monotonic()
    data = load(args.services, args.applications)
    print(
        f"loaded {data['services']} services and {data['applications']} applications "
        f"({time.monotonic() - t0:.0f} s)"
    )
    numbers = data["numbers"]
    pages = data["pages"]
    assert isinstance(numbers, list) and numbers and isinstance(pages, int)
    citizen, clerk = str(data["citizen"]), str(data["clerk"])
    scenarios: list[tuple[str, Callable[[random.Random], str], str]] = [
        ("catalogue", lambda r: f"/services/?page={r.randint(1, pages)}", ""),
        ("search", lambda r: f"/services/?q={r.choice(SEARCH_WORDS)}", ""),
        ("application page", lambda r: f"/my/applications/{r.choice(numbers)}/", citizen),
        ("work queue", lambda r: f"/backoffice/services/queue/?page={r.randint(1, 20)}", clerk),
    ]
    web = start_web(ENV, PORT, args.web_workers, ready_path="/services/")
    try:
        print(
            f"{args.concurrency} concurrent clients, {args.seconds:.0f} s each, "
            f"{args.web_workers} gunicorn workers"
        )
        print(f"{'page':<18}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
        for name, path_for, cookie in scenarios:

            def request(
                r: random.Random,
                f: Callable[[random.Random], str] = path_for,
                c: str = cookie,
                label: str = name,
            ) -> Request:
                return ("GET", quote(f(r), safe="/?=&"), {"Cookie": c} if c else {}, None, label)

            result = measure(PORT, request, args.seconds, args.concurrency)
            print(
                f"{name:<18}{result['requests']:>9.0f}{result['rps']:>9.1f}"
                f"{result['p50']:>9.1f}{result['p95']:>9.1f}{result['errors']:>8.0f}"
            )
    finally:
        web.terminate()
        web.wait(timeout=30)


if __name__ == "__main__":
    main()
