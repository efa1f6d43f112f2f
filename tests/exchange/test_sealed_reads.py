"""Sealed reads (covert investigations): who may make them, what is public, hidden from the
person until unsealed (on the date by the beat task or command, or early by the right staff),
then shown on every person-facing list with a notice. TRANSPARENCY.md §3."""

import datetime as dt
import io
import json
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ledger.core.commitment import Details
from ledger.core.entry_v2 import EntryV2
from ledger.models import Entry, ReadDetails
from ledger.selectors import ledger_verify_all
from ledger.services import ledger_sequence_all
from portal.accounts.constants import RepresentativeRole
from portal.accounts.models import User
from portal.accounts.services import firm_register, firm_representative_set
from portal.departments.constants import StaffRole
from portal.departments.signing_client import signed_headers
from portal.exchange import access as rules
from portal.exchange.constants import PurposeKind
from portal.exchange.ledger_check import accesses_match_ledger
from portal.exchange.models import Access, ReadNotice
from portal.exchange.services import Reader, exchange_read
from portal.exchange.unsealing import (
    read_notice_email_send,
    read_notices_email_pending,
    sealed_read_unseal,
    sealed_reads_unseal_due,
)
from tests.db_roles import as_owner
from tests.factories import FIRM_CODE, World, make_citizen, make_staff, make_system, make_world

pytestmark = pytest.mark.django_db

LEGAL_ORDER = "杭公刑查字〔2026〕17号"


@pytest.fixture
def world() -> World:
    return make_world()


def today() -> dt.date:
    return timezone.localdate()


def sealed_read(world: World, by: User, *, days: int = 30, **extra: object) -> Access:
    return exchange_read(
        reader=Reader(department=world.reader, user=by),
        dataset_code=world.open.code,
        subject_identifier=FIRM_CODE,
        fields=None,
        purpose="涉嫌合同诈骗案侦查",
        purpose_kind=PurposeKind.COVERT_INVESTIGATION,
        legal_order=str(extra.get("legal_order", LEGAL_ORDER)),
        unseal_by=today() + dt.timedelta(days=days),
    ).access


def firm_with_owner() -> tuple[User, Client]:
    """The firm whose data is read, its legal representative signed in and acting for it."""
    firm = firm_register(name="测试科技有限公司", uscc=FIRM_CODE, region="330100")
    owner = make_citizen(email="owner@example.cn")
    firm_representative_set(firm=firm, user=owner, role=RepresentativeRole.LEGAL_REPRESENTATIVE)
    client = Client()
    client.force_login(owner)
    client.post(reverse("accounts:act_as_switch"), {"firm_id": firm.pk})
    return owner, client


# --- Making a sealed read --------------------------------------------------------------------


def test_a_sealed_read_is_logged_in_the_sealed_namespace_with_only_its_date_in_public(
    world: World,
) -> None:
    """The entry names department, dataset, outcome and sealed_until; the legal order, the
    purpose and the subject stay in the private half."""
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR)
    read = sealed_read(world, investigator)
    ledger_sequence_all()
    data = bytes(Entry.objects.get(event_id=read.ledger_event_id).data)
    entry = EntryV2.from_bytes(data)
    assert entry.sealed_until == read.sealed_until.isoformat()  # type: ignore[union-attr]  # set
    assert entry.department == world.reader.code and entry.unseals is None
    for secret in (LEGAL_ORDER, FIRM_CODE, "涉嫌合同诈骗案侦查", investigator.username):
        assert secret.encode() not in data
    details = ReadDetails.objects.get(event_id=read.ledger_event_id)
    assert details.namespace == "sealed" and details.counter == 0
    seal = Details.from_bytes(bytes(details.details)).seal
    assert seal is not None and seal.legal_order == LEGAL_ORDER
    assert read.legal_order == LEGAL_ORDER and read.is_sealed
    assert ledger_verify_all() is None


@pytest.mark.parametrize(
    ("legal_order", "days", "field", "english"),
    [
        ("", 30, "legal_order", "Give the reference of the legal order for this sealed read."),
        ("x" * 201, 30, "legal_order", "The legal order reference is at most 200 characters."),
        (LEGAL_ORDER, -1, "unseal_by", "The unseal date cannot be in the past."),
        (LEGAL_ORDER, 366, "unseal_by", "A read can be sealed for at most 365 days"),
    ],
)
def test_a_sealed_read_needs_a_legal_order_and_a_bounded_date(
    world: World, legal_order: str, days: int, field: str, english: str
) -> None:
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        sealed_read(world, investigator, days=days, legal_order=legal_order)
    assert english in caught.value.message_dict[field][0]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        sealed_read(world, investigator, days=days, legal_order=legal_order)
    assert caught.value.message_dict[field][0] not in (english, "")
    assert not Access.objects.exists(), "a bad sealed read is not a read"


