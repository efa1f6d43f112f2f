"""Policies benchmark: match one firm against 10,000 policies; push a policy to 100,000 firms.

    .venv/bin/python benchmarks/policies.py [--policies 10000] [--firms 100000] [--samples 200]

Uses its own PostgreSQL database (``portal_bench_policies``, created and migrated if missing).
Prints:

1. match: one firm's profile against N published policies with realistic rules (2–6
   conditions each, region, industry and size filters), p50/p95 over ``--samples`` firms.
   Measured through ``selectors.compiled_published()`` (one aggregate query that checks the
   process's cache of compiled rules) and ``matching.match_profile`` (every policy's rule
   evaluated in memory, outcome and estimated amount). The first, cold call (load and compile
   every rule) is printed separately.
2. push: a new policy published to M firms: ``services.policy_run_execute`` of its push run
   (every firm's kept profile classified, matches upserted, eligible firms notified), in
   batches of ``POLICIES_PUSH_BATCH``, end to end, and a second run (already notified: no
   new notice).

Firms and their kept profiles (``FirmProfile``) are generated directly in bulk: in the
product the profiles are refreshed through the exchange (``firm_profile_refresh``, every
read in the ledger) by the beat task, not while a policy is pushed.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policies.models import Policy
    from portal.departments.models import Department

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "portal_bench_policies"
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
os.environ.setdefault("PORTAL_VAR_DIR", "/tmp/portal_bench_policies")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
sys.path.insert(0, str(ROOT))

REGIONS = ["330100", "330000", "100000", "330106", "330102"]
SECTIONS = ["C", "I", "M", "L", "R", "F", "G"]
CODES = {"C": ["2720", "3099", "3511", "3982"], "I": ["6511", "6421", "6513"],
         "M": ["7320", "7517"], "L": ["7259", "7221"], "R": ["8710", "8890"],
         "F": ["5121", "5251"], "G": ["5439", "5990"]}  # fmt: skip


def ensure_database() -> None:
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname='{DB_NAME}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {DB_NAME}"],
            check=True,
            capture_output=True,
        )


def random_rule(rng: random.Random) -> dict[str, object]:
    choices: list[Callable[[], dict[str, object]]] = [
        lambda: {"field": "headcount", "op": "gte", "value": rng.choice([5, 10, 20, 50, 100])},
        lambda: {"field": "revenue", "op": "gte", "value": rng.choice([100, 500, 2000, 5000])},
        lambda: {"field": "rd_expense", "op": "gte", "value": rng.choice([50, 100, 500])},
        lambda: {"field": "rd_ratio", "op": "gte", "value": rng.choice([2, 3, 5])},
        lambda: {"field": "age_years", "op": "between", "value": [0, rng.choice([3, 5, 10])]},
        lambda: {"field": "tax_credit_rating", "op": "gte", "value": rng.choice(["B", "A"])},
        lambda: {"field": "in_arrears", "op": "eq", "value": False},
        lambda: {"field": "certificates", "op": "contains",
                 "value": rng.choice(["high_tech", "specialised", "tech_sme"])},
        lambda: {"field": "registered_capital", "op": "gte", "value": rng.choice([100, 500])},
        lambda: {"field": "tax_paid", "op": "gte", "value": rng.choice([10, 100])},
        lambda: {"any": [{"field": "certificates", "op": "contains", "value": "high_tech"},
                         {"field": "rd_ratio", "op": "gte", "value": 5}]},
        lambda: {"not": {"field": "registration_status", "op": "eq", "value": "注销"}},
    ]  # fmt: skip
    return {"all": [rng.choice(choices)() for _ in range(rng.randint(2, 6))]}


def random_profile(rng: random.Random) -> dict[str, object]:
    section = rng.choice(SECTIONS)
    headcount = float(rng.choice([3, 8, 25, 60, 150, 420, 1200]))
    revenue = float(rng.choice([45, 280, 900, 2600, 5200, 38000, 60000]))
    rd = float(rng.choice([0, 30, 90, 400, 860, 4200]))
    values: dict[str, object] = {
        "region": rng.choice(["330106", "330102", "330108"]),
        "industry_code": rng.choice(CODES[section]),
        "industry_section": section,
        "registration_status": "存续",
        "age_years": rng.randint(0, 20),
        "registered_capital": float(rng.choice([10, 100, 1000, 8000])),
        "headcount": headcount,
        "contribution_months": rng.randint(1, 120),
        "in_arrears": rng.random() < 0.1,
        "revenue": revenue,
        "rd_expense": rd,
        "rd_ratio": round(100 * rd / revenue, 2),
        "tax_credit_rating": rng.choice(["A", "A", "B", "M", "C"]),
        "firm_size": rng.choice(["micro", "small", "medium", "large"]),
        "certificates": rng.sample(["high_tech", "specialised", "tech_sme"], rng.randint(0, 2)),
        "certificates__known": ["high_tech"],
    }
    if rng.random() < 0.5:
        values["tax_paid"] = float(rng.choice([2, 50, 320]))
    return values


def policy_row(rng: random.Random, n: int, department: "Department") -> "Policy":
    from policies.constants import PolicyStatus
    from policies.models import Policy

    section = rng.choice([*SECTIONS, "", "", ""])
    industries = [section] if section else []
    if section and rng.random() < 0.3:
        industries = [rng.choice(CODES[section])[:2]]
    fixed = rng.random() < 0.6
    return Policy(
        title=f"基准测试政策{n}",
        department=department,
        document_number=f"BENCH-{n:06d}",
        region=rng.choice(REGIONS),
        summary="基准测试",
        topics=["rd"],
        industries=industries,
        firm_sizes=rng.choice([[], [], ["micro", "small"], ["small", "medium"]]),
        benefit_kind="fixed" if fixed else "share",
        benefit_amount=Decimal(rng.choice([2, 5, 10, 50])) if fixed else None,
        benefit_rate=None if fixed else Decimal("0.1"),
        benefit_base="" if fixed else "rd_expense",
        benefit_cap=None if fixed else Decimal(200),
        eligibility=random_rule(rng),
        status=PolicyStatus.PUBLISHED,
    )


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_match(n_policies: int, samples: int) -> None:
    from policies import selectors
    from policies.engine import matching
    from policies.models import Policy
    from portal.departments.services import department_upsert

    rng = random.Random(42)
    department = department_upsert(code="bench", name="基准测试局", region="330100")
    Policy.objects.filter(document_number__startswith="BENCH-").delete()
    Policy.objects.bulk_create(
        [policy_row(rng, n, department) for n in range(n_policies)], batch_size=2000
    )
    selectors.compiled_cache_clear()
    started = time.perf_counter()
    compiled = selectors.compiled_published()
    cold = time.perf_counter() - started
    profiles = [random_profile(rng) for _ in range(samples)]
    times, kept = [], []
    for values in profiles:
        started = time.perf_counter()
        found = matching.match_profile(values, selectors.compiled_published())
        times.append(time.perf_counter() - started)
        kept.append(len(found))
    print(f"match: one firm against {len(compiled):,} policies")
    print(f"  cold (load and compile every rule): {cold * 1000:.0f} ms")
    print(
        f"  warm: p50 {percentile(times, 50) * 1000:.1f} ms, "
        f"p95 {percentile(times, 95) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms "
        f"over {samples} firms (aim: p95 < 50 ms)"
    )
    print(f"  policies kept per firm (eligible, unknown, near miss): {statistics.mean(kept):.0f}")
    Policy.objects.filter(document_number__startswith="BENCH-").delete()


def ensure_firms(n_firms: int) -> None:
    from django.utils import timezone

    from policies.models import FirmProfile
    from portal.accounts.models import Firm

    have = Firm.objects.filter(uscc__startswith="BENCH").count()
    if have >= n_firms:
        return
    rng = random.Random(7)
    print(f"(generating {n_firms - have:,} firms and their kept profiles …)")
    for start in range(have, n_firms, 5000):
        stop = min(start + 5000, n_firms)
        firms = Firm.objects.bulk_create(
            [
                Firm(name=f"基准企业{i}", uscc=f"BENCH{i:013d}", region="330106")
                for i in range(start, stop)
            ]
        )
        now = timezone.now()
        FirmProfile.objects.bulk_create(
            [
                FirmProfile(firm=f, values=random_profile(rng), refreshed_at=now, reader="bench")
                for f in firms
            ]
        )


def bench_push(n_firms: int) -> None:
    from django.conf import settings

    from policies import services
    from policies.constants import NoticeKind, PolicyStatus, RunKind
    from policies.models import Policy, PolicyRun
    from policies.models import PolicyNotice as Notice
    from portal.departments.services import department_upsert

    ensure_firms(n_firms)
    department = department_upsert(code="bench", name="基准测试局", region="330100")
    Policy.objects.filter(document_number="BENCH-PUSH").delete()
    policy = Policy.objects.create(
        title="基准推送政策",
        department=department,
        document_number="BENCH-PUSH",
        region="330100",
        summary="基准测试",
        benefit_kind="fixed",
        benefit_amount=Decimal(10),
        eligibility={
            "all": [
                {"field": "headcount", "op": "gte", "value": 20},
                {"field": "tax_credit_rating", "op": "gte", "value": "B"},
                {"field": "in_arrears", "op": "eq", "value": False},
            ]
        },
        status=PolicyStatus.PUBLISHED,
    )
    for attempt in ("first run", "second run"):
        run = PolicyRun.objects.create(policy=policy, kind=RunKind.PUSH, policy_version=1)
        started = time.perf_counter()
        run = services.policy_run_execute(run_id=run.pk)
        elapsed = time.perf_counter() - started
        print(
            f"push ({attempt}): {run.processed:,} firms in {elapsed:.1f} s "
            f"({run.processed / elapsed:,.0f} firms/s, batches of {settings.POLICIES_PUSH_BATCH}); "
            f"eligible {run.eligible:,}, possibly {run.unknown:,}, newly notified {run.notified:,}"
        )
    notices = Notice.objects.filter(policy=policy, kind=NoticeKind.ELIGIBLE).count()
    print(f"  notices after two runs: {notices:,} (one per eligible firm; aim: under 60 s)")
    Policy.objects.filter(document_number="BENCH-PUSH").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    ensure_database()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; cpu: {os.cpu_count()}"
    )
    bench_match(args.policies, args.samples)
    bench_push(args.firms)


if __name__ == "__main__":
    main()
