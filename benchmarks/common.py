"""What the benchmarks share: their own database, real server processes, a load loop."""

import http.client
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def bench_env(*, db_name: str, redis_db: int, var_dir: str, **extra: str) -> dict[str, str]:
    """Environment of a benchmark's processes: its own PostgreSQL database and Redis db."""
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "PORTAL_VAR_DIR": var_dir,
        "DJANGO_LOG_LEVEL": "WARNING",
        "API_SYSTEM_RATE": "1000000/min",
        "API_ANON_RATE": "1000000/min",
        **extra,
    }


def ensure_database(name: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist."""
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def setup_django(env: dict[str, str]) -> None:
    """Use Django in this process, on the benchmark's database."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def session_cookie(username: str) -> str:
    """A signed-in session for a user, made in the session store (sign-in is not measured)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from portal.accounts.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def start_web(
    env: dict[str, str], port: int, workers: int, ready_path: str = "/healthz"
) -> subprocess.Popen[bytes]:
    """A real gunicorn server; returns once it answers ``ready_path``."""
    web = subprocess.Popen(
        [PY, "-m", "gunicorn", "portal.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", ready_path)
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    return web


def start_worker(env: dict[str, str], *, beat: bool = False) -> subprocess.Popen[bytes]:
    args = [PY, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-l", "WARNING"]
    if beat:
        args += ["--beat", "-s", str(Path(env["PORTAL_VAR_DIR"]) / "celerybeat-schedule")]
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(timeout=60)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# One request: (method, path, headers, body, label). The loop sends it and times the answer.
Request = tuple[str, str, dict[str, str], bytes | None, str]


class LoadResult(TypedDict):
    requests: int
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int
    error_rate: float
    by_label: dict[str, float]  # p95 in ms per request label


def measure(
    port: int, next_request: Callable[[random.Random], Request], seconds: float, concurrency: int
) -> LoadResult:
    """Closed-loop load: ``concurrency`` clients send requests back to back for ``seconds``
    (or until ``next_request`` raises StopIteration)."""
    latencies: list[float] = []
    by_label: dict[str, list[float]] = {}
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        mine: list[tuple[str, float]] = []
        bad = 0
        while time.monotonic() < deadline:
            try:
                method, path, headers, body, label = next_request(rng)
            except StopIteration:  # a finite supply of requests (pre-signed) ran out
                break
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                bad += response.status >= 400
            except OSError:
                bad += 1
            mine.append((label, time.perf_counter() - started))
            conn.close()
        with lock:
            for label, value in mine:
                latencies.append(value)
                by_label.setdefault(label, []).append(value)
            errors += bad

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "errors": errors,
        "error_rate": errors / max(1, len(latencies)),
        "by_label": {k: percentile(v, 95) * 1000 for k, v in by_label.items()},
    }
