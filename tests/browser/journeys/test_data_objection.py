"""Journey 5: a person sees who used their data, objects to one read, the reading
department's administrator takes it under review and answers, and the person reads the answer
(from the notification) on the objection's page."""

import pytest
from playwright.sync_api import expect

from ledger.services import ledger_sequence_all
from portal.accounts.models import User
from portal.composition.demo.accounts import DEMO_PASSWORD
from portal.departments.models import Department
from portal.exchange.models import Objection
from portal.exchange.services import Reader, exchange_read
from tests.browser.journeys.checks import Visit
from tests.browser.journeys.conftest import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def walk(visit: Visit) -> None:
    page, t = visit.page, visit.t
    person = User.objects.get(username="lisi")
    exchange_read(
        reader=Reader(
            department=Department.objects.get(code="mzj"),
            user=User.objects.get(username="mzj.reviewer"),
        ),
        dataset_code="gaj.household_registration",
        subject_identifier=person.id_number or "",
        fields=["address"],
        purpose="社会救助审核",
    )
    ledger_sequence_all()  # what the worker does after the read commits

    visit.sign_in("lisi", DEMO_PASSWORD)
    visit.header_link("谁用了我的数据", "Who used my data")
    visit.check("data-uses")
    row = page.locator("tr[data-department='mzj']").first
    row.get_by_role("link", name=t("提出异议", "Object")).click()
    visit.check("objection-form")
    visit.button("提交异议", "Send the objection")
    expect(page.locator(".error-summary")).to_be_visible()
    visit.check("objection-form-error")
    page.locator("textarea").first.fill("我没有申请过社会救助，民政局不应读取我的户籍地址。")
    visit.button("提交异议", "Send the objection")
    objection = Objection.objects.get()
    expect(page.locator(".reference")).to_have_text(objection.reference)
    visit.check("objection-filed")
    visit.sign_out()

    visit.sign_in("mzj.department_admin", DEMO_PASSWORD, staff=True)
    page.locator("main a[href='/backoffice/exchange/objections/']").click()
    visit.check("staff-objections")
    page.get_by_role("link", name=objection.reference).click()
    visit.check("staff-objection")
    visit.button("开始处理", "Take under review")
    visit.check("staff-objection-under-review")
    page.locator("textarea").first.fill("经核查，系工作人员误选对象，已删除读取结果并加强复核。")
    visit.button("发送答复", "Send the answer")
    expect(page.locator(".messages")).to_be_visible()
    visit.check("staff-objection-answered")
    visit.sign_out()

    visit.sign_in("lisi", DEMO_PASSWORD)
    visit.header(".notices-link").click()
    visit.check("notifications")
    page.locator("main").get_by_role("link", name=objection.reference).first.click()
    expect(page.locator(".answer")).to_contain_text("已删除读取结果并加强复核")
    visit.check("objection-answered")
    visit.done()


@pytest.mark.parametrize(
    ("width", "javascript"),
    [(1280, True), (390, True), (390, False)],
    ids=["1280", "390", "390-nojs"],
)
def test_who_used_my_data_objection_and_the_answer_seen(
    world: None, visitor: Visitor, width: int, javascript: bool
) -> None:
    walk(visitor(width, javascript=javascript))
