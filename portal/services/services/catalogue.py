"""The catalogue: topics and service items, checked before they are saved."""

import re
from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.departments.models import Department
from portal.exchange.models import Dataset
from portal.services.constants import ThemeKind
from portal.services.models import ServiceItem, Theme
from portal.services.schema import schema_errors
from portal.services.selectors import DEPARTMENTS_CACHE_KEY

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@transaction.atomic
def theme_upsert(
    *, code: str, kind: ThemeKind, name: str, name_en: str = "", order: int = 0
) -> Theme:
    theme, _created = Theme.objects.update_or_create(
        code=code, defaults={"kind": kind, "name": name, "name_en": name_en, "order": order}
    )
    return theme


def service_item_errors(item: ServiceItem) -> dict[str, list[str]]:
    """What is wrong with a service's guide and form (shown per field in the admin)."""
    errors: dict[str, list[str]] = {}
    form_problems = schema_errors(item.form_schema or {"steps": []})
    if form_problems:
        errors["form_schema"] = form_problems
    material_problems: list[str] = []
    codes: set[str] = set()
    if not isinstance(item.materials, list):
        material_problems.append(_("Materials must be a list."))
    else:
        datasets = {m.get("exchange_dataset") for m in item.materials if isinstance(m, dict)} - {
            None,
            "",
        }
        known = set(Dataset.objects.filter(code__in=datasets).values_list("code", flat=True))
        for m in item.materials:
            if not isinstance(m, dict) or not CODE_RE.match(str(m.get("code", ""))):
                material_problems.append(_("Each material needs a code of lower-case letters."))
                continue
            if m["code"] in codes:
                material_problems.append(_("Material %(code)s is listed twice.") % m)
            codes.add(str(m["code"]))
            if not m.get("name"):
                material_problems.append(_("Material %(code)s needs a name.") % m)
            dataset = m.get("exchange_dataset")
            if dataset and dataset not in known:
                material_problems.append(
                    _("Material %(code)s names an unknown dataset.") % {"code": m["code"]}
                )
    if material_problems:
        errors["materials"] = material_problems
    if not isinstance(item.process_steps, list):
        errors["process_steps"] = [_("Process steps must be a list.")]
    if not isinstance(item.reference_datasets, list):
        errors["reference_datasets"] = [_("Reference datasets must be a list of codes.")]
    if item.promised_days > item.legal_days:
        errors["promised_days"] = [_("The promised limit cannot exceed the legal limit.")]
    if not item.for_citizens and not item.for_firms:
        errors["for_citizens"] = [_("Say who may apply: citizens, firms or both.")]
    return errors


def _search_text(item: ServiceItem) -> str:
    return " ".join([item.name, item.name_en, item.keywords, item.code]).lower()


@transaction.atomic
def service_item_save(*, item: ServiceItem) -> ServiceItem:
    """Check and save a service item (used by the admin and by ``service_item_upsert``)."""
    errors = service_item_errors(item)
    if errors:
        raise ValidationError(errors)
    item.search_text = _search_text(item)
    item.save()
    cache.delete(DEPARTMENTS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(DEPARTMENTS_CACHE_KEY))
    return item


@transaction.atomic
def service_item_upsert(
    *,
    department: Department,
    code: str,
    name: str,
    legal_days: int,
    promised_days: int,
    name_en: str = "",
    summary: str = "",
    summary_en: str = "",
    keywords: str = "",
    themes: Iterable[str] = (),
    for_citizens: bool = True,
    for_firms: bool = False,
    conditions: str = "",
    materials: list[dict[str, object]] | None = None,
    process_steps: list[dict[str, object]] | None = None,
    form_schema: dict[str, object] | None = None,
    reference_datasets: list[str] | None = None,
    fee: str = "不收费",
    legal_basis: str = "",
    phone: str = "",
    offline_address: str = "",
    is_published: bool = True,
    conditions_en: str = "",
    fee_en: str = "",
    legal_basis_en: str = "",
    offline_address_en: str = "",
) -> ServiceItem:
    """Create or update a service item by its code, with its topics and life events."""
    item = ServiceItem.objects.filter(code=code).first() or ServiceItem(code=code)
    item.department = department
    item.name = name
    item.name_en = name_en
    item.summary = summary
    item.summary_en = summary_en
    item.keywords = keywords
    item.for_citizens = for_citizens
    item.for_firms = for_firms
    item.conditions = conditions
    item.conditions_en = conditions_en
    item.materials = materials or []
    item.process_steps = process_steps or []
    item.form_schema = form_schema or {"steps": []}
    item.reference_datasets = reference_datasets or []
    item.legal_days = legal_days
    item.promised_days = promised_days
    item.fee = fee
    item.fee_en = fee_en
    item.legal_basis = legal_basis
    item.legal_basis_en = legal_basis_en
    item.phone = phone
    item.offline_address = offline_address
    item.offline_address_en = offline_address_en
    item.is_published = is_published
    service_item_save(item=item)
    item.themes.set(Theme.objects.filter(code__in=list(themes)))
    return item
