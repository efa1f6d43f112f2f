"""A dataset record's fields as a person reads them: the one helper for every page that shows
data read through the exchange (a fetched material on the materials step, check-your-answers,
the application page and the staff case page; a staff look-up).

Labels come from the data resource catalogue in the page's language (``label`` / ``label_en``),
never the field's key; values are in words by the field's type: yes or no for a flag, a date
as the language writes it, an amount with the one money formatter (``portal.core.money``; a
field's ``unit`` says whether the register keeps it in yuan or in 10 000 yuan), other numbers
in plain digits, "—" for nothing.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.core.bilingual import localized, value_text
from portal.core.money import figure, money_wan, money_yuan
from portal.exchange.constants import FieldType
from portal.exchange.models import Dataset

# A field's key (``rd_expense``), as opposed to a label someone wrote.
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")

FieldSpec = Mapping[str, object]


def field_value_text(field: FieldSpec | None, value: object) -> str:
    """``value`` of ``field`` in words (see the module's docstring)."""
    if value is None or value == "":
        return "—"
    kind = field.get("type") if field is not None else None
    if isinstance(value, bool) or kind == FieldType.BOOLEAN:
        return value_text(value if isinstance(value, bool) else str(value).lower() == "true")
    if kind == FieldType.DATE:
        try:
            return date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT")
        except ValueError:
            return str(value)
    if kind == FieldType.DECIMAL:
        unit = field.get("unit") if field is not None else None
        text = {"wan": money_wan, "yuan": money_yuan}.get(str(unit), figure)(value)
        return text or str(value)
    return str(value)


def _field_of(dataset: Dataset | None, key: str) -> FieldSpec | None:
    """The catalogue's field named ``key``, or (for data kept before fields were kept by key)
    labelled ``key``."""
    if dataset is None:
        return None
    fields = [f for f in dataset.fields if isinstance(f, Mapping)]
    by_name = next((f for f in fields if f.get("name") == key), None)
    return by_name or next((f for f in fields if key in (f.get("label"), f.get("label_en"))), None)


def record_facts(
    *, dataset: Dataset | None, items: Iterable[tuple[str, object]]
) -> list[tuple[str, str]]:
    """(label, value in words) for each (field key, value) of a record, in the page's
    language; a key the catalogue no longer lists is never shown raw."""
    facts = []
    for key, value in items:
        field = _field_of(dataset, str(key))
        if field is not None:
            label = localized(field, "label") or str(key)
        elif _KEY.match(str(key)):
            label = _("a field no longer listed")
        else:
            label = str(key)
        facts.append((label, field_value_text(field, value)))
    return facts
