"""Objections to data accesses: reference, deadline in working days, received → under review →
answered, escalation to the auditors when the deadline passes, a notice and an e-mail to the
person at each change, and the answer on the person's own pages."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts.constants import RepresentativeRole
from portal.accounts.models import Firm, User
from portal.accounts.services import firm_register, firm_representative_set
from portal.departments.constants import StaffRole
from portal.departments.models import Department
from portal.departments.services import audit_assignment_create, department_upsert
from portal.exchange.constants import (
    ObjectionNoticeKind,
    ObjectionStatus,
    SharingClass,
    SubjectKind,
)
from portal.exchange.models import Access, Objection, ObjectionNotice
from portal.exchange.objections import (
    objection_answer,
    objection_escalate,
    objection_raise,
    objection_review_start,
    objections_escalate_overdue,
)
from portal.exchange.services import Reader, dataset_upsert, exchange_read, record_put
from portal.exchange.tasks import (
    objection_notice_email_task,
    objection_notices_email_sweep_task,
    objections_escalate_task,
)
from portal.services.workdays import add_working_days
from tests.factories import FIRM_CODE, make_citizen, make_department, make_staff

pytestmark = pytest.mark.django_db


@dataclass
class Setting:
    reader: Department
    person: User
    access: Access
    admin: User
    clerk: User
    auditor: User


def _read(reader: Department, dataset_code: str, subject: str, purpose: str = "低保审核") -> Access:
    return exchange_read(
        reader=Reader(department=reader, user=make_staff(reader, StaffRole.REVIEWER)),
        dataset_code=dataset_code,
        subject_identifier=subject,
        fields=None,
        purpose=purpose,
        application_number="SQ-2026-000001",
    ).access


def _id(person: User) -> str:
    assert person.id_number
    return person.id_number


@pytest.fixture
def setting() -> Setting:
    owner, reader = make_department(name="公安局"), make_department(name="民政局")
    dataset = dataset_upsert(
        code=f"{owner.code}.household",
        name="户籍信息",
        name_en="Household register",
        owner=owner,
        subject_kind=SubjectKind.CITIZEN,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[{"name": "address", "type": "string", "label": "地址", "required": True}],
    )
    person = make_citizen(email="person@example.cn")
    record_put(
        dataset=dataset,
        department=owner,
        subject_identifier=_id(person),
        data={"address": "杭州"},
    )
    office = department_upsert(code="sjj", name="审计办", region="330100", is_audit_office=True)
    auditor = make_staff(office)
    audit_assignment_create(
        actor=make_staff(office, StaffRole.DEPARTMENT_ADMIN), auditor=auditor, departments=[reader]
    )
    return Setting(
        reader=reader,
        person=person,
        access=_read(reader, dataset.code, _id(person)),
        admin=make_staff(reader, StaffRole.DEPARTMENT_ADMIN),
        clerk=make_staff(reader, StaffRole.WINDOW_CLERK),
        auditor=auditor,
    )


def _raise(s: Setting, text: str = "我没有申请低保") -> Objection:
    return objection_raise(access=s.access, user=s.person, text=text, firm_id=None)


def test_an_objection_gets_a_reference_and_a_working_day_deadline(
    setting: Setting, settings
) -> None:
    settings.EXCHANGE_OBJECTION_DAYS = 15
    first = _raise(setting)
    year = timezone.localdate().year
    assert first.reference == f"YY-{year}-000001"
    assert first.status == ObjectionStatus.RECEIVED
    assert first.due_on == add_working_days(timezone.localdate(), 15)
    # References never repeat (a locked counter per year).
    objection_answer(actor=setting.admin, objection=first, response="已核实")
    second = _raise(setting, "还是不同意")
    assert second.reference == f"YY-{year}-000002"


def test_the_deadline_skips_public_holidays() -> None:
    """Counted on the working-day calendar (National Day week and its adjusted weekend)."""
    # Filed on 30 September 2025: 1-8 October are holidays; 28 September and 11 October work.
    assert add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)


def test_one_open_objection_per_access(setting: Setting) -> None:
    objection = _raise(setting)
    with pytest.raises(ValidationError) as refused:
        _raise(setting, "再说一次")
    assert objection.reference in " ".join(refused.value.messages)


def test_the_lifecycle_tells_the_person_at_each_change(
    setting: Setting, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(objection_notice_email_task, "delay", lambda pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        objection = _raise(setting)
    with django_capture_on_commit_callbacks(execute=True):
        objection = objection_review_start(actor=setting.admin, objection=objection)
    assert objection.status == ObjectionStatus.UNDER_REVIEW
    with pytest.raises(ValidationError):
        objection_review_start(actor=setting.admin, objection=objection)
    with django_capture_on_commit_callbacks(execute=True):
        objection = objection_answer(
            actor=setting.admin, objection=objection, response="读取系低保复核所需。"
        )
    assert objection.status == ObjectionStatus.ANSWERED and not objection.answered_by_auditor
    with pytest.raises(ValidationError):
        objection_answer(actor=setting.admin, objection=objection, response="再答")
    notices = list(ObjectionNotice.objects.filter(recipient=setting.person).order_by("pk"))
    assert [n.kind for n in notices] == [
        ObjectionNoticeKind.RECEIVED,
        ObjectionNoticeKind.UNDER_REVIEW,
        ObjectionNoticeKind.ANSWERED,
    ]
    assert sent == [n.pk for n in notices], "one e-mail task per change, after commit"
    # Delivered twice (at-least-once broker): mailed once each.
    for pk in sent + sent:
        objection_notice_email_task(pk)
    assert len(mail.outbox) == 3
    assert all(objection.reference in m.subject for m in mail.outbox)
    assert mail.outbox[0].to == ["person@example.cn"]
    assert objection.due_on.isoformat() in mail.outbox[0].body
    assert "读取系低保复核所需。" in mail.outbox[2].body
    link = f"http://127.0.0.1:8000/my/objections/{objection.reference}/"
    assert link in mail.outbox[2].body, "an absolute link to the objection's page"


def test_the_sweeper_sends_what_the_broker_missed(setting: Setting) -> None:
    _raise(setting)  # no on-commit here: the task was never dispatched
    assert objection_notices_email_sweep_task() == 1
    assert objection_notices_email_sweep_task() == 0
    assert len(mail.outbox) == 1


def test_past_the_deadline_it_goes_to_the_auditors(setting: Setting) -> None:
    objection = _raise(setting)
    assert objections_escalate_overdue(today=objection.due_on) == 0, "the due day is in time"
    assert not objection_escalate(objection_id=objection.pk, today=objection.due_on)
    assert objections_escalate_overdue(today=objection.due_on + dt.timedelta(days=1)) == 1
    assert objections_escalate_overdue(today=objection.due_on + dt.timedelta(days=2)) == 0
    objection.refresh_from_db()
    assert objection.escalated_at is not None
    assert objection.status == ObjectionStatus.RECEIVED, "escalation is a mark, not an answer"
    assert ObjectionNotice.objects.filter(
        objection=objection, kind=ObjectionNoticeKind.ESCALATED, recipient=setting.person
    ).exists()
    # The auditor answers; the person reads that it came from the auditors.
    answered = objection_answer(actor=setting.auditor, objection=objection, response="已督促整改")
    assert answered.answered_by_auditor


def test_the_beat_task_escalates_and_leaves_answered_ones(setting: Setting) -> None:
    late = _raise(setting)
    Objection.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(1))
    answered = objection_raise(
        access=_read(setting.reader, late.access.dataset.code, _id(setting.person)),
        user=setting.person,
        text="另一次读取",
        firm_id=None,
    )
    objection_answer(actor=setting.admin, objection=answered, response="已核实")
    Objection.objects.filter(pk=answered.pk).update(due_on=timezone.localdate() - dt.timedelta(1))
    assert objections_escalate_task() == 1
    assert Objection.objects.get(pk=late.pk).escalated_at is not None
    assert Objection.objects.get(pk=answered.pk).escalated_at is None


def test_the_person_files_sees_the_confirmation_and_reads_the_answer(
    client: Client, setting: Setting
) -> None:
    client.force_login(setting.person)
    url = reverse("exchange:data_use_object", args=[setting.access.pk])
    form = client.get(url).content.decode()
    assert "15 个工作日" in form, "the form says how long the department has"
    # Empty and overlong texts: said in words, the text kept.
    assert client.post(url, {"text": "  "}).status_code == 400
    long = "理" * 2001
    refused = client.post(url, {"text": long})
    assert refused.status_code == 400 and long in refused.content.decode()
    assert "超出 1 个" in refused.content.decode()
    response = client.post(url, {"text": "我没有申请低保"})
    objection = Objection.objects.get()
    assert response["Location"] == reverse("exchange:objection_filed", args=[objection.reference])
    filed = client.get(response["Location"]).content.decode()
    assert objection.reference in filed and objection.due_on.isoformat() in filed
    # Filing again while it is open shows the open one instead of a second form.
    assert client.get(url)["Location"] == objection.get_absolute_url()
    # Staff answer; the person sees the answer on the objection's page and in the list.
    objection_answer(actor=setting.admin, objection=objection, response="读取系低保复核所需。")
    detail = client.get(objection.get_absolute_url()).content.decode()
    assert "读取系低保复核所需。" in detail and "已答复" in detail
    listing = client.get(reverse("exchange:my_objections")).content.decode()
    assert objection.reference in listing and "已答复" in listing


def test_others_cannot_see_a_persons_objection(client: Client, setting: Setting) -> None:
    objection = _raise(setting)
    client.force_login(make_citizen())
    assert client.get(objection.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("exchange:objection_filed", args=[objection.reference])).status_code
        == 404
    )
    assert objection.reference not in client.get(reverse("exchange:my_objections")).content.decode()


def test_my_objections_costs_the_same_queries_for_one_or_many(
    client: Client, setting: Setting
) -> None:
    client.force_login(setting.person)
    _raise(setting)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("exchange:my_objections")).status_code == 200
        return len(queries)

    one = count()
    for n in range(4):
        access = _read(setting.reader, setting.access.dataset.code, _id(setting.person))
        objection_raise(access=access, user=setting.person, text=f"第{n}次", firm_id=None)
    assert count() == one


def test_staff_queue_costs_the_same_queries_for_one_or_many(
    client: Client, setting: Setting
) -> None:
    client.force_login(setting.admin)
    _raise(setting)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("exchange:objections")).status_code == 200
        return len(queries)

    one = count()
    for n in range(4):
        access = _read(setting.reader, setting.access.dataset.code, _id(setting.person))
        objection_raise(access=access, user=setting.person, text=f"第{n}次", firm_id=None)
    assert count() == one


def test_staff_review_and_answer_on_the_objections_page(client: Client, setting: Setting) -> None:
    objection = _raise(setting)
    url = reverse("exchange:staff_objection", args=[objection.reference])
    client.force_login(setting.admin)
    page = client.get(url).content.decode()
    assert "我没有申请低保" in page and 'name="response"' in page
    assert client.post(url, {"action": "review"}).status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UNDER_REVIEW
    # A failed answer keeps what was typed, with the reason at the top.
    kept = client.post(url, {"action": "answer", "response": "<b>粗体</b>"})
    assert kept.status_code == 400 and "&lt;b&gt;粗体&lt;/b&gt;" in kept.content.decode()
    assert client.post(url, {"action": "answer", "response": "已核实"}).status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ANSWERED and objection.response == "已核实"
    # The auditor did not see it before escalation (404) and sees it after.
    client.force_login(setting.auditor)
    other = _raise_other(setting)
    other_url = reverse("exchange:staff_objection", args=[other.reference])
    assert client.get(other_url).status_code == 404
    objection_escalate(objection_id=other.pk, today=other.due_on + dt.timedelta(days=1))
    seen = client.get(reverse("exchange:objections")).content.decode()
    assert other.reference in seen and objection.reference not in seen
    assert 'name="response"' in client.get(other_url).content.decode()


def _raise_other(s: Setting) -> Objection:
    access = _read(s.reader, s.access.dataset.code, _id(s.person), purpose="复核")
    return objection_raise(access=access, user=s.person, text="第二次读取", firm_id=None)


def test_notices_are_in_the_one_inbox_and_the_header_count(
    client: Client, setting: Setting
) -> None:
    objection = _raise(setting)
    client.force_login(setting.person)
    inbox = client.get(reverse("services:notifications"))
    body = inbox.content.decode()
    assert objection.reference in body and "已收到您的异议" in body
    assert inbox.context["unread_notices"] == 1
    client.post(reverse("services:notifications"))
    assert client.get(reverse("services:notifications")).context["unread_notices"] == 0
    # Opening the objection's page also marks its notices read.
    objection_review_start(actor=setting.admin, objection=objection)
    assert client.get(reverse("services:notifications")).context["unread_notices"] == 1
    client.get(objection.get_absolute_url())
    assert client.get(reverse("services:notifications")).context["unread_notices"] == 0


def _firm_setting(setting: Setting) -> tuple[Firm, User, User, Objection]:
    owner_dept = make_department(name="市场监管局")
    dataset = dataset_upsert(
        code=f"{owner_dept.code}.firms",
        name="企业登记",
        owner=owner_dept,
        subject_kind=SubjectKind.FIRM,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[{"name": "name", "type": "string", "label": "名称", "required": True}],
    )
    record_put(
        dataset=dataset, department=owner_dept, subject_identifier=FIRM_CODE, data={"name": "甲"}
    )
    legal = make_citizen(email="legal@example.cn")
    firm = firm_register(name="甲科技有限公司", uscc=FIRM_CODE, region="330100")
    firm_representative_set(firm=firm, user=legal, role=RepresentativeRole.LEGAL_REPRESENTATIVE)
    agent = make_citizen(email="agent@example.cn")
    firm_representative_set(firm=firm, user=agent, role=RepresentativeRole.AGENT)
    access = _read(setting.reader, dataset.code, FIRM_CODE, purpose="企业核查")
    objection = objection_raise(access=access, user=agent, text="未授权", firm_id=firm.pk)
    return firm, legal, agent, objection


def test_a_firms_objection_reaches_its_representatives_and_not_former_agents(
    client: Client, setting: Setting
) -> None:
    firm, legal, agent, objection = _firm_setting(setting)
    recipients = set(
        ObjectionNotice.objects.filter(objection=objection).values_list("recipient", flat=True)
    )
    assert recipients == {legal.pk, agent.pk}
    # The legal representative, acting for the firm, sees it; in their own name, not.
    client.force_login(legal)
    assert client.get(objection.get_absolute_url()).status_code == 404
    client.post(reverse("accounts:act_as_switch"), {"firm_id": firm.pk})
    assert client.get(objection.get_absolute_url()).status_code == 200
    # The agent's mandate ends: no more e-mail about it, and the page is closed to them.
    firm_representative_set(
        firm=firm,
        user=agent,
        role=RepresentativeRole.AGENT,
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    objection_answer(actor=setting.admin, objection=objection, response="已核实")
    answered = ObjectionNotice.objects.filter(kind=ObjectionNoticeKind.ANSWERED)
    assert set(answered.values_list("recipient", flat=True)) == {legal.pk}
    for notice in ObjectionNotice.objects.all():
        objection_notice_email_task(notice.pk)
    assert "agent@example.cn" not in {m.to[0] for m in mail.outbox[-2:]}


def test_english_pages_of_an_objection(client: Client, setting: Setting) -> None:
    objection = _raise(setting)
    objection_answer(actor=setting.admin, objection=objection, response="Read for a review.")
    client.force_login(setting.person)
    client.post(reverse("set_language"), {"language": "en"})
    detail = client.get(objection.get_absolute_url()).content.decode()
    assert "The answer" in detail and "Household register" in detail and "Answered" in detail