def test_the_longest_seal_is_a_setting(world: World, settings: object) -> None:
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR)
    settings.LEDGER_SEAL_MAX_DAYS = 10  # type: ignore[attr-defined]  # pytest-django settings
    with pytest.raises(ValidationError, match="10"):
        sealed_read(world, investigator, days=11)
    assert sealed_read(world, investigator, days=10).sealed_until == today() + dt.timedelta(10)
    assert sealed_read(world, investigator, days=0).sealed_until == today()  # not in the past


def test_an_ordinary_read_takes_no_seal(world: World) -> None:
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        exchange_read(
            reader=Reader(department=world.reader, user=investigator),
            dataset_code=world.open.code,
            subject_identifier=FIRM_CODE,
            fields=None,
            purpose="审核",
            legal_order=LEGAL_ORDER,
        )
    assert "sealed reads only" in caught.value.message_dict["purpose_kind"][0]


def test_only_investigators_and_allowed_systems_read_sealed(world: World) -> None:
    """Each branch of ``may_read_sealed``, and the refusal comes before anything is logged."""
    clerk = make_staff(world.reader, StaffRole.WINDOW_CLERK)
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR)
    elsewhere = make_staff(world.owner, StaffRole.INVESTIGATOR)
    system, _key = make_system(world.reader, "reader-system")
    allowed, _key = make_system(world.reader, "reader-covert-system")
    allowed.may_read_sealed = True
    allowed.save()
    department = world.reader
    assert rules.may_read_sealed(department=department, user=investigator)
    assert not rules.may_read_sealed(department=department, user=clerk)  # reads, not sealed
    assert not rules.may_read_sealed(department=department, user=elsewhere)  # other department
    assert not rules.may_read_sealed(department=department)  # nobody
    assert not rules.may_read_sealed(department=department, system=system)  # not allowed
    assert rules.may_read_sealed(department=department, system=allowed)
    assert not rules.may_read_sealed(department=world.owner, system=allowed)  # not its own
    allowed.is_active = False
    assert not rules.may_read_sealed(department=department, system=allowed)  # revoked
    with pytest.raises(PermissionDenied):
        sealed_read(world, clerk)
    assert not Access.objects.exists()


def test_who_sees_and_unseals_the_departments_sealed_reads(world: World) -> None:
    admin = make_staff(world.reader, StaffRole.DEPARTMENT_ADMIN)
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR)
    clerk = make_staff(world.reader, StaffRole.WINDOW_CLERK)
    other_admin = make_staff(world.owner, StaffRole.DEPARTMENT_ADMIN)
    assert rules.may_unseal(user=admin, department=world.reader)
    assert rules.may_unseal(user=investigator, department=world.reader)
    assert not rules.may_unseal(user=clerk, department=world.reader)
    assert not rules.may_unseal(user=other_admin, department=world.reader)
    assert rules.may_see_sealed_reads(department=world.reader, user=admin)
    assert rules.may_see_sealed_reads(department=world.reader, user=investigator)
    assert not rules.may_see_sealed_reads(department=world.reader, user=clerk)
    assert not rules.may_see_sealed_reads(department=world.reader)
    read = sealed_read(world, investigator)
    # The department's other staff do not see a covert investigation's reads.
    staff = Client()
    staff.force_login(clerk)
    page = staff.get(reverse("exchange:reads"))
    assert page.status_code == 200 and "涉嫌合同诈骗案侦查" not in page.content.decode()
    assert staff.get(reverse("exchange:sealed_reads")).status_code == 403
    staff.force_login(admin)
    assert LEGAL_ORDER in staff.get(reverse("exchange:sealed_reads")).content.decode()
    assert "涉嫌合同诈骗案侦查" in staff.get(reverse("exchange:reads")).content.decode()
    assert read.pk


