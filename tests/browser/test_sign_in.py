import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.composition.demo.accounts import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_citizen_signs_in_and_sees_their_home_page(live_server: object, page: Page) -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="登录").first.click()
    page.get_by_label("用户名").fill("zhangsan")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("张三，欢迎您")
    # The identity number is shown masked.
    expect(page.locator("dd", has_text="330***")).to_be_visible()
    # A legal representative can switch to the firm, without JavaScript needed.
    page.get_by_role("link", name="代表企业办事").click()
    page.get_by_label("杭城智能科技有限公司", exact=False).check()
    page.get_by_role("button", name="切换").click()
    expect(page.locator(".who")).to_contain_text("代表 杭城智能科技有限公司")
