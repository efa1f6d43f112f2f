"""PostgreSQL restarted while department systems read data through the exchange.

Requests in flight during the restart may fail; afterwards the server serves again without
being restarted itself, every read that was answered 200 is recorded, no failed read left a
trace, every recorded read is in the ledger exactly once, and the ledger verifies.
"""

import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from ledger.models import Entry, PendingEvent
from ledger.selectors import ledger_verify_database
from portal.exchange.models import Access
from tests.factories import make_grant, make_system, make_world
from tests.faults.conftest import signed_read, worker
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def restart_postgresql() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        timeout=120,
    )


def test_reads_survive_a_postgresql_restart(stack: dict[str, object]) -> None:
    world = make_world()
    make_grant(world, ["name"])
    system, key = make_system(world.reader, "restart-reader")
    base, env, procs = str(stack["base"]), stack["env"], stack["procs"]
    assert isinstance(env, dict) and isinstance(procs, list)
    procs.append(worker(env, "restart@fault", beat=True))

    answers: dict[int, int] = {}
    stop_at = time.monotonic() + 20

    def load() -> None:
        n = 0
        while time.monotonic() < stop_at:
            try:
                answers[n] = signed_read(base, system.key_id, key, n, world)
            except OSError:
                answers[n] = 0  # connection refused or reset while the database restarts
            n += 1

    clients = [threading.Thread(target=load)]
    for client in clients:
        client.start()
    time.sleep(4)
    connection.close()
    restart_postgresql()
    for client in clients:
        client.join()
    connection.close()  # this process reconnects too

    ok = {n for n, status in answers.items() if status == 200}
    assert len(ok) > 10, answers
    assert any(status != 200 for status in answers.values()) or len(ok) == len(answers)
    # The server recovered by itself: the last requests were answered.
    assert answers[max(answers)] == 200, answers
    assert wait_for(lambda: not PendingEvent.objects.exists(), timeout=120)
    recorded = set(Access.objects.values_list("application_number", flat=True))
    assert recorded == {f"FAULT-{n:05d}" for n in ok}, "exactly the answered reads are recorded"
    accesses = sorted(Access.objects.values_list("ledger_event_id", flat=True))
    assert sorted(Entry.objects.values_list("event_id", flat=True)) == accesses
    assert ledger_verify_database() is None
