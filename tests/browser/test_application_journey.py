"""In Chromium, at 1280 and 390 px: a citizen files with a 免提交 material, errors come at once
in a summary that takes focus, nothing typed is lost, and a refusal ends with its remedies.

Every page visited is checked for horizontal overflow at both widths and photographed (to
``$JOURNEY_SCREENSHOTS`` when set, else the test's temporary folder).
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.departments.constants import StaffRole
from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.services import dataset_upsert, record_put
from portal.services.models import Application
from portal.services.services import service_item_upsert
from tests.factories import PASSWORD, PDF, make_citizen, make_department, make_office, make_staff
from tests.services.test_filing_rules import CHECKED_SCHEMA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


class Pages:
    """Checks the current page at both widths and keeps a screenshot of each."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def check(self, name: str) -> None:
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            overflow = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} overflows by {overflow}px at {width}px"
            self.page.screenshot(path=str(self.folder / f"{name}-{width}.png"), full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def pages(page: Page, tmp_path: Path) -> Pages:
    folder = os.environ.get("JOURNEY_SCREENSHOTS")
    return Pages(page, Path(folder) if folder else tmp_path / "shots")


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _focused_class(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.className"))


def test_a_citizen_files_without_losing_work_and_sees_what_was_fetched(
    live_server: object, page: Page, pages: Pages, tmp_path: Path
) -> None:
    office = make_office()
    registry = make_department(name="公安局")
    dataset = dataset_upsert(
        code=f"{registry.code}.household",
        name="户籍信息",
        owner=registry,
        subject_kind=SubjectKind.CITIZEN,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[
            {"name": "address", "type": "string", "label": "户籍地址", "required": True},
            {"name": "insured", "type": "boolean", "label": "是否参保", "required": True},
        ],
    )
    service_item_upsert(
        department=office.department,
        code="rs-sydj",
        name="失业登记",
        legal_days=10,
        promised_days=5,
        form_schema=CHECKED_SCHEMA,
        materials=[
            {
                "code": "household",
                "name": "户口簿",
                "required": True,
                "exchange_dataset": dataset.code,
            },
            {"code": "proof", "name": "离职证明", "required": True, "exchange_dataset": ""},
        ],
    )
    citizen = make_citizen(real_name="王小明")
    assert citizen.id_number
    record_put(
        dataset=dataset,
        department=registry,
        subject_identifier=citizen.id_number,
        data={"address": "杭州市西湖区文三路 1 号", "insured": True},
    )
    base = str(live_server)
    sign_in(page, base, citizen.username)
    page.goto(f"{base}/services/rs-sydj/")
    page.get_by_role("button", name="在线申请").click()

    # Step 1: who applies is the account, shown and locked.
    expect(page.locator("#id_applicant_name")).to_be_disabled()
    expect(page.locator("#id_applicant_name")).to_have_value("王小明")
    expect(page.locator("#id_applicant_id_number")).to_be_disabled()
    pages.check("step-1")
    page.get_by_label("子女姓名").fill("<b>小明</b>")
    page.get_by_role("button", name="保存并继续").click()
    # The server answers in Chinese (no browser bubble), and the summary takes focus.
    expect(page.locator(".error-summary")).to_contain_text("字符 < 和 >")
    assert "error-summary" in _focused_class(page)
    page.get_by_label("子女姓名").fill("王小小")
    page.get_by_role("button", name="保存并继续").click()

    # Step 2: every wrong field at once, then "back" keeps what was typed.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.get_by_label("离职日期").fill(tomorrow.isoformat())
    page.get_by_label("银行账号").fill("abc")
    page.get_by_label("说明").fill("字" * 2003)
    assert len(page.get_by_label("说明").input_value()) == 2003, "the browser cuts nothing"
    page.get_by_role("button", name="保存并继续").click()
    summary = page.locator(".error-summary")
    expect(summary.locator("li")).to_have_count(3)
    expect(summary).to_contain_text("不能晚于今天")
    expect(summary).to_contain_text("8 到 30 位数字")
    expect(summary).to_contain_text("超出 3 个")
    assert "error-summary" in _focused_class(page)
    pages.check("step-2-errors")
    page.get_by_label("离职日期").fill("2025-06-30")
    page.get_by_label("银行账号").fill("6222 0212 3456 7890")
    page.get_by_label("说明").fill("合同到期")
    page.get_by_role("button", name="上一步").click()
    expect(page.locator("#id_child_name")).to_have_value("王小小")
    page.get_by_role("button", name="保存并继续").click()
    expect(page.get_by_label("说明")).to_have_value("合同到期")
    expect(page.get_by_label("离职日期")).to_have_value("2025-06-30")
    page.get_by_role("button", name="保存并继续").click()

    # Materials: fetched as the step opens and shown in words; the menu offers only the other.
    fetched = page.locator(".fetched")
    expect(fetched).to_contain_text("杭州市西湖区文三路 1 号")
    expect(fetched).to_contain_text("是否参保")
    expect(fetched).not_to_contain_text("True")
    options = page.locator("#id_requirement option")
    expect(options).to_have_count(1)
    expect(options).to_have_text("离职证明")
    stepper_materials = page.locator(".stepper li").nth(2)
    expect(stepper_materials).not_to_have_class("done")
    pdf = tmp_path / "离职证明.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("文件（PDF、JPEG 或 PNG）").set_input_files(str(pdf))
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("离职证明.pdf")
    pages.check("materials")

    # Check your answers: a change link per section; the materials step is green now.
    page.get_by_role("link", name="下一步：确认").click()
    materials_step = page.locator(".stepper li").nth(2)
    expect(materials_step).to_have_class("done")
    green = materials_step.evaluate("el => getComputedStyle(el).backgroundColor")
    assert green == "rgb(227, 239, 229)", green
    expect(page.get_by_role("link", name="修改")).to_have_count(3)
    pages.check("review")
    page.get_by_role("button", name="提交申请").click()
    number = Application.objects.get().number
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    expect(page.locator(".reference")).to_have_text(number)
    expect(page.get_by_text("接下来会怎样")).to_be_visible()
    pages.check("submitted")


def test_a_refusal_is_confirmed_and_reaches_the_person_with_its_remedies(
    live_server: object, page: Page, pages: Pages
) -> None:
    office = make_office()
    clerk = make_staff(office.department, StaffRole.WINDOW_CLERK)
    service_item_upsert(
        department=office.department,
        code="rs-jyxx",
        name="就业见习补贴",
        legal_days=10,
        promised_days=5,
        form_schema={"steps": [CHECKED_SCHEMA["steps"][0]]},  # type: ignore[index]
        materials=[],
    )
    citizen = make_citizen(real_name="李四")
    base = str(live_server)
    sign_in(page, base, citizen.username)
    page.goto(f"{base}/services/rs-jyxx/")
    page.get_by_role("button", name="在线申请").click()
    page.get_by_label("子女姓名").fill("李小四")
    page.get_by_role("button", name="保存并继续").click()
    page.get_by_role("link", name="下一步：确认").click()
    page.get_by_role("button", name="提交申请").click()
    number = Application.objects.get().number
    page.get_by_role("button", name="退出").click()

    sign_in(page, base, clerk.username)
    page.goto(f"{base}/backoffice/services/applications/{number}/")
    page.get_by_label("理由或说明").fill("不属于本事项的受理范围")
    page.locator("button[value=refuse]").click()
    expect(page.locator(".notice-panel")).to_contain_text("确定不予受理吗")
    pages.check("staff-confirm-refusal")
    page.get_by_role("button", name="确认：不予受理").click()
    expect(page.locator(".messages")).to_contain_text("已向申请人送达不予受理通知书")
    page.get_by_role("button", name="退出").click()

    sign_in(page, base, citizen.username)
    notices = page.locator(".notices-link .count")
    expect(notices).to_have_text("2")  # submitted, then not accepted
    page.goto(f"{base}/my/applications/{number}/")
    refusal = page.locator(".refusal")
    expect(refusal).to_contain_text("不属于本事项的受理范围")
    expect(refusal).to_contain_text("行政复议")
    expect(refusal).to_contain_text("6 个月内")
    expect(refusal.get_by_role("link", name="下载不予受理通知书（PDF）")).to_be_visible()
    pages.check("refusal")
    refusal.get_by_role("button", name="重新申请").click()
    expect(page.locator("#id_child_name")).to_have_value("李小四")
    assert Application.objects.count() == 2


def test_withdrawing_works_without_javascript_after_a_confirmation(
    live_server: object, browser: object, pages: Pages
) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    office = make_office()
    service_item_upsert(
        department=office.department,
        code="rs-cx",
        name="撤回测试",
        legal_days=10,
        promised_days=5,
        form_schema={"steps": [CHECKED_SCHEMA["steps"][0]]},  # type: ignore[index]
        materials=[],
    )
    citizen = make_citizen()
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    base = str(live_server)
    sign_in(page, base, citizen.username)
    page.goto(f"{base}/services/rs-cx/")
    page.get_by_role("button", name="在线申请").click()
    page.get_by_label("子女姓名").fill("赵小")
    page.get_by_role("button", name="保存并继续").click()
    page.get_by_role("link", name="下一步：确认").click()
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("link", name="查看办理进度").click()
    page.get_by_role("button", name="撤回申请").click()
    expect(page.get_by_text("确定撤回这件申请吗")).to_be_visible()
    pages.page = page
    pages.check("confirm-withdraw")
    page.get_by_role("button", name="确认：撤回").click()
    expect(page.locator(".messages")).to_contain_text("您已撤回申请")
    expect(page.locator("strong.status")).to_have_text("已撤回")
    context.close()


def test_the_other_changed_pages_fit_a_phone(live_server: object, page: Page, pages: Pages) -> None:
    """My applications (with a draft to delete), the guide with a draft, the deletion page,
    notifications, and the back office's application and evaluation pages."""
    from portal.services.constants import ApplicationStatus
    from portal.services.services import evaluation_create
    from tests.factories import make_application, make_service

    office = make_office()
    approver = make_staff(office.department, StaffRole.APPROVER, StaffRole.WINDOW_CLERK)
    service = make_service(office.department, code="wjw-phone", name="生育登记")
    citizen = make_citizen()
    draft = make_application(service, citizen)
    done = make_application(
        make_service(office.department, code="wjw-done"),
        citizen,
        status=ApplicationStatus.APPROVED,
    )
    evaluation_create(application=done, user=citizen, rating=1, comment="等了太久")
    base = str(live_server)
    sign_in(page, base, citizen.username)
    for name, path in [
        ("my-applications", "/my/applications/"),
        ("service-with-draft", "/services/wjw-phone/"),
        ("draft-delete", f"/my/applications/{draft.number}/delete/"),
        ("notifications", "/my/notifications/"),
    ]:
        page.goto(f"{base}{path}")
        pages.check(name)
    expect(page.get_by_role("heading", name="消息")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    sign_in(page, base, approver.username)
    submitted = make_application(service, make_citizen(), status=ApplicationStatus.SUBMITTED)
    for name, path in [
        ("staff-application", f"/backoffice/services/applications/{submitted.number}/"),
        ("staff-evaluations", "/backoffice/services/evaluations/"),
    ]:
        page.goto(f"{base}{path}")
        pages.check(name)
    page.locator("textarea[name=reply]").fill("")
    page.get_by_role("button", name="发送回复").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert "error-summary" in _focused_class(page)
    pages.check("staff-evaluations-error")
