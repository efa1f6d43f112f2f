"""In a real browser: a firm's agent sees why the firm qualifies, applies once, and the
application appears in the department's queue, prefilled."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.accounts.demo import DEMO_PASSWORD

# The Playwright fixtures of tests/browser, used here under the same names.

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(tab: Page, base: str, path: str, username: str) -> None:
    tab.goto(f"{base}{path}")
    tab.get_by_label("用户名").fill(username)
    tab.get_by_label("密码").fill(DEMO_PASSWORD)
    tab.get_by_role("button", name="登录").click()


def test_agent_sees_why_applies_once_and_staff_get_it_prefilled(
    live_server: object, page: Page, settings: object
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    base = str(live_server)
    # 李四 is an authorised agent of 杭城智能科技有限公司.
    sign_in(page, base, "/accounts/sign-in/", "lisi")
    page.goto(f"{base}/accounts/act-as/")
    page.get_by_label("杭城智能科技有限公司", exact=False).check()
    page.get_by_role("button", name="切换").click()

    page.get_by_role("link", name="惠企政策").first.click()
    page.get_by_role("link", name="企业政策匹配").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("杭城智能科技有限公司")
    eligible = page.locator("section", has=page.locator("#eligible-h"))
    card = eligible.locator("li.card", has_text="杭州市企业研发费用补助")
    expect(card).to_contain_text("约 86 万元")
    card.get_by_text("符合的理由").click()
    reason = card.locator("li.condition", has_text="研发费用占营业收入比例不低于3%")
    expect(reason).to_contain_text("满足")
    expect(reason).to_contain_text("16.54%")
    # A near miss says what is missing.
    near = page.locator("section", has=page.locator("#near-h"))
    expect(near.locator("li.card").first).to_contain_text("还缺少")

    card.get_by_role("link", name="杭州市企业研发费用补助").click()
    page.get_by_label("收款账号").fill("6222020200112233")
    page.get_by_label("联系电话").fill("13800138000")
    page.get_by_label("本人承诺所填信息真实有效", exact=False).check()
    page.get_by_role("button", name="一键申报").click()
    expect(page.locator(".messages")).to_contain_text("已提交")
    number = re.search(r"SQ-\d{4}-\d{6}", page.url)
    assert number is not None, page.url

    # The economy bureau's window clerk finds it in the queue, prefilled.
    page.get_by_role("button", name="退出").click()
    sign_in(page, base, "/backoffice/sign-in/", "jxj.window_clerk")
    page.goto(f"{base}/backoffice/services/queue/")
    page.get_by_role("link", name=number.group(0)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number.group(0))
    expect(page.locator("main")).to_contain_text("杭州市企业研发费用补助（杭科计〔2025〕21号）")
    expect(page.locator("main")).to_contain_text("6222020200112233")
