"""Faults with real processes: Redis stopped while departments read data and people file
applications, a Celery worker killed while sequencing, two workers at once. Afterwards every
read is recorded, in the ledger exactly once, and the ledger verifies.

The test runs its own Redis (a private port) so that stopping it touches nothing else, a real
gunicorn server and real Celery workers, all on the test database.
"""

import signal
from pathlib import Path

import pytest

from benchmarks.common import session_cookie
from ledger.core.commitment import Details
from ledger.models import Entry, PendingEvent, ReadDetails
from ledger.selectors import ledger_verify_all
from portal.exchange.models import Access
from portal.services.constants import ApplicationStatus
from portal.services.models import Application, Notification
from portal.services.services import application_step_save
from tests.factories import (
    GOOD_STEPS,
    make_application,
    make_citizen,
    make_grant,
    make_office,
    make_service,
    make_system,
    make_world,
)
from tests.faults.conftest import PrivateRedis, signed_read, stop, submit_over_http, worker
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_reads_survive_redis_down_and_a_killed_worker(stack: dict[str, object]) -> None:
    world = make_world()
    make_grant(world, ["name"])
    system, key = make_system(world.reader, "fault-reader")
    base, env = str(stack["base"]), stack["env"]
    assert isinstance(env, dict)
    redis = stack["redis"]
    assert isinstance(redis, PrivateRedis)
    procs = stack["procs"]
    assert isinstance(procs, list)

    office = make_office()
    service = make_service(office.department, materials=[])
    applicant = make_citizen(email="applicant@example.cn")
    drafts = []
    for _ in range(3):
        draft = make_application(service, applicant)
        for step, values in enumerate(GOOD_STEPS):
            application_step_save(application=draft, user=applicant, step=step, values=values)
        drafts.append(draft.number)
    cookie = session_cookie(applicant.username)

    statuses = [signed_read(base, system.key_id, key, n, world) for n in range(20)]
    # Redis goes away: reads go on (the sequencing request cannot be sent; events wait), and
    # people still submit applications (their e-mail notices wait for the sweeper).
    redis.stop()
    statuses += [signed_read(base, system.key_id, key, n, world) for n in range(20, 60)]
    assert statuses == [200] * 60, statuses
    assert [submit_over_http(base, cookie, number) for number in drafts] == [302] * 3
    submitted = Application.objects.filter(number__in=drafts, status=ApplicationStatus.SUBMITTED)
    assert submitted.count() == 3
    assert PendingEvent.objects.count() == 60  # nothing sequenced: no worker, no broker

    # Redis is back; a worker starts and is killed in the middle of sequencing.
    redis.start()
    first = worker(env, "first@fault", beat=True)  # its sweeper finds the waiting events
    procs.append(first)
    assert wait_for(lambda: Entry.objects.exists(), timeout=60, interval=0.05)
    stop(first, signal.SIGKILL)
    # Two workers, one with the beat sweeper, finish the job without forking the log.
    procs.append(worker(env, "second@fault", beat=True))
    procs.append(worker(env, "third@fault"))
    statuses = [signed_read(base, system.key_id, key, n, world) for n in range(60, 80)]
    assert statuses == [200] * 20
    assert wait_for(lambda: not PendingEvent.objects.exists(), timeout=120), "events left pending"

    accesses = list(Access.objects.values_list("ledger_event_id", flat=True))
    assert len(accesses) == 80
    entries = list(Entry.objects.values_list("event_id", flat=True))
    assert sorted(entries) == sorted(accesses), "each read in the ledger exactly once"
    assert list(Entry.objects.order_by("index").values_list("index", flat=True)) == list(range(80))
    assert ledger_verify_all() is None
    # Every submission's notice was e-mailed once, by the sweeper, after Redis came back.
    notices = Notification.objects.filter(recipient=applicant)
    assert notices.count() == 3
    assert wait_for(lambda: not notices.filter(emailed_at__isnull=True).exists(), timeout=60)
    # Django's file backend appends messages sent within one second to one file: count the
    # messages, not the files.
    mails = list((Path(env["PORTAL_VAR_DIR"]) / "mail").iterdir())
    assert sum(m.read_text().count("To: applicant@example.cn") for m in mails) == 3
    # Each read keeps the department system's request signature, privately.
    entry = Entry.objects.order_by("index").first()
    assert entry is not None
    details = Details.from_bytes(bytes(ReadDetails.objects.get(event_id=entry.event_id).details))
    assert details.request_signature is not None
    assert details.request_signature.keyid == "fault-reader"
