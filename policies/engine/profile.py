"""From the departments' records (as the exchange returned them) to a matching profile.

Pure Python: the exchange calls live in ``policies.services.firm_profile_refresh``; this
module only turns their answers into figures (``policies.engine.rules.FIELDS``), says where each
figure came from, and why the others are unknown.

A missing figure's reason is a small code, ``<dataset>|<reason>|<reader department>``,
where the reason is the exchange's refusal (``no_grant``, ``not_shared`` …), ``narrowed``
(the field is outside the reader's grant), ``unknown_subject`` (the register has no record)
``no_value`` (the record leaves the figure empty) or ``not_declared`` (no dataset holds it
and the firm has not declared it).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from policies.engine.codes import SECTIONS

# The datasets a profile is built from, the fields asked for, and the profile figures.
PROFILE_DATASETS: dict[str, tuple[str, ...]] = {
    "scjg.business_registration": (
        "registered_capital",
        "established_on",
        "industry_code",
        "status",
    ),
    "rsj.social_insurance": ("insured_headcount", "contribution_months", "in_arrears"),
    "swj.tax_credit": ("rating", "year"),
    "swj.tax_paid": ("year", "revenue", "rd_expense", "tax_paid"),
    "kjj.high_tech_certificate": ("certificate_number", "valid_until"),
}
# profile figure ← (dataset, field)
FIGURES: dict[str, tuple[str, str]] = {
    "registered_capital": ("scjg.business_registration", "registered_capital"),
    "age_years": ("scjg.business_registration", "established_on"),
    "industry_code": ("scjg.business_registration", "industry_code"),
    "registration_status": ("scjg.business_registration", "status"),
    "headcount": ("rsj.social_insurance", "insured_headcount"),
    "contribution_months": ("rsj.social_insurance", "contribution_months"),
    "in_arrears": ("rsj.social_insurance", "in_arrears"),
    "tax_credit_rating": ("swj.tax_credit", "rating"),
    "revenue": ("swj.tax_paid", "revenue"),
    "rd_expense": ("swj.tax_paid", "rd_expense"),
    "tax_paid": ("swj.tax_paid", "tax_paid"),
}
_NUMBERS = frozenset(
    {"registered_capital", "headcount", "contribution_months", "revenue", "rd_expense", "tax_paid"}
)
# Figures a firm may declare itself (used for matching only, never to grant without applying).
DECLARABLE = ("headcount", "revenue", "rd_expense", "tax_paid")
# Qualifications a firm may declare; high_tech comes from the science bureau's register.
DECLARABLE_CERTIFICATES = ("tech_sme", "specialised", "little_giant", "first_set")


def industry_section(code: str) -> str | None:
    """The GB/T 4754 section (门类) letter of an industry code such as ``6511`` (→ ``I``)."""
    if len(code) < 2 or not code[:2].isdigit():
        return None
    division = int(code[:2])
    for letter, _zh, _en, low, high in SECTIONS:
        if low <= division <= high:
            return letter
    return None


def firm_size(headcount: float | None, revenue: float | None) -> str | None:
    """Size class after 工信部联企业〔2011〕300号 (industrial thresholds, applied to all).

    Micro: under 20 employees or under 3 million yuan revenue; small: from 20 and 3 million;
    medium: from 300 and 20 million; large: from 1 000 and 400 million. None if undecidable.
    """
    if (headcount is not None and headcount < 20) or (revenue is not None and revenue < 300):
        return "micro"
    if headcount is None or revenue is None:
        return None
    if headcount >= 1000 and revenue >= 40000:
        return "large"
    if headcount >= 300 and revenue >= 2000:
        return "medium"
    return "small"


def whole_years(since: dt.date, today: dt.date) -> int:
    years = today.year - since.year
    if (today.month, today.day) < (since.month, since.day):
        years -= 1
    return max(years, 0)


@dataclass(frozen=True)
class DatasetAnswer:
    """What the exchange answered for one dataset: the data, or why not."""

    granted: bool
    reason: str
    data: Mapping[str, object] | None = None
    access_id: str = ""


@dataclass
class AssembledProfile:
    values: dict[str, object] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    access_ids: list[str] = field(default_factory=list)


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(str(value))
    except ValueError:
        return None


def assemble(
    *,
    answers: Mapping[str, DatasetAnswer],
    reader: str,
    region: str,
    fallback_industry: str,
    fallback_registered_on: dt.date | None,
    declared: Mapping[str, object] | None,
    today: dt.date,
) -> AssembledProfile:
    """Turn the exchange's answers (and, if given, the firm's declaration) into a profile."""
    p = AssembledProfile()
    p.access_ids = [a.access_id for a in answers.values() if a.access_id]
    p.values["region"], p.sources["region"] = region, "portal"

    def put(name: str, value: object, source: str) -> None:
        p.values[name] = value
        p.sources[name] = source
        p.missing.pop(name, None)

    for name, (dataset, source_field) in FIGURES.items():
        answer = answers.get(dataset)
        if answer is None:
            p.missing[name] = f"{dataset}|not_asked|{reader}"
            continue
        if not answer.granted:
            p.missing[name] = f"{dataset}|{answer.reason}|{reader}"
            continue
        data = answer.data or {}
        if source_field not in data:
            p.missing[name] = f"{dataset}|narrowed|{reader}"
            continue
        raw = data[source_field]
        if name == "age_years":
            value: object = (
                whole_years(dt.date.fromisoformat(str(raw)), today) if raw is not None else None
            )
        elif name in _NUMBERS:
            value = _number(raw)
            if value is None:
                # The record leaves the figure empty: unknown (data incomplete), which the
                # firm's declaration may fill, not a figure of nothing.
                p.missing[name] = f"{dataset}|no_value|{reader}"
                continue
        else:
            value = raw
        put(name, value, dataset)

    # Portal records fill what the register could not say.
    if "industry_code" not in p.values and fallback_industry:
        put("industry_code", fallback_industry, "portal")
    if "age_years" not in p.values and fallback_registered_on is not None:
        put("age_years", whole_years(fallback_registered_on, today), "portal")

    # What the firm declares fills the remaining gaps (never overrides a register).
    declared = declared or {}
    for name in DECLARABLE:
        value = _number(declared.get(name))
        if name not in p.values and value is not None:
            put(name, value, "declared")

    # Derived figures.
    code = p.values.get("industry_code")
    if isinstance(code, str) and code:
        section = industry_section(code)
        if section:
            put("industry_section", section, p.sources["industry_code"])
    elif "industry_code" in p.missing:
        p.missing["industry_section"] = p.missing["industry_code"]
    revenue, rd = p.values.get("revenue"), p.values.get("rd_expense")
    if "revenue" in p.values and "rd_expense" in p.values:
        if isinstance(revenue, float) and revenue > 0:
            ratio = round(100 * (rd if isinstance(rd, float) else 0.0) / revenue, 2)
            put("rd_ratio", ratio, "derived")
        else:
            put("rd_ratio", None, "derived")
    else:
        p.missing["rd_ratio"] = p.missing.get("rd_expense") or p.missing.get("revenue", "")
    headcount, revenue_n = p.values.get("headcount"), p.values.get("revenue")
    size = firm_size(
        headcount if isinstance(headcount, float) else None,
        revenue_n if isinstance(revenue_n, float) else None,
    )
    if size is not None:
        put("firm_size", size, "derived")
    else:
        p.missing["firm_size"] = p.missing.get("headcount") or p.missing.get("revenue", "")

    # Certificates: the set held, and the set whose status is known (three-valued "contains").
    held: set[str] = set()
    known: set[str] = set()
    cert = answers.get("kjj.high_tech_certificate")
    if cert is not None and cert.granted:
        known.add("high_tech")
        until = (cert.data or {}).get("valid_until")
        if until is None or dt.date.fromisoformat(str(until)) >= today:
            held.add("high_tech")
    elif cert is not None and cert.reason == "unknown_subject":
        known.add("high_tech")  # the register has no certificate for this firm
    elif cert is not None:
        p.missing["certificates"] = f"kjj.high_tech_certificate|{cert.reason}|{reader}"
    declared_certs = declared.get("certificates")
    if isinstance(declared_certs, list):
        known.update(DECLARABLE_CERTIFICATES)
        held.update(c for c in declared_certs if c in DECLARABLE_CERTIFICATES)
    p.values["certificates"] = sorted(held)
    p.values["certificates__known"] = sorted(known)
    p.sources["certificates"] = "kjj.high_tech_certificate" + (
        "+declared" if isinstance(declared_certs, list) else ""
    )
    if "certificates" not in p.missing:
        p.missing["certificates"] = "|not_declared|"
    return p
