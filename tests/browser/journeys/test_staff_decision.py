"""Journey 3: the tax office's staff accept, review and approve an application in the back
office (each irreversible step confirmed), the decision document is issued, and anyone checks
it on the public verification page by its code."""

import pytest
from playwright.sync_api import expect

from portal.composition.demo.accounts import DEMO_PASSWORD
from portal.services.constants import ApplicationStatus
from portal.services.verification import display_code
from tests.browser.journeys.checks import Visit
from tests.browser.journeys.conftest import Visitor, file_tax_refund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(visit: Visit, number: str, zh: str, en: str, *, confirm: bool = False) -> None:
    visit.page.locator("#act-h").locator("xpath=..").get_by_role(
        "button", name=visit.t(zh, en), exact=True
    ).click()
    if confirm:
        visit.check(f"confirm-{en.lower().replace(' ', '-')}")
        visit.button(f"确认：{zh}", f"Yes: {en}")
    expect(visit.page.locator(".messages")).to_be_visible()
    visit.check(f"after-{en.lower().replace(' ', '-')}")


def walk(visit: Visit) -> None:
    page = visit.page
    application = file_tax_refund("wangwu")
    number = application.number

    for username, zh, en, confirm in [
        ("swj.window_clerk", "受理", "Accept", False),
        ("swj.reviewer", "开始审查", "Start review", False),
        ("swj.approver", "批准", "Approve", True),
    ]:
        visit.sign_in(username, DEMO_PASSWORD, staff=True)
        visit.check(f"home-{username}")
        page.get_by_role("link", name=visit.t("待办工作台", "Work queue")).first.click()
        visit.check(f"queue-{username}")
        page.get_by_role("link", name=number).click()
        visit.check(f"application-{username}")
        act(visit, number, zh, en, confirm=confirm)
        visit.sign_out()

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    document = application.decision_document
    # Anyone checks the decision on the public page, linked from every page's footer.
    visit.go("/")
    page.locator("footer").get_by_role(
        "link", name=visit.t("决定书真伪查验", "Check a decision document")
    ).click()
    visit.check("verify")
    page.locator("input[name=code]").fill(display_code(document.code).lower())
    visit.button("查验", "Check", exact=True)
    expect(page.locator("main")).to_contain_text(number)
    visit.check("verified")
    visit.done()


@pytest.mark.parametrize(
    ("width", "javascript"),
    [(1280, True), (390, True), (390, False)],
    ids=["1280", "390", "390-nojs"],
)
def test_staff_accept_approve_and_the_decision_is_verified(
    world: None, visitor: Visitor, width: int, javascript: bool
) -> None:
    walk(visitor(width, javascript=javascript))
