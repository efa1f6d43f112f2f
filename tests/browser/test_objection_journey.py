"""In Chromium, at 1280 and 390 px: a person objects to a read of their data and gets a
reference and a deadline; the reading department takes it under review and answers; the
person finds the answer from the notifications. An objection left unanswered past its
deadline reaches the auditor, who answers it. A decision document is checked by a code typed
in lower case with hyphens, and by uploading the file.

Every page visited is checked for horizontal overflow at both widths and photographed (to
``$JOURNEY_SCREENSHOTS`` when set, else the test's temporary folder).
"""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.departments.constants import StaffRole
from portal.departments.services import audit_assignment_create, department_upsert
from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.models import Access, Objection
from portal.exchange.objections import objection_raise, objections_escalate_overdue
from portal.exchange.services import Reader, dataset_upsert, exchange_read, record_put
from portal.services.constants import Action, ApplicationStatus
from portal.services.services import application_transition
from portal.services.verification import display_code
from tests.browser.test_application_journey import Pages, pages, sign_in
from tests.factories import (
    make_application,
    make_citizen,
    make_department,
    make_office,
    make_service,
    make_staff,
)

__all__ = ["pages"]  # the fixture, shared with the filing journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()


def test_objection_answered_and_escalated(live_server: object, page: Page, pages: Pages) -> None:
    base = str(live_server)
    registry, reader = make_department(name="公安局"), make_department(name="民政局")
    dataset = dataset_upsert(
        code=f"{registry.code}.household",
        name="户籍信息",
        owner=registry,
        subject_kind=SubjectKind.CITIZEN,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[{"name": "address", "type": "string", "label": "户籍地址", "required": True}],
    )
    person = make_citizen("objector", email="objector@example.cn")
    assert person.id_number
    record_put(
        dataset=dataset,
        department=registry,
        subject_identifier=person.id_number,
        data={"address": "杭州市上城区"},
    )
    clerk = make_staff(reader, StaffRole.REVIEWER)
    admin = make_staff(reader, StaffRole.DEPARTMENT_ADMIN, username="mzj.admin")
    office = department_upsert(code="sjj", name="市审计局", region="330100", is_audit_office=True)
    auditor = make_staff(office, username="sjj.auditor2")
    audit_assignment_create(
        actor=make_staff(office, StaffRole.DEPARTMENT_ADMIN), auditor=auditor, departments=[reader]
    )

    def read(purpose: str) -> None:
        exchange_read(
            reader=Reader(department=reader, user=clerk),
            dataset_code=dataset.code,
            subject_identifier=person.id_number or "",
            fields=None,
            purpose=purpose,
        )

    read("低保资格复核")

    # The person finds the read and objects to it.
    sign_in(page, base, person.username)
    page.goto(f"{base}/my/data-uses/")
    page.locator('a[href$="/object"]').first.click()
    pages.check("objection-form")
    page.get_by_role("button", name="提交异议").click()
    expect(page.locator(".error-summary")).to_be_focused()
    page.get_by_label("您为什么认为这次访问不合理？").fill(
        "我从未申请低保，民政局无权读取我的户籍。"
    )
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_role("heading", name="已提出异议")).to_be_visible()
    objection = Objection.objects.get()
    expect(page.locator(".reference")).to_have_text(objection.reference)
    expect(page.locator("main")).to_contain_text(objection.due_on.isoformat())
    pages.check("objection-filed")
    page.get_by_role("link", name="查看这条异议的进展").click()
    expect(page.locator("main")).to_contain_text("部门已收到您的异议")
    pages.check("objection-received")
    sign_out(page)

    # The reading department's administrator takes it under review and answers.
    sign_in(page, base, admin.username)
    page.goto(f"{base}/backoffice/exchange/objections/")
    pages.check("staff-objections")
    page.get_by_role("link", name=objection.reference).click()
    page.get_by_role("button", name="开始处理").click()
    expect(page.locator(".messages")).to_contain_text("已通知当事人")
    page.get_by_label("给当事人的答复").fill(
        "经核查，读取系低保资格年度复核误选对象所致，已删除读取结果并整改操作流程。"
    )
    pages.check("staff-objection")
    page.get_by_role("button", name="发送答复").click()
    expect(page.locator(".messages")).to_contain_text("答复已发送给当事人")
    sign_out(page)

    # The person sees the notices in the header and the answer on the objection's page.
    sign_in(page, base, person.username)
    # Under review and answered (the first was read on the objection's page).
    expect(page.locator(".notices-link .count")).to_have_text("2")
    page.locator(".notices-link").click()
    pages.check("notifications-objection")
    page.get_by_role("link", name=objection.reference).first.click()
    answer = page.locator(".answer")
    expect(answer).to_contain_text("已删除读取结果并整改操作流程")
    expect(page.locator(".progress li.reached")).to_have_count(3)
    pages.check("objection-answered")
    page.goto(f"{base}/my/objections/")
    expect(page.locator("main")).to_contain_text("已答复")
    pages.check("my-objections")
    sign_out(page)

    # A second objection is left unanswered past its deadline: the beat escalates it.
    read("困难救助核查")
    second = objection_raise(
        access=Access.objects.exclude(pk=objection.access_id).get(),
        user=person,
        text="同样未经我申请。",
        firm_id=None,
    )
    Objection.objects.filter(pk=second.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert objections_escalate_overdue() == 1
    sign_in(page, base, auditor.username)
    page.goto(f"{base}/backoffice/exchange/objections/")
    row = page.locator("tr", has_text=second.reference)
    expect(row).to_contain_text("已提交审计")
    expect(page.locator("main")).not_to_contain_text(objection.reference)
    pages.check("auditor-objections")
    row.get_by_role("link", name=second.reference).click()
    page.get_by_label("给当事人的答复").fill("已督促民政局说明情况并整改。")
    page.get_by_role("button", name="发送答复").click()
    expect(page.locator(".messages")).to_contain_text("答复已发送给当事人")
    pages.check("auditor-objection")
    sign_out(page)
    sign_in(page, base, person.username)
    page.goto(f"{base}/my/objections/{second.reference}/")
    expect(page.locator(".answer")).to_contain_text("由监督该部门的审计人员答复")


def test_a_decision_is_checked_by_a_typed_code_and_by_its_file(
    live_server: object, page: Page, pages: Pages, tmp_path: Path
) -> None:
    base = str(live_server)
    office = make_office()
    application = make_application(
        make_service(office.department), make_citizen(), status=ApplicationStatus.UNDER_REVIEW
    )
    application_transition(application=application, action=Action.APPROVE, user=office.approver)
    document = application.decision_document
    original = tmp_path / "decision.pdf"
    with document.file.open("rb") as f:
        original.write_bytes(f.read())
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(original.read_bytes() + b"\n% edited\n")

    page.goto(f"{base}/")
    page.locator("footer").get_by_role("link", name="决定书真伪查验").click()
    pages.check("verify-empty")
    page.get_by_label("验证码").fill(display_code(document.code).lower())
    page.get_by_role("button", name="查验", exact=True).click()
    expect(page.locator("main")).to_contain_text(application.number)
    page.get_by_label("您持有的 PDF 文件").set_input_files(str(original))
    page.get_by_role("button", name="核对文件").click()
    expect(page.locator(".file-check")).to_contain_text("没有被改动过任何内容")
    pages.check("verify-file-same")
    page.get_by_label("您持有的 PDF 文件").set_input_files(str(changed))
    page.get_by_role("button", name="核对文件").click()
    expect(page.locator(".file-check")).to_contain_text("不是以此验证码出具的文书")
    pages.check("verify-file-changed")
