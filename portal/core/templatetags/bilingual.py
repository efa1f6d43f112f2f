"""``{{ entry|localized:"label" }}``: a JSON entry's or a record's text in the page's language
(the ``label_en`` sibling on English pages, when there is one). See portal.core.bilingual."""

from django import template

from portal.core.bilingual import english_wanted
from portal.core.bilingual import localized as _localized

register = template.Library()


@register.filter
def localized(source: object, key: str) -> str:
    return _localized(source, key)


@register.simple_tag
def list_separator() -> str:
    """Between the items of a list in a sentence: "、" in Chinese, ", " in English."""
    return ", " if english_wanted() else "、"


@register.filter
def listing(items: object) -> str:
    """``{{ labels|listing }}``: the items joined as a list is written in the page's language
    ("、" in Chinese, ", " in English)."""
    if not isinstance(items, list | tuple):
        return str(items or "")
    return list_separator().join(str(i) for i in items)
