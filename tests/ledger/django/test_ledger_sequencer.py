"""The sequencer with real processes: racing sequencers, and a worker killed mid-batch.

Whatever happens, every recorded event ends up in the log exactly once, at contiguous
indexes, in one history that verifies.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from ledger.constants import SEQUENCER_LOCK_ID, ZERO_HASH_HEX
from ledger.core.entry_v2 import EntryV2
from ledger.models import Entry, PendingEvent
from ledger.selectors import ledger_verify_database
from ledger.services import ledger_sequence_pending
from tests.db_roles import acting_role, as_owner
from tests.integration.conftest import require_real_services, wait_for
from tests.ledger.django.support import (
    ROOT,
    free_port,
    ledger_env,
    manage,
    record,
    record_many,
)

# Advisory locks in the test database (other databases on the server may have their own).
ADVISORY_LOCKS = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


def side_connection(*, owner: bool = False) -> psycopg.Connection[tuple[object, ...]]:
    """A second connection to the test database, outside Django, holding locks for a while.

    As the runtime role, like every connection of the suite, unless ``owner`` (a DBA's).
    """
    db = connection.settings_dict
    role = acting_role()
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        options=f"-c role={role}" if role and not owner else None,
    )


def scalar(conn: psycopg.Connection[tuple[object, ...]], sql: str) -> object:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return row[0]


def assert_sequenced_exactly_once(event_ids: list[str], *, verify: bool = True) -> None:
    """Contiguous indexes from 0, each event once, nothing pending, and the log verifies."""
    rows = list(Entry.objects.order_by("index").values_list("index", "event_id"))
    assert [index for index, _ in rows] == list(range(len(event_ids)))
    sequenced = [str(event_id) for _, event_id in rows]
    assert len(set(sequenced)) == len(sequenced)
    assert set(sequenced) == set(event_ids)
    assert not PendingEvent.objects.exists()
    if verify:
        assert ledger_verify_database() is None


@pytest.mark.django_db
def test_events_are_sequenced_in_recording_order() -> None:
    """Oldest first by recording time, each chained to the one before."""
    now = timezone.now()
    ids = record(3)
    with as_owner():  # back-dating an event: the portal may not UPDATE pending events
        PendingEvent.objects.filter(id=ids[1]).update(created_at=now - dt.timedelta(hours=1))
    assert ledger_sequence_pending(batch_size=2) == 2
    assert ledger_sequence_pending(batch_size=10) == 1
    order = [str(e) for e in Entry.objects.order_by("index").values_list("event_id", flat=True)]
    assert order == [ids[1], ids[0], ids[2]]
    prev = ZERO_HASH_HEX
    for row in Entry.objects.order_by("index"):
        entry = EntryV2.from_bytes(bytes(row.data))
        assert entry.prev == prev
        assert row.label == entry.label
        prev = bytes(row.leaf_hash).hex()
    assert_sequenced_exactly_once(ids)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_sequencer_processes_racing_never_fork_or_duplicate() -> None:
    """Two ``manage.py ledger_sequence`` processes released at the same moment on 6000 events."""
    require_real_services()
    events = record_many(6000)
    env = ledger_env({"LEDGER_BATCH_SIZE": "300"})
    with side_connection() as gate:
        gate.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK_ID])
        procs = [
            subprocess.Popen(
                [sys.executable, "manage.py", "ledger_sequence", "--skip-checks"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        waiting = f"{ADVISORY_LOCKS} AND NOT granted"
        with side_connection() as watch:
            watch.autocommit = True
            assert wait_for(lambda: scalar(watch, waiting) == 2, timeout=60), "not both waiting"
        gate.commit()  # both start at once
    counts = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        found = re.search(r"Sequenced (\d+) pending events", out)
        assert found is not None, out
        counts.append(int(found.group(1)))
    assert sum(counts) == 6000
    assert min(counts) > 0, f"one sequencer did all the work: {counts}"
    assert_sequenced_exactly_once(events)


class PrivateRedis:
    """A throw-away redis-server for this test alone, which the test stops and restarts."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "yes", "--dir", str(self.folder),
             "--pidfile", str(self.folder / "redis.pid")],
            check=True,
            timeout=30,
        )  # fmt: skip
        assert wait_for(self.ping, timeout=20), "private redis did not start"

    def ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, timeout=10
        )
        return result.stdout.strip() == "PONG"

    def stop(self) -> None:
        """SHUTDOWN NOSAVE: every queued and unacknowledged message is lost."""
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            capture_output=True,
            timeout=30,
        )
        assert wait_for(lambda: not self.ping(), timeout=20), "private redis did not stop"


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def start_worker(env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
    args += ["--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"]
    with log.open("ab") as out:
        return subprocess.Popen([*args, *extra], cwd=ROOT, env=env, stdout=out, stderr=out)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_with_redis_down_loses_and_duplicates_nothing(
    private_redis: PrivateRedis, tmp_path: Path
) -> None:
    """SIGKILL in the middle of a 20,000-event batch, then Redis stopped without saving.

    The batch's transaction dies with the worker, the task message dies with Redis, events
    recorded meanwhile cannot be dispatched; after Redis and a worker with its beat sweeper
    come back, every event is sequenced exactly once and ``manage.py ledger_verify`` passes.
    """
    require_real_services()
    events = record_many(20000)
    var = tmp_path / "var"
    var.mkdir()
    env = ledger_env({"REDIS_URL": private_redis.url, "PORTAL_VAR_DIR": str(var)})
    log = tmp_path / "workers.log"
    worker = start_worker({**env, "LEDGER_BATCH_SIZE": "20000"}, log)
    try:
        # A DBA's lock and a DBA's view: the runtime role may not lock a table in SHARE mode,
        # nor read the queries of the login's other sessions in pg_stat_activity.
        with side_connection(owner=True) as blocker, side_connection(owner=True) as watch:
            watch.autocommit = True
            # Hold the tree table: the worker signs and streams its 20,000 entries, then waits
            # here to write the tree nodes, in the middle of its batch transaction.
            blocker.execute("LOCK TABLE ledger_treehash IN SHARE MODE")
            # Not the current app: shared tasks elsewhere in this process keep the real broker.
            sender = Celery("sender", broker=private_redis.url, set_as_current=False)
            sender.send_task("ledger.tasks.ledger_sequence_task")
            in_batch = (
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query LIKE 'COPY ledger_treehash%%'"
            )
            assert wait_for(
                lambda: worker.poll() is not None or scalar(watch, in_batch) == 1, timeout=90
            )
            assert worker.poll() is None, log.read_text()[-3000:]
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=20)
            blocker.rollback()
            assert wait_for(lambda: scalar(watch, ADVISORY_LOCKS) == 0, timeout=30), "still open"
        assert Entry.objects.count() == 0  # the killed batch left nothing behind
        assert PendingEvent.objects.count() == 20000

        private_redis.stop()
        # The product's write path while Redis is down: recorded, dispatch fails, kept pending.
        appended = manage("ledger_append_demo", "--count", "300", "--batch", "100", env=env)
        assert appended.returncode == 0, appended.stderr
        assert "Recorded 300 pending events." in appended.stdout
        assert "the sweeper will retry" in appended.stderr
        appended_ids = {str(i) for i in PendingEvent.objects.values_list("id", flat=True)}
        appended_ids -= set(events)
        assert len(appended_ids) == 300
        assert Entry.objects.count() == 0

        private_redis.start()
        sweeper_env = {**env, "LEDGER_SWEEP_SECONDS": "1", "LEDGER_CHECKPOINT_SECONDS": "3600"}
        worker = start_worker(sweeper_env, log, "--beat", "--schedule", str(var / "beat"))
        assert wait_for(
            lambda: (
                worker.poll() is not None
                or (not PendingEvent.objects.exists() and Entry.objects.count() == 20300)
            ),
            timeout=120,
            interval=0.5,
        )
        assert worker.poll() is None, log.read_text()[-3000:]
        assert not PendingEvent.objects.exists(), log.read_text()[-3000:]
    finally:
        stop(worker)
    assert_sequenced_exactly_once([*events, *appended_ids], verify=False)  # next, in a process
    verified = manage("ledger_verify")
    assert verified.returncode == 0, verified.stderr
    assert "ledger OK: 20300 entries verified" in verified.stdout
