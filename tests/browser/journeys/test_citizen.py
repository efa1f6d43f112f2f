"""Journey 1: a new citizen signs up and signs in, files the minimum living allowance
(最低生活保障) whose household register is fetched from the police (免提交), is asked by the
civil affairs bureau for a supplement, supplies it and sees the application approved."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.composition.demo.accounts import demo_resident_id
from portal.departments.models import Department
from portal.exchange.models import Dataset
from portal.exchange.services import record_put
from portal.services.constants import Action, ApplicationStatus
from portal.services.models import Application
from portal.services.services import application_transition
from tests.browser.journeys.checks import Visit
from tests.browser.journeys.conftest import EN, ZH, Visitor
from tests.factories import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NUMBER = demo_resident_id("33010619920505123")
PASSWORD = "Xin-Shimin-2026"


def staff(username: str) -> User:
    return User.objects.get(username=username)


def walk(visit: Visit, tmp_path: Path) -> None:
    page, t = visit.page, visit.t
    record_put(
        dataset=Dataset.objects.get(code="gaj.household_registration"),
        department=Department.objects.get(code="gaj"),
        subject_identifier=ID_NUMBER,
        data={
            "address": "杭州市西湖区文三路 90 号",
            "household_head": "陈新",
            "relationship": "本人",
        },
    )

    # Sign up, with one mistake first: every error at once, in the page's language.
    visit.check("home")
    visit.header_link("注册", "Sign up")
    visit.check("sign-up")
    page.get_by_label(t("用户名", "User name")).fill("chenxin")
    page.get_by_label(t("真实姓名", "Real name")).fill("陈新")
    page.get_by_label(t("居民身份证号码", "Resident identity number")).fill(ID_NUMBER[:-1] + "0")
    page.get_by_label(t("手机号码", "Mobile phone")).fill("13800001111")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    visit.button("注册", "Create account")
    expect(page.locator(".error-summary")).to_be_visible()
    visit.check("sign-up-error")
    page.get_by_label(t("居民身份证号码", "Resident identity number")).fill(ID_NUMBER)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    visit.button("注册", "Create account")
    visit.check("sign-up-done")
    visit.sign_in("chenxin", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("欢迎", "Welcome"))
    visit.check("home-signed-in")

    # Find the service and apply.
    visit.header_link("办事服务", "Services")
    visit.check("catalogue")
    page.get_by_role("link", name=t("最低生活保障申请", "Minimum living allowance")).first.click()
    visit.check("service")
    visit.button("在线申请", "Apply online")
    expect(page.locator("#id_applicant_name")).to_be_disabled()
    visit.check("step-applicant")
    visit.button("保存并继续", "Save and continue")
    page.get_by_label(t("家庭人口", "Household size")).fill("3")
    page.get_by_label(t("家庭月收入（元）", "Monthly income (CNY)")).fill("1800")
    visit.check("step-application")
    visit.button("保存并继续", "Save and continue")
    visit.check("step-declaration")
    page.locator("input[name=declaration]").check()
    visit.button("保存并继续", "Save and continue")

    # Materials: the household register is fetched and shown in words; the other is uploaded.
    expect(page.locator(".fetched")).to_contain_text("杭州市西湖区文三路 90 号")
    visit.check("materials")
    income = tmp_path / "income.pdf"
    income.write_bytes(PDF)
    page.locator("input[type=file]").set_input_files(str(income))
    visit.button("上传", "Upload", exact=True)
    expect(page.locator(".messages")).to_contain_text("income.pdf")
    visit.check("materials-uploaded")
    visit.link("下一步：确认", "Continue to review")
    visit.check("review")
    visit.button("提交申请", "Submit the application")
    application = Application.objects.get(applicant__username="chenxin")
    expect(page.locator(".reference")).to_have_text(application.number)
    visit.check("submitted")

    # The civil affairs bureau accepts it, reviews it and asks for a supplement.
    application_transition(
        application=application, action=Action.ACCEPT, user=staff("mzj.window_clerk")
    )
    application_transition(
        application=application, action=Action.START_REVIEW, user=staff("mzj.reviewer")
    )
    application_transition(
        application=application,
        action=Action.REQUEST_SUPPLEMENT,
        user=staff("mzj.reviewer"),
        reason="请补充近三个月的工资流水。",
    )

    # The person finds it from the notifications, reads the reason and supplies it.
    visit.go("/")
    visit.header(".notices-link").click()
    visit.check("notifications")
    page.locator("main").get_by_role("link", name=application.number).first.click()
    expect(page.locator("main")).to_contain_text("请补充近三个月的工资流水。")
    visit.check("supplement-requested")
    visit.link("补充材料", "Add materials")
    expect(page.locator("main")).to_contain_text("请补充近三个月的工资流水。")
    visit.check("supplement-materials")
    page.locator("input[type=file]").set_input_files(str(income))
    visit.button("上传", "Upload", exact=True)
    visit.check("supplement-uploaded")
    visit.go(f"/my/applications/{application.number}/")
    visit.button("补正后重新提交", "Resubmit with the supplement")
    expect(page.locator("strong.status")).to_have_text(t("已补正", "Resubmitted"))
    visit.check("resubmitted")

    # Approved: the person sees the decision.
    application_transition(
        application=application, action=Action.START_REVIEW, user=staff("mzj.reviewer")
    )
    application_transition(
        application=application, action=Action.APPROVE, user=staff("mzj.approver")
    )
    visit.go("/")
    visit.header(".notices-link").click()
    visit.check("notifications-approved")
    visit.go(f"/my/applications/{application.number}/")
    expect(page.locator("strong.status")).to_have_text(t("准予许可", "Approved"))
    expect(
        page.get_by_role("link", name=t("下载决定书", "Download the decision (PDF)"))
    ).to_be_visible()
    visit.check("approved")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    visit.done()


@pytest.mark.parametrize(
    ("width", "english", "javascript"),
    [
        (1280, ZH, True),
        (390, ZH, True),
        (390, EN, True),
        (1280, ZH, False),
    ],
    ids=["1280", "390", "390-en", "1280-nojs"],
)
def test_new_citizen_files_with_a_fetched_material_and_a_supplement(
    world: None, visitor: Visitor, tmp_path: Path, width: int, english: bool, javascript: bool
) -> None:
    walk(visitor(width, english=english, javascript=javascript), tmp_path)
