"""Condition results in words, for pages and the API (translated; the engine itself is pure)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from policies.constants import BenefitBase, BenefitKind, Certificate, FirmSize
from policies.engine import codes
from policies.engine.evaluation import ConditionResult, Truth
from policies.models import Policy
from portal.core.bilingual import list_separator
from portal.core.money import figure, money_wan, percent, percentage
from portal.departments.models import Department
from portal.exchange.constants import ReadReason
from portal.exchange.models import Dataset

FIELD_LABELS = {
    "industry_code": gettext_lazy("Industry code"),
    "industry_section": gettext_lazy("Industry section"),
    "region": gettext_lazy("Region of registration"),
    "registration_status": gettext_lazy("Registration status"),
    "age_years": gettext_lazy("Years since registration"),
    "registered_capital": gettext_lazy("Registered capital"),
    "headcount": gettext_lazy("Insured employees"),
    "contribution_months": gettext_lazy("Months of contributions"),
    "in_arrears": gettext_lazy("Social insurance arrears"),
    "revenue": gettext_lazy("Revenue last year"),
    "rd_expense": gettext_lazy("R&D expense last year"),
    "rd_ratio": gettext_lazy("R&D expense as a share of revenue"),
    "tax_paid": gettext_lazy("Tax paid last year"),
    "tax_credit_rating": gettext_lazy("Tax credit rating"),
    "firm_size": gettext_lazy("Firm size"),
    "certificates": gettext_lazy("Qualifications"),
}
OP_LABELS = {
    "eq": gettext_lazy("is"),
    "ne": gettext_lazy("is not"),
    "in": gettext_lazy("is one of"),
    "not_in": gettext_lazy("is none of"),
    "prefix": gettext_lazy("starts with"),
    "gt": gettext_lazy("is above"),
    "gte": gettext_lazy("is at least"),
    "lt": gettext_lazy("is below"),
    "lte": gettext_lazy("is at most"),
    "between": gettext_lazy("is between"),
    "exists": gettext_lazy("is on record"),
    "contains": gettext_lazy("include"),
    "contains_any": gettext_lazy("include one of"),
}
MONEY = {"registered_capital", "revenue", "rd_expense", "tax_paid"}
# The registration statuses of the business register (国家企业信用信息公示系统), in English.
REGISTRATION_STATUS_EN = {
    "存续": "In business",
    "在业": "In business",
    "开业": "In business",
    "迁出": "Moved out",
    "停业": "Suspended",
    "清算": "In liquidation",
    "吊销": "Licence revoked",
    "注销": "Deregistered",
}
SOURCE_LABELS = {
    "portal": gettext_lazy("the portal's firm register"),
    "declared": gettext_lazy("declared by the firm"),
    "derived": gettext_lazy("computed from the figures above"),
}


def _scalar(name: str, value: object) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "certificates" and isinstance(value, str) and value in Certificate.values:
        return str(Certificate(value).label)
    if name == "firm_size" and isinstance(value, str) and value in FirmSize.values:
        return str(FirmSize(value).label)
    if name == "registration_status" and _english():
        return REGISTRATION_STATUS_EN.get(str(value), str(value))
    if name in MONEY:
        return money_wan(value) or str(value)
    if name == "rd_ratio":
        return percentage(value) or str(value)
    if isinstance(value, int | float):
        return figure(value)
    return str(value)


def value_text(name: str, value: object) -> str:
    if value is None:
        return _("none on record")
    if isinstance(value, list | tuple | set):
        if not value:
            return _("none")
        return list_separator().join(_scalar(name, v) for v in value)
    return _scalar(name, value)


def _region_name(prefix: str) -> str:
    """A GB/T 2260 prefix (3301) as the region's name (杭州市), from the search's list."""
    english = _english()
    for code, zh, en in codes.REGIONS:
        if code == prefix.ljust(6, "0"):
            return en if english else zh
    return prefix


def _industry_name(code: str) -> str:
    english = _english()
    division = codes.DIVISIONS.get(code[:2])
    if len(code) == 2 and division is not None:
        return f"{code} {division[1] if english else division[0]}"
    for letter, zh, en, _first, _last in codes.SECTIONS:
        if letter == code:
            return f"{letter} {en if english else zh}"
    return code


def condition_text(c: ConditionResult) -> str:
    if c.field == "region" and c.op == "prefix":
        prefixes = c.expected if isinstance(c.expected, list) else [c.expected]
        return _("Registered in %(region)s") % {
            "region": list_separator().join(_region_name(str(p)) for p in prefixes)
        }
    if c.field in ("industry_code", "industry_section") and c.op in ("prefix", "in"):
        wanted = c.expected if isinstance(c.expected, list) else [c.expected]
        return _("Industry: %(industries)s") % {
            "industries": list_separator().join(_industry_name(str(w)) for w in wanted)
        }
    field = str(FIELD_LABELS.get(c.field, c.field))
    op = str(OP_LABELS.get(c.op, c.op))
    if c.op == "exists":
        return f"{field} {op}"
    if c.op == "between" and isinstance(c.expected, list) and len(c.expected) == 2:
        low, high = (value_text(c.field, v) for v in c.expected)
        return f"{field} {op} {low} – {high}"
    return f"{field} {op} {value_text(c.field, c.expected)}"


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _names(rows: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    english = _english()
    return {code: (en if english and en else zh) for code, zh, en in rows}


def department_name(department: Department) -> str:
    """The department's name in the page's language."""
    return department.name_en if _english() and department.name_en else department.name


class Names:
    """Dataset and department names for explanations, in the page's language (loaded once
    per page)."""

    def __init__(self) -> None:
        self.datasets = _names(Dataset.objects.values_list("code", "name", "name_en"))
        self.departments = _names(Department.objects.values_list("code", "name", "name_en"))

    def dataset(self, code: str) -> str:
        return self.datasets.get(code, code)

    def department(self, code: str) -> str:
        return self.departments.get(code, code)


def missing_text(reason: str, names: Names) -> str:
    """Why a figure is unknown, from ``<dataset>|<reason>|<reader department>``."""
    dataset, _sep, rest = reason.partition("|")
    code, _sep, reader = rest.partition("|")
    args = {"dataset": names.dataset(dataset), "reader": names.department(reader)}
    if code == "not_declared":
        return _("No department's data holds this; the firm can declare it.")
    if code == "narrowed":
        return _("%(reader)s's sharing grant for %(dataset)s does not include this field.") % args
    if code == "no_grant":
        return _("%(reader)s has no sharing grant for %(dataset)s.") % args
    if code == "no_value":
        return _("%(dataset)s holds no value for this figure; the firm can declare it.") % args
    if code == "unknown_subject":
        return _("%(dataset)s has no record of this firm.") % args
    if code in ReadReason.values:
        return _("%(dataset)s was not read: %(why)s.") % {
            **args,
            "why": ReadReason(code).label,
        }
    if not rest:
        return _("No data.")
    return _("%(dataset)s could not be read.") % args


def source_text(source: str, names: Names) -> str:
    if source in SOURCE_LABELS:
        return str(SOURCE_LABELS[source])
    if "+declared" in source:
        return _("%(dataset)s, and declared by the firm") % {
            "dataset": names.dataset(source.split("+")[0])
        }
    return names.dataset(source)


@dataclass(frozen=True)
class Line:
    status: str  # met | not_met | unknown
    text: str
    check: str
    actual: str
    source: str
    why_unknown: str


def lines(
    conditions: Iterable[ConditionResult], sources: Mapping[str, object], names: Names
) -> list[Line]:
    out = []
    # A rule's labels are the policy's own (Chinese) words; English pages say the condition.
    use_labels = not _english()
    for c in conditions:
        source = sources.get(c.field)
        out.append(
            Line(
                status=c.truth.value,
                text=(c.label if use_labels else "") or condition_text(c),
                check=condition_text(c),
                actual="" if c.truth is Truth.UNKNOWN else value_text(c.field, c.actual),
                source=source_text(str(source), names) if isinstance(source, str) else "",
                why_unknown=missing_text(c.reason, names) if c.truth is Truth.UNKNOWN else "",
            )
        )
    return out


def amount_text(amount: Decimal | None) -> str:
    """An amount in 10 000 yuan, in words (``portal.core.money``)."""
    return "" if amount is None else money_wan(amount)


def benefit_text(policy: Policy) -> str:
    """What the policy gives, in the page's language: ``20 万元``, ``研发费用的 10%，最高
    200 万元`` / ``10% of R&D expense, at most ¥2,000,000``, with its note."""
    if policy.benefit_kind == BenefitKind.FIXED and policy.benefit_amount is not None:
        text = money_wan(policy.benefit_amount)
    elif policy.benefit_kind == BenefitKind.SHARE and policy.benefit_rate is not None:
        base = (
            str(BenefitBase(policy.benefit_base).label)
            if policy.benefit_base in BenefitBase.values
            else policy.benefit_base
        )
        text = _("%(r)s of %(base)s") % {"r": percent(policy.benefit_rate), "base": base}
        if policy.benefit_cap is not None:
            text += _(", at most %(n)s") % {"n": money_wan(policy.benefit_cap)}
    else:
        text = str(BenefitKind.NONE.label)
    note = policy.display_benefit_note
    return f"{text} · {note}" if note else text
