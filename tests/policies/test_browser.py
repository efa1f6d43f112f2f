"""In a real browser: a firm's agent sees why the firm qualifies, checks everything apply-once
will file, confirms once (uploading the one material no department holds), and the
application reaches the issuing department's queue; a benefit granted without applying is
declined on a confirmation page; policy messages are in the one inbox. Every page is looked
at 1280 and 390 px wide without horizontal overflow (screenshots in var/screenshots/)."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.composition.demo.accounts import DEMO_PASSWORD
from tests.factories import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("PORTAL_VAR_DIR", "var")) / "screenshots" / "policies"
WIDTHS = (1280, 390)


def sign_in(tab: Page, base: str, path: str, username: str) -> None:
    tab.goto(f"{base}{path}")
    tab.get_by_label("用户名").fill(username)
    tab.get_by_label("密码").fill(DEMO_PASSWORD)
    tab.get_by_role("button", name="登录").click()


def look(tab: Page, name: str) -> None:
    """At each width: no horizontal overflow, no raw key or Python value; a screenshot."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        tab.set_viewport_size({"width": width, "height": 900})
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = tab.evaluate(
            "() => [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
        )
        assert overflow <= 0, f"{name} overflows by {overflow}px at {width}px: {wide}"
        text = tab.locator("main").inner_text()
        for raw in ("已满足条件：region", "True", "None", "E+", "×10k", "rd_expense"):
            assert raw not in text, f"{raw!r} on {name}"
        tab.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    tab.set_viewport_size({"width": 1280, "height": 900})


def test_agent_applies_once_and_the_issuing_department_gets_it(
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

    page.goto(f"{base}/policies/")
    page.get_by_label("地区").select_option("330100")
    page.get_by_label("行业（GB/T 4754）").select_option("65")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("main")).to_contain_text("软件和信息服务业发展扶持")
    look(page, "search")

    page.goto(f"{base}/policies/for-me/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("杭城智能科技有限公司")
    eligible = page.locator("section", has=page.locator("#eligible-h"))
    card = eligible.locator("li.card", has_text="杭州市企业研发费用补助")
    expect(card).to_contain_text("约 86 万元")
    expect(eligible.locator("li.card", has_text="失业保险稳岗返还")).to_contain_text("12.90 万元")
    card.get_by_text("符合的理由").click()
    reason = card.locator("li.condition", has_text="研发费用占营业收入比例不低于3%")
    expect(reason).to_contain_text("满足")
    expect(reason).to_contain_text("16.54%")
    near = page.locator("section", has=page.locator("#near-h"))
    expect(near).not_to_contain_text("创业担保贷款贴息")  # 7 years old is not "almost" ≤ 5
    look(page, "for-me")

    card.get_by_role("link", name="杭州市企业研发费用补助").click()
    apply = page.locator("section", has=page.locator("#apply-h"))
    expect(apply).to_contain_text("市科学技术局")
    expect(apply).to_contain_text("上年度研发费用不低于100万元")
    expect(apply).to_contain_text("研发费用专项审计报告")
    expect(apply).to_contain_text("确认后从国家税务总局本市税务局共享获取")
    look(page, "detail-apply")
    # A landline and no upload: all errors at once, in a summary that takes the focus.
    page.get_by_label("申报联系手机").fill("0571-87654321")
    page.get_by_label("本人承诺所填信息真实有效", exact=False).check()
    page.get_by_role("button", name="确认并提交申报").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("11 位手机号码")
    expect(summary).to_contain_text("研发费用专项审计报告")
    look(page, "detail-apply-errors")
    page.get_by_label("申报联系手机").fill("13800138000")
    page.get_by_label("本人承诺所填信息真实有效", exact=False).check()
    page.locator('input[type="file"]').set_input_files(
        {"name": "audit.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="确认并提交申报").click()
    expect(page.locator(".messages")).to_contain_text("已提交至市科学技术局")
    number = re.search(r"SQ-\d{4}-\d{6}", page.url)
    assert number is not None, page.url

    # The inbox holds the policy messages; the old inbox address leads there.
    page.goto(f"{base}/policies/for-me/notices/")
    expect(page).to_have_url(re.compile(r"/my/notifications/$"))
    expect(page.locator("main .notice--policy").first).to_contain_text("您可能符合条件")
    expect(page.locator("main .notice--application").first).to_contain_text(number.group(0))
    look(page, "inbox")

    # Declining the job-retention refund: a confirmation page that says what is given up.
    page.goto(f"{base}/policies/for-me/")
    page.get_by_role("link", name="放弃该资金").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("12.90 万元")
    expect(page.locator("main")).to_contain_text("无法在网上撤销")
    look(page, "decline")
    page.get_by_role("button", name="确认放弃").click()
    expect(page.locator(".error-summary")).to_be_focused()
    page.get_by_label("我已了解", exact=False).check()
    page.get_by_role("button", name="确认放弃").click()
    expect(page.locator(".messages")).to_contain_text("已放弃")

    # The science bureau's window clerk finds it in the queue, prefilled.
    page.get_by_role("button", name="退出").click()
    sign_in(page, base, "/backoffice/sign-in/", "kjj.window_clerk")
    page.goto(f"{base}/backoffice/services/queue/")
    page.get_by_role("link", name=number.group(0)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number.group(0))
    expect(page.locator("main")).to_contain_text("杭州市企业研发费用补助（杭科计〔2025〕21号）")
    expect(page.locator("main")).to_contain_text("6222020200112233")
    page.get_by_role("button", name="退出").click()
    sign_in(page, base, "/backoffice/sign-in/", "kjj.reviewer")
    page.goto(f"{base}/policies/supervision/")
    expect(page.locator("main")).to_contain_text("杭州市企业研发费用补助")
    look(page, "supervision")


def test_policy_pages_in_english(live_server: object, page: Page, settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    base = str(live_server)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/policies/")
    page.get_by_label("Search", exact=True).fill("R&D expense subsidy")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main")).to_contain_text("Hangzhou R&D expense subsidy")
    look(page, "search-en")
    page.get_by_role("link", name="Hangzhou R&D expense subsidy").click()
    expect(page.locator("main")).to_contain_text("10% of R&D expense, at most ¥2,000,000")
    look(page, "detail-en")
