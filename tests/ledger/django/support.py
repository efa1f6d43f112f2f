"""Helpers for the Django ledger tests: record events, run commands, tamper like a DBA."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from ledger.constants import Outcome
from ledger.core.signing import ALG_COSIGNATURE_V1, generate
from ledger.models import PendingEvent
from ledger.services import ledger_event_record
from tests.db_roles import as_owner
from tests.integration.conftest import worker_env

ROOT = Path(__file__).resolve().parents[3]
_ip = itertools.count(1)


def client_ip() -> str:
    """A fresh client address per test, so that the anonymous API throttle never interferes."""
    n = next(_ip)
    return f"10.{random.randint(0, 255)}.{n // 256 % 256}.{n % 256}"


def record(count: int, *, purpose: str = "eligibility check", dispatch: bool = False) -> list[str]:
    """Record ``count`` accesses through the product's write path; return the event ids."""
    ids = []
    with transaction.atomic():
        for i in range(count):
            refused = i % 5 == 4
            event = ledger_event_record(
                department="rsj" if i % 2 else "swj",
                user=f"rsj.clerk{i % 7}" if i % 3 else None,
                system_id=None if i % 3 else "rsj-gateway",
                dataset="scjg.business_registration",
                fields=["name", "registered_capital"][: 1 + i % 2],
                purpose=purpose,
                application=f"APP-{i:05d}" if i % 4 else None,
                outcome=Outcome.REFUSED if refused else Outcome.GRANTED,
                reason="no_grant" if refused else "",
                subject_identifier=f"91330106MA2{i:06d}",
                dispatch=dispatch,
            )
            ids.append(str(event.id))
    return ids


def record_many(count: int, *, templates: int = 40) -> list[str]:
    """Record ``templates`` events through the write path, then copy them to ``count``.

    Thousands of events in a second or two: the copies keep the validated canonical bytes
    (prev still zero), with their own ids and increasing times, as the write path stores them.
    """
    record(templates)
    base = list(PendingEvent.objects.order_by("created_at", "id"))
    start = max(e.created_at for e in base)
    copies = [
        PendingEvent(
            id=uuid.uuid4(),
            created_at=start + dt.timedelta(microseconds=1 + n),
            payload=base[n % len(base)].payload,
            data=base[n % len(base)].data,
        )
        for n in range(count - len(base))
    ]
    PendingEvent.objects.bulk_create(copies, batch_size=5000)
    return [str(e.id) for e in base] + [str(e.id) for e in copies]


def ledger_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment of a subprocess that shares the test database and the test's log key."""
    env = worker_env({"LEDGER_LOG_KEY_FILE": str(settings.LEDGER_LOG_KEY_FILE)})
    env.pop("LEDGER_LOG_KEY", None)
    env.update(extra or {})
    return env


def manage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py`` as a separate process against the test database."""
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--skip-checks"],
        cwd=ROOT,
        env=env or ledger_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def verify_offline(bundle: Path, *keys: str) -> subprocess.CompletedProcess[str]:
    """``python -m ledger.verify`` on a bundle file, keys pinned; no Django, no database."""
    args = [sys.executable, "-m", "ledger.verify", str(bundle)]
    for key in keys:
        args += ["--key", key]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@contextmanager
def as_malicious_dba() -> Iterator[None]:
    """Bypass the append-only triggers in this connection, as a superuser could.

    The portal's runtime role can do none of it: as the owner (a superuser in CI).
    """
    with as_owner():
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class WitnessProcess:
    """``python -m ledger.witness`` on loopback with its own key and state files."""

    def __init__(
        self, tmp: Path, name: str, log_vkeys: list[str], extra: list[str] | None = None
    ) -> None:
        key = generate(name, ALG_COSIGNATURE_V1)
        self.name = name
        self.vkey = key.vkey
        self.key_file = tmp / f"{name}.skey"
        self.key_file.write_text(key.skey + "\n")
        self.key_file.chmod(0o600)
        self.state = tmp / f"{name}.state.json"
        self.log_vkeys = log_vkeys
        self.extra = extra or []
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> None:
        args = [sys.executable, "-m", "ledger.witness", "--key-file", str(self.key_file)]
        args += ["--state", str(self.state), "--listen", f"127.0.0.1:{free_port()}"]
        for vkey in self.log_vkeys:
            args += ["--log-vkey", vkey]
        args += self.extra
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "listening on " not in line:
            self.stop()
            raise AssertionError(f"witness {self.name} did not start: {line}")
        self.url = line.rsplit(" ", 1)[1].strip()

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        self.proc = None