def test_the_staff_page_makes_a_sealed_read(world: World) -> None:
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR)
    staff = Client()
    staff.force_login(investigator)
    form = {
        "dataset": world.open.code,
        "subject": FIRM_CODE,
        "purpose": "侦查",
        "application": "",
        "purpose_kind": PurposeKind.COVERT_INVESTIGATION,
        "legal_order": "",
        "unseal_by": (today() + dt.timedelta(days=5)).isoformat(),
    }
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = staff.post(reverse("exchange:lookup"), form)
    assert "Give the reference of the legal order" in page.content.decode()
    assert not Access.objects.exists()
    page = staff.post(reverse("exchange:lookup"), {**form, "legal_order": LEGAL_ORDER})
    assert page.status_code == 200
    assert Access.objects.get().sealed_until == today() + dt.timedelta(days=5)
    # Staff without the right are not even offered the choice.
    clerk = Client()
    clerk.force_login(make_staff(world.reader, StaffRole.WINDOW_CLERK))
    assert "legal_order" not in clerk.get(reverse("exchange:lookup")).content.decode()


def test_the_api_makes_sealed_reads_for_allowed_systems_only(client: Client, world: World) -> None:
    url = "http://testserver/api/v1/exchange/read"
    system, key = make_system(world.reader, "reader-covert-api")
    payload: dict[str, object] = {
        "dataset": world.open.code,
        "subject": FIRM_CODE,
        "purpose": "侦查",
        "purpose_kind": "covert_investigation",
        "legal_order": LEGAL_ORDER,
        "unseal_by": (today() + dt.timedelta(days=7)).isoformat(),
    }

    def post(body: dict[str, object]) -> object:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers = signed_headers(method="POST", url=url, body=data, key_id=system.key_id, key=key)
        return client.post(
            url,
            data=data,
            content_type="application/json",
            headers={**headers, "Accept-Language": "en"},
        )

    refused = post(payload)
    assert refused.status_code == 403, refused.content  # type: ignore[attr-defined]
    assert "allowed for it" in refused.json()["detail"]  # type: ignore[attr-defined]
    system.may_read_sealed = True
    system.save()
    bad = post({**payload, "unseal_by": "2001-01-01"})
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert "past" in json.dumps(bad.json())  # type: ignore[attr-defined]
    done = post(payload)
    assert done.status_code == 200, done.content  # type: ignore[attr-defined]
    assert done.json()["sealed_until"] == payload["unseal_by"]  # type: ignore[attr-defined]
    assert Access.objects.get().reader_system == system


# --- Hidden from the person until unsealed ---------------------------------------------------


