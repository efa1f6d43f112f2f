"""Journey 4: the window clerk refuses to accept an application, with a reason and after a
confirmation; the person reads the refusal with its remedies (行政复议 within 60 days,
行政诉讼 within 6 months, each with its last day), downloads the notice and applies again
from what was filed."""

import pytest
from playwright.sync_api import expect

from portal.composition.demo.accounts import DEMO_PASSWORD
from portal.services.models import Application
from tests.browser.journeys.checks import Visit
from tests.browser.journeys.conftest import Visitor, file_tax_refund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def walk(visit: Visit) -> None:
    page, t = visit.page, visit.t
    application = file_tax_refund("zhaoliu")
    number = application.number

    visit.sign_in("swj.window_clerk", DEMO_PASSWORD, staff=True)
    visit.go(f"/backoffice/services/applications/{number}/")
    visit.check("staff-application")
    page.locator("textarea[name=reason]").fill("所得年度内无预扣税款记录，不属于退税范围。")
    visit.button("不予受理", "Refuse to accept", exact=True)
    visit.check("confirm-refusal")
    visit.button("确认：不予受理", "Yes: Refuse to accept")
    visit.check("refused-staff")
    visit.sign_out()

    visit.sign_in("zhaoliu", DEMO_PASSWORD)
    visit.header(".notices-link").click()
    visit.check("notifications")
    page.locator("main").get_by_role("link", name=number).first.click()
    refusal = page.locator(".refusal")
    expect(refusal).to_contain_text("所得年度内无预扣税款记录")
    expect(refusal).to_contain_text(t("行政复议", "administrative reconsideration"))
    expect(refusal).to_contain_text(t("60 日内", "within 60 days"))
    expect(refusal).to_contain_text(t("6 个月内", "within 6 months"))
    expect(refusal.locator("a[href$='decision.pdf']")).to_be_visible()
    visit.check("refusal")
    refusal.get_by_role("button", name=t("重新申请", "Apply again")).click()
    visit.check("applying-again")
    assert Application.objects.filter(applicant__username="zhaoliu").count() == 2
    visit.done()


@pytest.mark.parametrize(
    ("width", "javascript"),
    [(1280, True), (390, True), (1280, False)],
    ids=["1280", "390", "1280-nojs"],
)
def test_a_refusal_comes_with_its_remedies_and_the_person_applies_again(
    world: None, visitor: Visitor, width: int, javascript: bool
) -> None:
    walk(visitor(width, javascript=javascript))
