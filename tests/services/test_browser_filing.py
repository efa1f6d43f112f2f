"""In a real browser: sign up, find a service, file it in steps, staff decide, download."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.composition.demo.accounts import demo_resident_id
from portal.departments.constants import StaffRole
from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.models import Access
from portal.exchange.services import dataset_upsert, record_put
from portal.services.models import Application
from tests.factories import (
    PASSWORD,
    PDF,
    make_agent,
    make_department,
    make_firm,
    make_office,
    make_service,
    make_staff,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()


def fill_steps(page: Page) -> None:
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_role("button", name="保存并继续").click()
    page.get_by_label("开始日期").fill("2026-03-02")
    page.get_by_label("人数").fill("3")
    page.get_by_label("类别").select_option("a")
    page.get_by_label("承诺").check()
    page.get_by_role("button", name="保存并继续").click()


def staff_decides(page: Page, base: str, username: str, number: str) -> None:
    sign_in(page, base, username)
    page.goto(f"{base}/backoffice/services/queue/")
    page.get_by_role("link", name=number).click()
    for action in ["accept", "start_review", "approve"]:
        page.locator(f"button[value={action}]").click()
        if action == "approve":
            # Approving cannot be undone: a confirmation page comes first.
            expect(page.locator(".notice-panel")).to_contain_text("不能撤销")
            page.get_by_role("button", name="确认：批准").click()
        expect(page.locator(".messages")).to_contain_text(number)
    expect(page.locator("strong.status")).to_have_text("准予许可")
    sign_out(page)


def test_a_new_citizen_files_in_steps_and_downloads_the_decision(
    live_server: object, page: Page, tmp_path: Path
) -> None:
    office = make_office()
    make_service(office.department, code="wjw-sydj", name="生育登记", name_en="Birth registration")
    staff = make_staff(
        office.department, StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER
    )
    base = str(live_server)

    # Sign up.
    page.goto(f"{base}/accounts/sign-up/")
    page.get_by_label("用户名").fill("xiaoming")
    page.get_by_label("真实姓名").fill("王小明")
    page.get_by_label("居民身份证号码").fill(demo_resident_id("33010619920315123"))
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    # Sign-up answers alike whether or not the number had an account; then one signs in.
    expect(page.get_by_role("heading", name="注册申请已收到")).to_be_visible()
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("用户名").fill("xiaoming")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()

    # Find the service by search and start.
    page.get_by_role("link", name="办事服务").click()
    page.get_by_label("搜索事项").fill("生育")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="生育登记").click()
    page.get_by_role("button", name="在线申请").click()

    # Step 1 is prefilled from the profile; a wrong phone is refused at the field.
    expect(page.locator("#id_applicant_name")).to_have_value("王小明")
    page.get_by_label("手机号码").fill("123")
    page.get_by_role("button", name="保存并继续").click()
    expect(page.locator("#id_phone_error")).to_be_visible()
    fill_steps(page)

    # Materials: upload a PDF, then review and submit.
    pdf = tmp_path / "证明.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("文件（PDF、JPEG 或 PNG）").set_input_files(str(pdf))
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_role("link", name="证明.pdf")).to_be_visible()
    page.get_by_role("link", name="下一步：确认").click()
    page.get_by_role("button", name="提交申请").click()
    number = Application.objects.get().number
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    expect(page.locator(".reference")).to_have_text(number)
    page.get_by_role("link", name="查看办理进度").click()
    expect(page.locator("strong.status")).to_have_text("已提交")
    sign_out(page)

    staff_decides(page, base, staff.username, number)

    # The citizen sees the decision in the timeline and downloads it.
    sign_in(page, base, "xiaoming")
    page.get_by_role("link", name="我的办件").click()
    page.get_by_role("link", name=number).click()
    expect(page.locator("strong.status")).to_have_text("准予许可")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载决定书（PDF）").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")


def test_a_firm_agent_applies_with_a_material_fetched_from_another_department(
    live_server: object, page: Page
) -> None:
    office = make_office()
    registry = make_department(name="市场监管局")
    dataset = dataset_upsert(
        code=f"{registry.code}.business_registration",
        name="企业登记信息",
        owner=registry,
        subject_kind=SubjectKind.FIRM,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[{"name": "status", "type": "string", "label": "登记状态", "required": True}],
    )
    firm = make_firm("钱塘科技有限公司")
    record_put(
        dataset=dataset, department=registry, subject_identifier=firm.uscc, data={"status": "存续"}
    )
    make_service(
        office.department,
        code="jxj-test",
        name="惠企政策兑现申请",
        for_citizens=False,
        for_firms=True,
        materials=[
            {
                "code": "licence",
                "name": "营业执照",
                "required": True,
                "exchange_dataset": dataset.code,
            }
        ],
    )
    agent = make_agent(firm)
    base = str(live_server)

    sign_in(page, base, agent.username)
    page.goto(f"{base}/accounts/act-as/")
    page.get_by_label(firm.name, exact=False).check()
    page.get_by_role("button", name="切换").click()
    page.goto(f"{base}/services/jxj-test/")
    expect(page.get_by_text("免提交")).to_be_visible()
    page.get_by_role("button", name="在线申请").click()
    fill_steps(page)
    # Fetched as the materials step opens, and shown before anything is submitted.
    expect(page.locator(".fetched")).to_contain_text(registry.name)
    expect(page.locator(".fetched")).to_contain_text("存续")
    # Nothing left to upload: the upload form is not offered for a fetched material.
    expect(page.locator("input[type=file]")).to_have_count(0)
    page.get_by_role("link", name="下一步：确认").click()
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("link", name="查看办理进度").click()
    expect(page.locator("strong.status")).to_have_text("已提交")
    expect(page.locator(".fetched")).to_contain_text("存续")
    access = Access.objects.get()  # read once: when the step opened, not again at submission
    assert access.reader_system == office.system
    assert access.application_number == Application.objects.get().number
