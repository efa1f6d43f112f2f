"""In a real browser: staff read an applicant's business registration from another department
while handling an application; the applicant finds that access on "who used my data", checked
in their own browser.
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from ledger.services import ledger_sequence_all
from portal.accounts.models import Firm, User
from portal.composition.demo.accounts import DEMO_PASSWORD
from portal.services.constants import ApplicationStatus
from portal.services.models import ServiceItem
from tests.browser.test_data_uses_verifier import cosign_latest
from tests.factories import make_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_staff_view_of_business_registration_shows_up_verified_for_the_firm(
    live_server: object, page: Page
) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    base = str(live_server)
    firm = Firm.objects.get(name="杭城智能科技有限公司")
    applicant = User.objects.get(username="zhangsan")
    service = ServiceItem.objects.get(code="kjj-gxjsqyrd")
    application = make_application(
        service, applicant, firm=firm, status=ApplicationStatus.SUBMITTED
    )

    # A reviewer of the science and technology bureau opens the application and looks up the
    # firm's business registration, held by the market regulation bureau.
    sign_in(page, base, "kjj.reviewer")
    page.goto(f"{base}/backoffice/services/applications/{application.number}/")
    page.get_by_role("button", name="查看企业登记信息", exact=False).click()
    card = page.locator("#read")
    expect(card).to_contain_text("杭城智能科技有限公司")
    expect(card).to_contain_text("注册资本")
    page.get_by_role("button", name="退出").click()

    # The worker sequences the access; a checkpoint is published and co-signed.
    ledger_sequence_all()
    cosign_latest()

    # The firm's legal representative finds the access, checked in their own browser.
    sign_in(page, base, "zhangsan")
    page.goto(f"{base}/accounts/act-as/")
    page.get_by_label("杭城智能科技有限公司", exact=False).check()
    page.get_by_role("button", name="切换").click()
    page.get_by_role("link", name="谁用了我的数据").click()
    row = page.locator("tr", has_text=application.number)
    expect(row).to_contain_text("市科学技术局")
    expect(row).to_contain_text("企业登记信息")
    expect(row.locator("td.check")).to_have_text("✔ 已在您的浏览器中核验")
    with page.expect_download() as download:
        row.get_by_role("link", name="下载证明").click()
    assert download.value.suggested_filename.startswith("access-proof-")


def test_the_reviewers_purpose_reads_in_english_and_still_checks(
    live_server: object, page: Page
) -> None:
    """The English purpose is shown in place of the committed one, which the browser checks."""
    call_command("seed_demo", stdout=io.StringIO())
    base = str(live_server)
    firm = Firm.objects.get(name="杭城智能科技有限公司")
    applicant = User.objects.get(username="zhangsan")
    service = ServiceItem.objects.get(code="kjj-gxjsqyrd")
    application = make_application(
        service, applicant, firm=firm, status=ApplicationStatus.SUBMITTED
    )
    sign_in(page, base, "kjj.reviewer")
    page.goto(f"{base}/backoffice/services/applications/{application.number}/")
    page.get_by_role("button", name="查看企业登记信息", exact=False).click()
    expect(page.locator("#read")).to_contain_text("杭城智能科技有限公司")
    page.get_by_role("button", name="退出").click()
    ledger_sequence_all()
    cosign_latest()

    sign_in(page, base, "zhangsan")
    page.goto(f"{base}/accounts/act-as/")
    page.get_by_label("杭城智能科技有限公司", exact=False).check()
    page.get_by_role("button", name="切换").click()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/my/data-uses/")
    row = page.locator("tr", has_text=application.number)
    expect(row.locator("td").nth(3)).to_contain_text(
        f"Reviewing application {application.number} ({service.name_en})"
    )
    expect(row.locator("td").nth(3)).not_to_contain_text("审查")
    expect(row.locator("td.check")).to_have_text("✔ checked in your browser")
