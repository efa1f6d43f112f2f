"""The public transparency pages and the back office's sealed reads in Chromium, at 1280 px and
390 px: nothing wider than the window (no sideways scrolling), every table readable."""

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Browser

from portal.departments.constants import StaffRole
from tests.exchange.test_transparency import populate
from tests.factories import PASSWORD, make_staff, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "test" / "screenshots"


@pytest.mark.parametrize("width", [1280, 390])
def test_transparency_pages_fit_the_screen(
    live_server: object, browser: Browser, width: int
) -> None:
    world = make_world()
    populate(world)
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR, username=f"inv{width}")
    assert investigator.department == world.reader
    assert Client().login(username=investigator.username, password=PASSWORD)
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "report": "/transparency/",
        "sealed": "/transparency/sealed/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server}{path}")
        assert page.locator("h1").count() == 1
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than {width}px"
        assert "True" not in page.inner_text("main")
        page.screenshot(path=str(SHOTS / f"transparency-{name}-{width}.png"), full_page=True)
    # The back office's sealed reads, signed in as an investigator.
    page.goto(f"{live_server}/backoffice/sign-in/")
    page.get_by_label("用户名").fill(investigator.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/backoffice/exchange/sealed/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"sealed reads page is {overflow}px wider than {width}px"
    page.screenshot(path=str(SHOTS / f"backoffice-sealed-{width}.png"), full_page=True)
    context.close()
