"""Profiles through the exchange (every read in the ledger), explanations, "policies for me"."""

from django.urls import reverse

from ledger.models import PendingEvent
from policies import explain, selectors, services
from policies.constants import PURPOSE_MATCHING
from policies.engine.evaluation import Profile, Truth
from policies.models import FirmProfile, Policy
from portal.accounts.models import User
from portal.exchange.models import Access
from portal.exchange.services import subject_hash_for
from tests.policies.conftest import act_for


def test_profile_is_assembled_through_the_exchange_and_every_read_is_in_the_ledger(city):
    """Five reads by the matching reader (jxj's system), each an access and a ledger event;
    a field outside jxj's grant (tax paid) is unknown with the reason."""
    firm = city.firms[0]
    before = PendingEvent.objects.count()
    profile = services.firm_profile_refresh(firm=firm)
    reads = Access.objects.filter(subject_hash=subject_hash_for(firm.uscc))
    assert reads.count() == 5
    assert {a.reader_department.code for a in reads} == {"jxj"}
    assert {a.purpose for a in reads} == {PURPOSE_MATCHING}
    assert PendingEvent.objects.count() - before == 5
    assert PendingEvent.objects.filter(id__in=[a.ledger_event_id for a in reads]).count() == 5
    assert profile.reader == "jxj-system"
    values = profile.values
    assert values["headcount"] == 86 and values["tax_credit_rating"] == "A"
    assert values["industry_section"] == "I" and values["firm_size"] == "small"
    assert values["certificates"] == ["high_tech"]
    assert "tax_paid" not in values
    assert profile.missing["tax_paid"] == "swj.tax_paid|narrowed|jxj"
    assert profile.sources["rd_expense"] == "swj.tax_paid"


def test_another_reader_sees_less_and_the_unknowns_say_why(city, settings):
    """Read by the health commission: no grant on tax paid or social insurance."""
    settings.POLICIES_PROFILE_READER = "wjw-system"
    profile = services.firm_profile_refresh(firm=city.firms[0])
    assert profile.missing["revenue"] == "swj.tax_paid|no_grant|wjw"
    assert profile.missing["in_arrears"] == "rsj.social_insurance|no_grant|wjw"
    assert profile.values["tax_credit_rating"] == "A"
    names = explain.Names()
    text = explain.missing_text(profile.missing["revenue"], names)
    assert "市卫生健康委员会" in text and "纳税和营业收入" in text
    # The science bureau's grant covers revenue and R&D but not the tax paid.
    settings.POLICIES_PROFILE_READER = "kjj-system"
    profile = services.firm_profile_refresh(firm=city.firms[0])
    assert profile.missing["tax_paid"] == "swj.tax_paid|narrowed|kjj"
    assert profile.missing["in_arrears"] == "rsj.social_insurance|narrowed|kjj"
    assert profile.values["headcount"] == 86


def test_explanations_of_a_match(demo_city):
    """Each condition says met / not met / unknown, with the value and its source or the
    reason it is unknown."""
    firm = demo_city.firms[1]  # 西湖生物医药: manufacturing, A rating
    profile = FirmProfile.objects.get(firm=firm)
    policy = Policy.objects.get(title="工业企业技术改造补助")
    evaluation = selectors.explain_for(policy, Profile(profile.values, profile.missing))
    assert evaluation.truth is Truth.UNKNOWN
    lines = explain.lines(evaluation.conditions, profile.sources, explain.Names())
    by_status = {line.status: line for line in lines}
    unknown = by_status["unknown"]
    assert unknown.text == "上年度纳税额不低于100万元"
    assert "does not include this field" in unknown.why_unknown or "不包括" in unknown.why_unknown
    met = [line for line in lines if line.status == "met"]
    assert any(line.actual == "A" and "纳税信用等级" in line.source for line in met)
    # A missing certificate is not "almost": the R&D centre award is not a near miss.
    near = selectors.firm_matches(profile=profile).near_misses
    assert not any(m.policy.title == "企业研发机构建设奖励" for m in near)


def test_declaration_fills_gaps_but_never_overrides_the_departments(demo_city):
    firm = demo_city.firms[1]
    user = User.objects.get(username="lisi")
    services.firm_declaration_save(
        firm=firm,
        user=user,
        data={"tax_paid": "2100", "headcount": "1", "certificates": ["specialised"]},
    )
    profile = FirmProfile.objects.get(firm=firm)
    assert profile.values["tax_paid"] == 2100 and profile.sources["tax_paid"] == "declared"
    assert profile.values["headcount"] == 420  # the register wins
    assert "specialised" in profile.values["certificates"]
    eligible = {m.policy.title for m in selectors.firm_matches(profile=profile).eligible}
    assert {"工业企业技术改造补助", "省级专精特新中小企业奖励"} <= eligible


def test_policies_for_me_page(demo_city, client, django_assert_max_num_queries):
    """An agent acting for the firm sees eligible policies with amounts and reasons, then
    possible ones and near misses with what is missing."""
    firm = demo_city.firms[0]
    FirmProfile.objects.filter(firm=firm).delete()
    act_for(client, User.objects.get(username="lisi"), firm)  # lisi is the firm's agent
    page = client.get(reverse("policies:for_me"))
    assert "policies/for-me/refresh/" in page.content.decode()
    assert client.post(reverse("policies:for_me_refresh")).status_code == 302
    with django_assert_max_num_queries(25):
        page = client.get(reverse("policies:for_me"))
    text = page.content.decode()
    assert page.status_code == 200
    eligible_part = text.split('id="unknown-h"')[0]
    assert "杭州市企业研发费用补助" in eligible_part and "86" in eligible_part
    assert "研发费用占营业收入比例不低于3%" in eligible_part
    # Seven years old for "at most 5 years": not almost, whatever else holds.
    near_part = text.split('id="near-h"')[1].split('id="profile-h"')[0]
    assert "创业担保贷款贴息" not in near_part
    unknown_part = text.split('id="unknown-h"')[1].split('id="near-h"')[0]
    assert "专精特新" in unknown_part
    # The detail page checks the conditions for the firm.
    policy = Policy.objects.get(title="杭州市企业研发费用补助")
    detail = client.get(reverse("policies:detail", args=[policy.pk])).content.decode()
    assert "86" in detail and 'class="condition met"' in detail


def test_for_me_needs_a_firm(demo_city, client):
    client.force_login(User.objects.get(username="zhaoliu"))
    page = client.get(reverse("policies:for_me"))
    assert reverse("accounts:act_as") in page.content.decode()
    assert client.post(reverse("policies:for_me_refresh")).status_code == 403
