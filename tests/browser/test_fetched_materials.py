"""In Chromium, over the demo data: the materials the exchange fetches for a firm's application
(免提交) read as a person reads them, in Chinese and in English, on a phone and a desktop:
field labels, not keys; 万元 or ¥ amounts; dates in words; no Python values."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, ViewportSize, expect

from portal.accounts.models import Firm, User
from portal.composition.demo.accounts import DEMO_PASSWORD
from portal.services.models import ServiceItem
from tests.factories import make_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
RAW = ["registered_capital", "established_on", "legal_representative", "True", "False", "None"]


def facts(page: Page) -> dict[str, str]:
    """The fetched data shown on the page, label → value."""
    pairs = page.evaluate(
        "[...document.querySelectorAll('.fetched dl.facts dt')]"
        ".map(dt => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()])"
    )
    return dict(pairs)


def open_materials(browser: Browser, base: str, number: str, viewport: ViewportSize) -> Page:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("用户名").fill("zhangsan")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{base}/accounts/act-as/")
    page.get_by_label("杭城智能科技有限公司", exact=False).check()
    page.get_by_role("button", name="切换").click()
    page.goto(f"{base}/my/applications/{number}/materials/")
    return page


def test_fetched_materials_read_in_words_in_both_languages(
    live_server: object, browser: Browser
) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = str(live_server)
    firm = Firm.objects.get(name="杭城智能科技有限公司")
    application = make_application(
        ServiceItem.objects.get(code="kjj-gxjsqyrd"),
        User.objects.get(username="zhangsan"),
        firm=firm,
    )

    page = open_materials(browser, base, application.number, {"width": 390, "height": 844})
    expect(page.locator(".fetched").first).to_be_visible()
    shown = facts(page)
    assert shown["企业名称"] == "杭城智能科技有限公司"
    assert shown["注册资本"] == "1,000 万元"
    assert shown["成立日期"] == "2019年4月18日"
    assert shown["参保人数"] == "86"
    main = page.locator("main").inner_text()
    for raw in RAW:
        assert raw not in main, raw
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(SCREENSHOTS / "fetched-materials-zh-390.png"), full_page=True)

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    shown = facts(page)
    assert shown["Firm name"] == "杭城智能科技有限公司"
    assert shown["Registered capital"] == "¥10,000,000"
    assert shown["Established on"] == "April 18, 2019"
    assert shown["Insured employees"] == "86"
    main = page.locator("main").inner_text()
    for raw in [*RAW, "注册资本", "成立日期", "万元"]:
        assert raw not in main, raw
    page.screenshot(path=str(SCREENSHOTS / "fetched-materials-en-1280.png"), full_page=True)
    page.context.close()
