"""Validation of a policy record: one clean record from what a form, the API or an import sent."""

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from policies.constants import (
    BenefitBase,
    BenefitKind,
    FirmSize,
    Topic,
)
from policies.engine.rules import RuleError, validate_rule
from portal.core.parsers import loads_bounded
from portal.departments.models import Department

EDITABLE_FIELDS = (
    "title",
    "title_en",
    "department",
    "document_number",
    "region",
    "published_on",
    "valid_from",
    "valid_until",
    "window_opens",
    "window_closes",
    "summary",
    "summary_en",
    "full_text",
    "full_text_en",
    "topics",
    "industries",
    "firm_sizes",
    "materials",
    "benefit_kind",
    "benefit_amount",
    "benefit_rate",
    "benefit_base",
    "benefit_cap",
    "benefit_note",
    "benefit_note_en",
    "eligibility",
    "grant_without_applying",
    "promised_days",
    "service_code",
)
_INDUSTRY = re.compile(r"^(?:[A-T]|\d{2,4})$")
_REGION = re.compile(r"^\d{6}$")
_DATASET = re.compile(r"^[a-z0-9_-]+\.[a-z0-9_.-]+$")


class _Errors(dict[str, str]):
    def check(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _text(
    raw: Mapping[str, object], name: str, errors: _Errors, *, limit: int, required: bool
) -> str:
    value = raw.get(name)
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors[name] = _("This field is required.")
    elif len(text) > limit:
        errors[name] = _("At most %(n)d characters.") % {"n": limit}
    return text


def _date(raw: Mapping[str, object], name: str, errors: _Errors) -> dt.date | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = _("A date as YYYY-MM-DD is expected.")
        return None


def _decimal(raw: Mapping[str, object], name: str, errors: _Errors) -> Decimal | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors[name] = _("A number is expected.")
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[name] = _("A number is expected.")
        return None
    if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
        errors[name] = _("A non-negative number is expected.")
        return None
    return number


def _list(raw: Mapping[str, object], name: str) -> list[object]:
    value = raw.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [p.strip() for p in re.split(r"[;；,，|]", str(value)) if p.strip()]


def _choices(
    raw: Mapping[str, object], name: str, allowed: Iterable[str], errors: _Errors
) -> list[str]:
    values = [str(v).strip() for v in _list(raw, name)]
    allowed = set(allowed)
    wrong = [v for v in values if v not in allowed]
    if wrong:
        errors[name] = _("Unknown values: %(v)s.") % {"v": ", ".join(wrong)}
    return sorted(set(values))


def _bool(raw: Mapping[str, object], name: str, errors: _Errors) -> bool:
    value = raw.get(name)
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "是", "y"}:
        return True
    if text in {"false", "0", "no", "否", "n"}:
        return False
    errors[name] = _("Yes or no is expected.")
    return False


def _materials(raw: Mapping[str, object], errors: _Errors) -> list[dict[str, str]]:
    out = []
    for item in _list(raw, "materials"):
        name_en = ""
        if isinstance(item, dict):
            name, dataset = str(item.get("name", "")).strip(), str(item.get("dataset", "")).strip()
            name_en = str(item.get("name_en", "")).strip()
        else:
            name, _sep, dataset = str(item).partition("@")
            name, dataset = name.strip(), dataset.strip()
        if not name or len(name) > 100:
            errors["materials"] = _("Each material needs a name of at most 100 characters.")
            continue
        if dataset and not _DATASET.match(dataset):
            errors["materials"] = _("%(d)s is not a dataset code.") % {"d": dataset}
            continue
        if len(name_en) > 200:
            errors["materials"] = _("An English name has at most 200 characters.")
            continue
        out.append(
            {"name": name, "name_en": name_en, "dataset": dataset}
            if name_en
            else {"name": name, "dataset": dataset}
        )
    return out


def _rule(raw: Mapping[str, object], errors: _Errors) -> dict[str, object]:
    value = raw.get("eligibility")
    if value in (None, ""):
        return {"all": []}
    if isinstance(value, str):
        try:
            value = loads_bounded(value)
        except ValueError as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            errors["eligibility"] = _("The rule is not valid JSON: %(e)s") % {"e": reason}
            return {}
    try:
        validate_rule(value)
    except RuleError as exc:
        errors["eligibility"] = _("The rule is malformed at %(path)s: %(message)s") % {
            "path": exc.path,
            "message": exc.message,
        }
        return {}
    assert isinstance(value, dict)
    return value


