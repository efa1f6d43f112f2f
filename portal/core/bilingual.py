"""Content in the page's language: every text a department or the catalogue holds in Chinese
(``name``, ``fee``, a field's ``label``…) may have an English sibling named with ``_en``
(``name_en``, ``fee_en``, ``label_en``), as a model column or as a key of a JSON entry.

English pages show the English text when there is one and fall back to the Chinese, so a
record without a translation still reads; Chinese pages always show the Chinese. This is the
one rule of the whole site: models' ``display_*`` properties, views and the ``localized``
template filter (``portal.core.templatetags.bilingual``) all call ``localized`` here.
"""

import re
from collections.abc import Mapping

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
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


# Han characters and the CJK and full-width punctuation written with them.
CHINESE_TEXT = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def lang_marked(text: object) -> SafeString:
    """Content that has no English (a person's or a firm's name, an address someone typed)
    as HTML: on an English page, text with Chinese characters is marked
    ``<span lang="zh-Hans">…</span>`` so that a screen reader reads it in Chinese
    (WCAG 3.1.2) and it is told apart from the interface, which is all English. Escaped,
    unmarked otherwise."""
    value = text if isinstance(text, SafeString) else ("" if text is None else str(text))
    if english_wanted() and CHINESE_TEXT.search(value):
        return format_html('<span lang="zh-Hans">{}</span>', value)
    return SafeString(conditional_escape(value))


def list_separator() -> str:
    """Between the items of a list in a sentence: "、" in Chinese, ", " in English."""
    return ", " if english_wanted() else "、"


def clause_separator() -> str:
    """Between clauses of a sentence: "；" in Chinese, "; " in English."""
    return "; " if english_wanted() else "；"


def bracketed(text: object) -> SafeString:
    """Content in brackets as the page's language writes them: "（…）" in Chinese,
    " (…)" in English (the content marked by ``lang_marked``)."""
    if english_wanted():
        return format_html(" ({})", lang_marked(text))
    return format_html("（{}）", text)


def with_content(sentence: str, **content: object) -> SafeString:
    """A translated sentence (``_("You now act for %(firm)s.")``) with content put in, each
    piece marked by ``lang_marked`` and the sentence escaped: for flash messages and other
    text built in Python that names a person, a firm or a file."""
    marked = {key: lang_marked(value) for key, value in content.items()}
    return mark_safe(conditional_escape(sentence) % marked)  # noqa: S308 - escaped above


def value_text(value: object) -> str:
    """A record's value as a person reads it: yes or no for a flag, "—" for nothing."""
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if value is None or value == "":
        return "—"
    return str(value)
