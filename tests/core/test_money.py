"""The one formatter of money and ratios (portal.core.money), in Python and in templates."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.core.money import figure, money_wan, money_yuan, percent, percentage


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (Decimal("50"), "50 万元", "¥500,000"),  # Decimal("50").normalize() prints 5E+1
        (Decimal("1E+2"), "100 万元", "¥1,000,000"),
        (Decimal("12.9"), "12.90 万元", "¥129,000"),  # never 12.9 next to 12.90
        (Decimal("12.90"), "12.90 万元", "¥129,000"),
        (Decimal("309.05"), "309.05 万元", "¥3,090,500"),
        (Decimal("0.15"), "0.15 万元", "¥1,500"),
        (12345.5, "12,345.50 万元", "¥123,455,000"),
        ("86.00", "86 万元", "¥860,000"),
    ],
)
def test_amounts_in_ten_thousand_yuan(value: object, zh: str, en: str) -> None:
    with translation.override("zh-hans"):
        assert money_wan(value) == zh
    with translation.override("en"):
        assert money_wan(value) == en


def test_yuan_ratios_figures_and_what_is_not_a_number() -> None:
    with translation.override("zh-hans"):
        assert money_yuan(Decimal("1500")) == "1,500 元"
        assert money_yuan("1500.5") == "1,500.50 元"
    assert percent(Decimal("0.1")) == "10%"
    assert percent(Decimal("0.035")) == "3.5%"
    assert percent("0.1000") == "10%"
    assert percentage(16.54) == "16.54%" and percentage(3.0) == "3%"
    assert figure(1200.0) == "1,200" and figure(3.25) == "3.25" and figure(3.14159, 1) == "3.1"
    for nothing in (None, True, "abc", float("nan"), object()):
        assert money_wan(nothing) == "" and percent(nothing) == "" and figure(nothing) == ""


def test_the_same_functions_are_template_filters() -> None:
    template = Template(
        "{% load money %}{{ a|wan }} · {{ r|percent }} · {{ p|percentage }} · {{ n|figure:1 }}"
    )
    context = Context({"a": Decimal("5E+1"), "r": Decimal("0.1"), "p": 16.5, "n": 2.25})
    with translation.override("zh-hans"):
        assert template.render(context) == "50 万元 · 10% · 16.5% · 2.3"
    with translation.override("en"):
        assert template.render(context).startswith("¥500,000 · 10%")