def policy_clean(*, data: Mapping[str, object]) -> dict[str, object]:
    """Validate one policy record (form, API, import row); errors name each field."""
    errors = _Errors()
    clean: dict[str, object] = {}
    clean["title"] = _text(data, "title", errors, limit=200, required=True)
    clean["title_en"] = _text(data, "title_en", errors, limit=300, required=False)
    clean["document_number"] = _text(data, "document_number", errors, limit=100, required=True)
    department = data.get("department")
    if isinstance(department, Department):
        clean["department"] = department
    else:
        found = Department.objects.filter(code=str(department or "").strip()).first()
        if found is None:
            errors["department"] = _("There is no department with this code.")
        clean["department"] = found
    region = _text(data, "region", errors, limit=12, required=True)
    if region and not _REGION.match(region):
        errors["region"] = _("A six-digit region code (GB/T 2260) is expected.")
    clean["region"] = region
    for name in ("published_on", "valid_from", "valid_until", "window_opens", "window_closes"):
        clean[name] = _date(data, name, errors)
    for low, high in (("valid_from", "valid_until"), ("window_opens", "window_closes")):
        a, b = clean[low], clean[high]
        if isinstance(a, dt.date) and isinstance(b, dt.date) and b < a:
            errors[high] = _("The end date must not be before the start date.")
    clean["summary"] = _text(data, "summary", errors, limit=2000, required=True)
    clean["summary_en"] = _text(data, "summary_en", errors, limit=4000, required=False)
    clean["full_text"] = _text(data, "full_text", errors, limit=100_000, required=False)
    clean["full_text_en"] = _text(data, "full_text_en", errors, limit=200_000, required=False)
    clean["topics"] = _choices(data, "topics", Topic.values, errors)
    industries = [str(v).strip().upper() for v in _list(data, "industries")]
    wrong = [i for i in industries if not _INDUSTRY.match(i)]
    if wrong:
        errors["industries"] = _(
            "Industries are GB/T 4754 section letters (A–T) or 2 to 4 digit codes: %(v)s."
        ) % {"v": ", ".join(wrong)}
    clean["industries"] = sorted(set(industries))
    clean["firm_sizes"] = _choices(data, "firm_sizes", FirmSize.values, errors)
    clean["materials"] = _materials(data, errors)
    kind = str(data.get("benefit_kind") or BenefitKind.FIXED).strip()
    if kind not in BenefitKind.values:
        errors["benefit_kind"] = _("Unknown kind of benefit.")
    clean["benefit_kind"] = kind
    for name, places in (("benefit_amount", 2), ("benefit_rate", 4), ("benefit_cap", 2)):
        number = _decimal(data, name, errors)
        clean[name] = None if number is None else number.quantize(Decimal(1).scaleb(-places))
    base = str(data.get("benefit_base") or "").strip()
    if base and base not in BenefitBase.values:
        errors["benefit_base"] = _("Unknown figure.")
    clean["benefit_base"] = base
    if kind == BenefitKind.FIXED and clean["benefit_amount"] is None:
        errors.setdefault("benefit_amount", _("A fixed benefit needs its amount."))
    if kind == BenefitKind.SHARE:
        rate = clean["benefit_rate"]
        if rate is None or not isinstance(rate, Decimal) or not Decimal(0) < rate <= 1:
            errors.setdefault("benefit_rate", _("A share between 0 and 1 is expected."))
        if not base:
            errors.setdefault("benefit_base", _("Say which figure the share is of."))
    if kind != BenefitKind.FIXED:
        clean["benefit_amount"] = None if kind == BenefitKind.SHARE else clean["benefit_amount"]
    clean["benefit_note"] = _text(data, "benefit_note", errors, limit=300, required=False)
    clean["benefit_note_en"] = _text(data, "benefit_note_en", errors, limit=300, required=False)
    clean["eligibility"] = _rule(data, errors)
    clean["grant_without_applying"] = _bool(data, "grant_without_applying", errors)
    days = data.get("promised_days")
    try:
        clean["promised_days"] = 20 if days in (None, "") else int(str(days))
        if not 0 < int(str(clean["promised_days"])) <= 365:
            raise ValueError
    except ValueError:
        errors["promised_days"] = _("A number of days from 1 to 365 is expected.")
    clean["service_code"] = _text(data, "service_code", errors, limit=64, required=False)
    errors.check()
    return clean
