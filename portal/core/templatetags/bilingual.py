"""``{{ entry|localized:"label" }}``: a JSON entry's or a record's text in the page's language
(the ``label_en`` sibling on English pages, when there is one). See portal.core.bilingual."""

from django import template
from django.utils.safestring import SafeString

from portal.core.bilingual import bracketed as _bracketed
from portal.core.bilingual import lang_marked as _lang_marked
from portal.core.bilingual import list_separator as _list_separator
from portal.core.bilingual import localized as _localized

register = template.Library()


@register.filter
def localized(source: object, key: str) -> str:
    return _localized(source, key)


@register.simple_tag
def list_separator() -> str:
    """Between the items of a list in a sentence: "、" in Chinese, ", " in English."""
    return _list_separator()


@register.filter
def lang_marked(value: object) -> SafeString:
    """``{{ firm.name|lang_marked }}``: content without English, marked as Chinese on an
    English page (see portal.core.bilingual.lang_marked)."""
    return _lang_marked(value)


@register.filter
def bracketed(value: object) -> SafeString:
    """``{{ policy.document_number|bracketed }}``: "（…）" in Chinese, " (…)" in English."""
    return _bracketed(value)


@register.filter
def listing(items: object) -> str:
    """``{{ labels|listing }}``: the items joined as a list is written in the page's language
    ("、" in Chinese, ", " in English)."""
    if not isinstance(items, list | tuple):
        return str(items or "")
    return _list_separator().join(str(i) for i in items)
