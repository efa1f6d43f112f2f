"""Real processes: a Celery worker on Redis sharing the test database (PostgreSQL)."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ledger.keys import subject_secret, vrf_secret_key
from tests.db_roles import acting_role

ROOT = Path(__file__).resolve().parents[2]


def require_real_services() -> None:
    """These tests exist to run on the real services; without them they fail, not skip."""
    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: run the suite with `bash .ci/test`.")
    if connection.vendor != "postgresql":
        pytest.fail("DATABASE_URL must point at PostgreSQL: run the suite with `bash .ci/test`.")


def worker_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The worker sees the same test database and Redis as the test process."""
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    # And the same runtime role as this process (tests/db_roles.py): log in, act as it.
    env["DATABASE_ROLE"] = acting_role()
    # The same secrets as this process: sessions made here are valid there, subject hashes match.
    env["DJANGO_SECRET_KEY"] = settings.SECRET_KEY
    env["LEDGER_SUBJECT_SECRET"] = subject_secret().decode()
    env["LEDGER_VRF_KEY"] = vrf_secret_key().text
    # The static files the test session collected (hashed names), whatever PORTAL_VAR_DIR is.
    env["DJANGO_STATIC_ROOT"] = str(settings.STATIC_ROOT)
    env.update(extra or {})
    return env


def start_worker(env: dict[str, str], *queues: str) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
    args += ["--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"]
    if queues:
        args += ["-Q", ",".join(queues)]
    proc = subprocess.Popen(args, cwd=ROOT, env=env)
    return proc


def wait_for(predicate: object, timeout: float = 30.0, interval: float = 0.2) -> bool:
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.fixture
def mail_dir(tmp_path: Path, settings: object) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def celery_worker(transactional_db: None, mail_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    require_real_services()
    proc = start_worker(
        worker_env(
            {
                "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
            }
        )
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
