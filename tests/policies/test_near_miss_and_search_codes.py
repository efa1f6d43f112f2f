"""差一点符合 is precise (one small numeric gap, nothing unknown), 数据不全 is missing data;
the search takes region and industry codes from their lists and says when one is not."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from policies.engine.matching import (
    ELIGIBLE,
    INELIGIBLE,
    NEAR_MISS,
    UNKNOWN,
    Benefit,
    compile_policy,
)
from policies.engine.profile import assemble, industry_section

pytestmark = pytest.mark.django_db

FIRM = {
    "region": "330100",
    "industry_code": "6511",
    "industry_section": "I",
    "age_years": 7,
    "revenue": 1700.0,
    "headcount": 86.0,
    "contribution_months": 10.0,
    "in_arrears": False,
    "certificates": [],
    "certificates__known": ["high_tech"],
}


def outcome(*conditions: dict[str, object], values: dict[str, object] = FIRM) -> str:
    policy = compile_policy(
        policy_id=1,
        version=1,
        region="330100",
        industries=[],
        firm_sizes=[],
        eligibility={"all": list(conditions)},
        benefit=Benefit(kind="fixed", amount=Decimal(5)),
    )
    return policy.classify(values)


def c(field: str, op: str, value: object) -> dict[str, object]:
    return {"field": field, "op": op, "value": value}


def test_near_miss_is_one_small_numeric_gap() -> None:
    assert outcome(c("revenue", "gte", 2000)) == NEAR_MISS  # 15 % short
    assert outcome(c("revenue", "gte", 2200)) == INELIGIBLE  # 23 % short: not almost
    assert outcome(c("headcount", "lte", 80)) == NEAR_MISS  # 7.5 % over a ceiling
    assert outcome(c("headcount", "between", [90, 500])) == NEAR_MISS
    assert outcome(c("contribution_months", "gte", 12)) == NEAR_MISS  # time will tell


def test_a_seven_year_old_firm_is_not_almost_a_five_year_start_up() -> None:
    assert outcome(c("age_years", "lte", 5), c("in_arrears", "eq", False)) == INELIGIBLE
    assert outcome(c("age_years", "lte", 6)) == INELIGIBLE  # within 20 %, but age only grows


def test_categorical_gaps_and_unknowns_are_never_almost() -> None:
    high_tech = c("certificates", "contains", "high_tech")
    assert outcome(high_tech) == INELIGIBLE
    assert outcome(c("in_arrears", "eq", True)) == INELIGIBLE
    # One small gap, but another figure is unknown: not "almost".
    assert outcome(c("revenue", "gte", 2000), c("tax_paid", "gte", 10)) == INELIGIBLE
    # Only missing data: 数据不全.
    assert outcome(c("tax_paid", "gte", 10), c("headcount", "gte", 10)) == UNKNOWN
    assert outcome(c("headcount", "gte", 10)) == ELIGIBLE


def test_an_empty_figure_in_a_record_is_missing_data_not_zero() -> None:
    """The tax record of a firm that reported no R&D figure: unknown, which the firm's
    declaration fills, not a figure that fails every threshold."""
    from policies.engine.profile import DatasetAnswer

    answers = {
        "swj.tax_paid": DatasetAnswer(
            granted=True, reason="grant", data={"revenue": "45", "rd_expense": None}
        )
    }
    kwargs = {
        "answers": answers,
        "reader": "jxj",
        "region": "330100",
        "fallback_industry": "7259",
        "fallback_registered_on": None,
        "today": __import__("datetime").date(2026, 1, 1),
    }
    profile = assemble(declared=None, **kwargs)
    assert "rd_expense" not in profile.values
    assert profile.missing["rd_expense"] == "swj.tax_paid|no_value|jxj"
    declared = assemble(declared={"rd_expense": "12"}, **kwargs)
    assert declared.values["rd_expense"] == 12 and declared.sources["rd_expense"] == "declared"


def test_industry_sections_follow_gb_t_4754_2017() -> None:
    assert industry_section("6511") == "I" and industry_section("9600") == "S"
    assert industry_section("9700") == "T"  # international organisations


def test_search_offers_lists_and_refuses_unknown_codes(client: Client) -> None:
    page = client.get(reverse("policies:search"))
    body = page.content.decode()
    assert '<select name="region"' in body and "杭州市（330100）" in body
    assert '<select name="industry"' in body and "65 软件和信息技术服务业" in body
    assert '<optgroup label="C 制造业">' in body
    assert client.get(reverse("policies:search"), {"region": "330100"}).status_code == 200
    assert client.get(reverse("policies:search"), {"industry": "6511"}).status_code == 200
    wrong = client.get(reverse("policies:search"), {"region": "123456", "industry": "X9"})
    assert wrong.status_code == 400
    text = wrong.content.decode()
    assert "“123456”不是列表中的行政区划" in text and "“X9”不是 GB/T 4754" in text
    api = client.get("/api/v1/policies/", {"region": "abc"})
    assert api.status_code == 400 and "不是列表中的行政区划" in api.content.decode()
