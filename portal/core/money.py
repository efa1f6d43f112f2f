"""Money, ratios and figures as people read them: the one formatter of the whole site.

Python code calls the functions; templates use the same functions as filters
(``{% load money %}``, registered in ``settings.TEMPLATES`` as the ``money`` library)::

    {{ amount|wan }}         an amount in 10 000 yuan (万元), as policies and registers keep it
    {{ amount|yuan }}        an amount in yuan
    {{ rate|percent }}       a fraction: 0.1 → 10%
    {{ ratio|percentage }}   a value already in percent: 16.54 → 16.54%
    {{ value|figure }}       any other number: 1200.0 → 1,200

The rules (after the GOV.UK style guide, "Money" and "Numbers", and the way 浙里办 and 随申办
write amounts):

- never scientific notation (``Decimal("50").normalize()`` prints ``5E+1``), always digit
  grouping (``1,234``);
- an amount is whole, or has exactly two decimals: ``86``, ``12.90``, never ``12.9`` next to
  ``12.90`` and never ``86.00``;
- Chinese keeps the unit the text uses: ``86 万元``, ``1,500 元``; English has no 万, so an
  amount in 万元 is written in yuan with the currency sign: 309.05 万元 → ``¥3,090,500``;
- a ratio is a percentage with at most two decimals and no trailing zeros: ``10%``,
  ``16.54%``, ``3.5%`` (no space before %, as in the policy texts themselves).

Values that are not numbers (``None``, text that does not parse, ``True``) give ``""``, so that
a template can write ``{{ amount|wan|default:"—" }}``.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

register = template.Library()

TEN_THOUSAND = Decimal(10_000)


def _english() -> bool:
    return (get_language() or "").startswith("en")


def as_decimal(value: object) -> Decimal | None:
    """``value`` as a finite Decimal, or None (booleans are not numbers)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal, places: int, *, trim: bool) -> str:
    """``number`` rounded half up to ``places`` decimals, grouped by thousands, in plain
    notation. A whole result has no decimals; otherwise ``trim`` drops trailing zeros."""
    step = Decimal(1).scaleb(-places)
    rounded = number.quantize(step, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return f"{rounded:,.0f}"
    text = f"{rounded:,.{places}f}"
    return text.rstrip("0").rstrip(".") if trim else text


def amount_digits(value: object) -> str:
    """The digits of an amount: whole, or two decimals (``86``, ``12.90``, ``1,234.50``)."""
    number = as_decimal(value)
    return "" if number is None else _grouped(number, 2, trim=False)


@register.filter(name="yuan")
def money_yuan(value: object) -> str:
    """An amount in yuan: ``1,500 元`` in Chinese, ``¥1,500`` in English."""
    digits = amount_digits(value)
    if not digits:
        return ""
    return f"¥{digits}" if _english() else f"{digits} 元"


@register.filter(name="wan")
def money_wan(value: object) -> str:
    """An amount in 10 000 yuan: ``309.05 万元`` in Chinese, ``¥3,090,500`` in English."""
    number = as_decimal(value)
    if number is None:
        return ""
    if _english():
        return money_yuan(number * TEN_THOUSAND)
    return f"{_grouped(number, 2, trim=False)} 万元"


@register.filter(name="percent")
def percent(value: object) -> str:
    """A fraction as a percentage: 0.1 → ``10%``, 0.035 → ``3.5%``."""
    number = as_decimal(value)
    return "" if number is None else percentage(number * 100)


@register.filter(name="percentage")
def percentage(value: object) -> str:
    """A value already in percent: 16.54 → ``16.54%``, 3.0 → ``3%``."""
    number = as_decimal(value)
    return "" if number is None else f"{_grouped(number, 2, trim=True)}%"


@register.filter(name="figure")
def figure(value: object, places: int = 2) -> str:
    """Any other number (people, months, days, scores): grouped, at most ``places``
    decimals, no trailing zeros: 1200.0 → ``1,200``, 3.25 → ``3.25``."""
    number = as_decimal(value)
    return "" if number is None else _grouped(number, int(places), trim=True)
