"""Journey 6: the city-wide auditor signs in to the back office, sees what they audit (all
departments, assigned by the audit office), goes through the pages an auditor uses (reads,
sharing grants, the catalogue, objections, policy supervision, the public transparency
report) and answers an objection that the reading department left past its deadline."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ledger.services import ledger_sequence_all
from portal.accounts.models import User
from portal.composition.demo.accounts import DEMO_PASSWORD
from portal.departments.models import Department
from portal.exchange.models import Access, Objection
from portal.exchange.objections import objection_raise, objections_escalate_overdue
from portal.exchange.services import Reader, exchange_read
from tests.browser.journeys.checks import Visit
from tests.browser.journeys.conftest import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILES = [
    ("our-reads", "/backoffice/exchange/reads/"),
    ("grants", "/backoffice/exchange/grants/"),
    ("catalogue", "/backoffice/exchange/datasets/"),
    ("supervision", "/policies/supervision/"),
    ("objections", "/backoffice/exchange/objections/"),
]


def walk(visit: Visit) -> None:
    page, t = visit.page, visit.t
    person = User.objects.get(username="wangwu")
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
    ledger_sequence_all()
    access = Access.objects.filter(reader_department__code="mzj").latest("pk")
    objection = objection_raise(access=access, user=person, text="我没有申请救助。", firm_id=None)
    Objection.objects.filter(pk=objection.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert objections_escalate_overdue() == 1  # the beat, the day after the deadline

    visit.sign_in("sjj.auditor", DEMO_PASSWORD, staff=True)
    expect(page.locator("main .facts")).to_contain_text(t("全部部门", "All departments"))
    visit.check("home")
    for name, path in TILES:
        visit.go("/backoffice/")
        page.locator(f"main .tiles a[href='{path}']").click()
        visit.check(name)
    row = page.locator("tr", has_text=objection.reference)
    expect(row).to_contain_text(t("已提交审计", "Sent to the auditors"))
    row.get_by_role("link", name=objection.reference).click()
    visit.check("objection")
    page.locator("textarea").first.fill("已督促民政局说明情况并整改。")
    visit.button("发送答复", "Send the answer")
    expect(page.locator(".messages")).to_be_visible()
    visit.check("objection-answered")
    page.locator("footer").get_by_role("link", name=t("透明度报告", "Transparency report")).click()
    visit.check("transparency-report")
    visit.done()


@pytest.mark.parametrize(
    ("width", "javascript"),
    [(1280, True), (390, True), (1280, False)],
    ids=["1280", "390", "1280-nojs"],
)
def test_the_auditor_sees_their_scope_and_answers_an_escalated_objection(
    world: None, visitor: Visitor, width: int, javascript: bool
) -> None:
    walk(visitor(width, javascript=javascript))
