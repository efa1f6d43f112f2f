"""Journey 2: a firm's legal representative acts for the firm, applies once for a policy (one
confirmation, filed with the department that issued it) and, for a benefit granted without
applying (免申即享), first keeps it, then declines it after a confirmation."""

import pytest
from playwright.sync_api import expect

from policies.constants import AwardStatus
from policies.models import BenefitAward, Policy
from portal.accounts.models import Firm
from portal.composition.demo.accounts import DEMO_PASSWORD
from portal.services.models import Application
from tests.browser.journeys.checks import Visit
from tests.browser.journeys.conftest import EN, ZH, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRM = "杭城智能科技有限公司"


def walk(visit: Visit) -> None:
    page, t = visit.page, visit.t
    firm = Firm.objects.get(name=FIRM)
    policy = Policy.objects.get(document_number="杭科高〔2025〕8号")  # all materials fetched
    award = BenefitAward.objects.get(firm=firm, status=AwardStatus.GRANTED)

    visit.sign_in("zhangsan", DEMO_PASSWORD)
    visit.header_link("切换身份", "Switch identity")
    visit.check("act-as")
    page.locator(f"input[name=firm_id][value='{firm.pk}']").check()
    visit.button("切换", "Switch", exact=True)
    expect(page.locator(".who")).to_contain_text(FIRM)
    visit.check("acting-for-the-firm")
    visit.header_link("惠企政策", "Subsidy policies")
    visit.check("policies")
    visit.link("企业政策匹配", "Policies for my firm")
    visit.check("for-me")

    # Apply once: what is known is shown, the person gives a mobile number and confirms.
    page.get_by_role("link", name=t(policy.title, policy.title_en), exact=True).first.click()
    visit.check("policy")
    apply = page.locator("#apply-h").locator("xpath=..")
    expect(apply).to_contain_text(t("市科学技术局", "Municipal Science and Technology Bureau"))
    apply.locator("input[name=contact_phone]").fill("13900002222")
    apply.locator("input[name=declaration]").check()
    visit.button("确认并提交申报", "Confirm and file the application")
    application = Application.objects.get(firm=firm, applicant__username="zhangsan")
    assert application.department.code == "kjj" and application.status == "submitted"
    expect(page.locator("main")).to_contain_text(application.number)
    visit.check("filed")

    # 免申即享: the person first keeps the benefit, then declines it after a confirmation.
    visit.header_link("惠企政策", "Subsidy policies")
    visit.link("企业政策匹配", "Policies for my firm")
    awards = page.locator("#awards-h").locator("xpath=..")
    awards.get_by_role("link", name=t("放弃该资金", "Decline this benefit")).first.click()
    visit.check("decline-confirm")
    visit.link("不放弃，返回", "Keep the benefit")
    award.refresh_from_db()
    assert award.status == AwardStatus.GRANTED
    visit.check("kept")
    awards = page.locator("#awards-h").locator("xpath=..")
    awards.get_by_role("link", name=t("放弃该资金", "Decline this benefit")).first.click()
    visit.button("确认放弃", "Decline the benefit")
    expect(page.locator(".error-summary")).to_be_visible()  # the confirmation is required
    visit.check("decline-unconfirmed")
    page.locator("textarea[name=reason]").fill("本年度已获同类补助。")
    page.locator("input[name=confirm]").check()
    visit.button("确认放弃", "Decline the benefit")
    award.refresh_from_db()
    assert award.status == AwardStatus.DECLINED
    expect(page.locator("#awards-h").locator("xpath=..")).to_contain_text(
        t("企业已放弃", "Declined by the firm")
    )
    visit.check("declined")
    visit.done()


@pytest.mark.parametrize(
    ("width", "english", "javascript"),
    [
        (1280, ZH, True),
        (390, ZH, True),
        (1280, EN, True),
        (390, ZH, False),
    ],
    ids=["1280", "390", "1280-en", "390-nojs"],
)
def test_firm_applies_once_and_keeps_then_declines_a_grant(
    world: None, visitor: Visitor, width: int, english: bool, javascript: bool
) -> None:
    walk(visitor(width, english=english, javascript=javascript))
