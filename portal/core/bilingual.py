"""Content in the page's language: every text a department or the catalogue holds in Chinese
(``name``, ``fee``, a field's ``label``…) may have an English sibling named with ``_en``
(``name_en``, ``fee_en``, ``label_en``), as a model column or as a key of a JSON entry.

English pages show the English text when there is one and fall back to the Chinese, so a
record without a translation still reads; Chinese pages always show the Chinese. This is the
one rule of the whole site: models' ``display_*`` properties, views and the ``localized``
template filter (``portal.core.templatetags.bilingual``) all call ``localized`` here.
"""

from collections.abc import Mapping

from django.utils.translation import get_language
from django.utils.translation import gettext as _


def english_wanted() -> bool:
    """True when the active language is English (a page, an e-mail or an API answer)."""
    return (get_language() or "").startswith("en")


def bilingual(zh: str, en: str) -> str:
    """``en`` on English pages when it is not empty, else ``zh``."""
    if en and english_wanted():
        return en
    return zh


def localized(source: Mapping[str, object] | object, key: str) -> str:
    """The text ``key`` of a JSON entry or a model instance in the active language.

    ``localized({"name": "营业执照", "name_en": "Business licence"}, "name")`` is
    "Business licence" on English pages and "营业执照" on Chinese ones.
    """
    if isinstance(source, Mapping):
        zh, en = source.get(key), source.get(f"{key}_en")
    else:
        zh, en = getattr(source, key, ""), getattr(source, f"{key}_en", "")
    return bilingual(str(zh or ""), str(en or ""))


def value_text(value: object) -> str:
    """A record's value as a person reads it: yes or no for a flag, "—" for nothing."""
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if value is None or value == "":
        return "—"
    return str(value)
