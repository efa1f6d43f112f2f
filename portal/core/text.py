"""Free text that a rule requires: a purpose, a reason, an objection, a reply.

``str.strip()`` leaves format characters (Unicode category Cf, e.g. U+200B ZERO WIDTH
SPACE, U+FEFF, U+2060) and a few "filler" letters that render as nothing, so a text of
only those passed every "is required" rule. ``visible_text`` removes them (with white
space, Zs/Zl/Zp, and control characters, Cc) from both ends, so that a text with nothing
visible becomes "" and fails the rule. Characters inside the text are kept (a ZWJ inside
an emoji or a name is legitimate).
"""

import unicodedata

_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# Letters or symbols that display as blank space.
_BLANK_FILLERS = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"})


def is_invisible(char: str) -> bool:
    return (
        char.isspace()
        or char in _BLANK_FILLERS
        or unicodedata.category(char) in _INVISIBLE_CATEGORIES
    )


def visible_text(value: str) -> str:
    """``value`` without invisible characters at either end; "" when nothing visible is left."""
    start, end = 0, len(value)
    while start < end and is_invisible(value[start]):
        start += 1
    while end > start and is_invisible(value[end - 1]):
        end -= 1
    return value[start:end]


def application_for(service_name: str) -> str:
    """``service_name`` + 申请 ("application for …"), unless the name already ends with 申请.

    Service names such as 最低生活保障申请 already say it; appending gave 申请申请.
    """
    return service_name if service_name.endswith("申请") else f"{service_name}申请"