def test_the_person_sees_a_sealed_read_only_after_it_is_unsealed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Who used my data, its proof and objection pages, and the notifications: nothing until
    unsealed; then the read, and one notice (e-mailed once)."""
    owner, person = firm_with_owner()
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR)
    ordinary = exchange_read(
        reader=Reader(department=world.reader, user=investigator),
        dataset_code=world.open.code,
        subject_identifier=FIRM_CODE,
        fields=None,
        purpose="日常核验",
    ).access
    read = sealed_read(world, investigator)
    ledger_sequence_all()

    def listed() -> str:
        page = person.get(reverse("exchange:data_uses"))
        assert page.status_code == 200
        return page.content.decode()

    assert "日常核验" in listed() and "涉嫌合同诈骗案侦查" not in listed()
    for name, key, attr in (
        ("exchange:data_use_proof", "event_id", "ledger_event_id"),
        ("exchange:data_use_object", "access_id", "pk"),
    ):
        url = reverse(name, kwargs={key: getattr(read, attr)})
        assert person.get(url).status_code == 404
        assert person.get(reverse(name, kwargs={key: getattr(ordinary, attr)})).status_code != 404
    assert "因侦查需要" not in person.get(reverse("services:notifications")).content.decode()
    assert not ReadNotice.objects.exists()

    with translation.override("en"), pytest.raises(ValidationError, match="no sealed read"):
        sealed_read_unseal(access_id=str(ordinary.pk))  # not a sealed read
    with django_capture_on_commit_callbacks() as dispatched:
        sealed_read_unseal(access_id=str(read.pk))
    # After commit: sequencing the unseal entry, and the notice's e-mail task.
    assert len(dispatched) == 2
    assert "涉嫌合同诈骗案侦查" in listed()
    assert (
        person.get(reverse("exchange:data_use_object", kwargs={"access_id": read.pk})).status_code
        == 200
    )
    notices = person.get(reverse("services:notifications")).content.decode()
    assert "因侦查需要调取了" in notices and "封存至" in notices
    notice = ReadNotice.objects.get()
    assert notice.recipient == owner
    assert read_notices_email_pending() == 1  # what the task (or the beat sweep) sends
    assert read_notice_email_send(notice_id=notice.pk) is False  # once only
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "封存至" in mail.outbox[0].body
    person.post(reverse("exchange:read_notices_read"))
    assert ReadNotice.objects.get().read_at is not None
    assert ledger_verify_all() is None


def test_sealed_reads_are_unsealed_on_their_date_by_the_command_once(world: World) -> None:
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR)
    soon, later = sealed_read(world, investigator, days=3), sealed_read(world, investigator, days=9)
    # Not sequenced yet: the command sequences first, then unseals.
    day = (today() + dt.timedelta(days=3)).isoformat()
    out = io.StringIO()
    call_command(
        "ledger_unseal_due", "--today", (today() + dt.timedelta(days=2)).isoformat(), stdout=out
    )
    assert "Unsealed 0" in out.getvalue()
    call_command("ledger_unseal_due", "--today", day, stdout=out)
    assert "Unsealed 1" in out.getvalue()
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.unsealed_at is not None and later.unsealed_at is None
    assert sealed_reads_unseal_due(today=today() + dt.timedelta(days=3)) == 0  # idempotent
    ledger_sequence_all()
    unseal = ReadDetails.objects.get(unseals__event_id=soon.ledger_event_id)
    entry = EntryV2.from_bytes(bytes(Entry.objects.get(event_id=unseal.event_id).data))
    assert entry.unseals == Entry.objects.get(event_id=soon.ledger_event_id).index
    assert sealed_reads_unseal_due(today=today() + dt.timedelta(days=9)) == 1
    assert ledger_verify_all() is None


def test_the_beat_task_unseals_what_is_due(world: World) -> None:
    from portal.exchange.tasks import sealed_reads_unseal_due_task

    schedule = settings.CELERY_BEAT_SCHEDULE["exchange-unseal-due"]
    assert schedule["task"] == "portal.exchange.tasks.sealed_reads_unseal_due_task"
    read = sealed_read(world, make_staff(world.reader, StaffRole.INVESTIGATOR), days=0)
    assert sealed_reads_unseal_due_task.apply().get() == 1
    read.refresh_from_db()
    assert read.unsealed_at is not None
    assert sealed_reads_unseal_due_task.apply().get() == 0


def test_early_unsealing_from_the_back_office_needs_the_right_and_a_confirmation(
    world: World,
) -> None:
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR)
    read = sealed_read(world, investigator)
    ledger_sequence_all()
    url = reverse("exchange:sealed_read_unseal", kwargs={"access_id": read.pk})
    staff = Client()
    staff.force_login(make_staff(world.reader, StaffRole.WINDOW_CLERK))
    assert staff.get(url).status_code == 403  # the department's, but no right
    staff.force_login(make_staff(world.owner, StaffRole.DEPARTMENT_ADMIN))
    assert staff.get(url).status_code == 404  # another department's read
    missing = reverse("exchange:sealed_read_unseal", kwargs={"access_id": uuid.uuid4()})
    staff.force_login(investigator)
    assert staff.get(missing).status_code == 404
    with pytest.raises(PermissionDenied):
        sealed_read_unseal(access_id=str(read.pk), actor=make_staff(world.reader))
    page = staff.get(url)
    assert page.status_code == 200 and LEGAL_ORDER in page.content.decode()
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    unconfirmed = staff.post(url, {})
    assert "Tick the box to confirm." in unconfirmed.content.decode()
    read.refresh_from_db()
    assert read.unsealed_at is None
    done = staff.post(url, {"confirm": "on"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("exchange:sealed_reads")
    read.refresh_from_db()
    assert read.unsealed_at is not None
    again = staff.post(url, {"confirm": "on"}, follow=True)
    assert "unsealed already" in again.content.decode()


def test_ledger_verify_notices_an_access_shown_as_unsealed_behind_the_logs_back(
    world: World,
) -> None:
    read = sealed_read(world, make_staff(world.reader, StaffRole.INVESTIGATOR))
    ledger_sequence_all()
    assert accesses_match_ledger() is None
    with as_owner():
        Access.objects.filter(pk=read.pk).update(unsealed_at=timezone.now())
    finding = accesses_match_ledger()
    assert finding is not None and "unsealed" in finding.problem
