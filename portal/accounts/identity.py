"""Validation of Chinese identity numbers.

* Resident identity number: GB 11643-1999, 18 characters: a 6-digit
  administrative division code, an 8-digit birth date (YYYYMMDD), a 3-digit
  sequence number and a check character computed with ISO 7064 MOD 11-2.
* Unified social credit code: GB 32100-2015, 18 characters over a 31-symbol
  alphabet (digits and capital letters without I, O, S, V, Z), the last one a
  check character computed modulo 31.

Both validators raise :class:`IdentityNumberError` with a message that tells
the user what to fix; they never include the number itself in the message so
that it cannot leak into logs.
"""

import datetime as dt
import re

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"
# First two digits: province-level division codes (GB/T 2260).
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


class IdentityNumberError(ValueError):
    """An identity number is malformed; ``message`` says what to fix."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


def resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character over the first 17 digits (GB 11643 §5)."""
    total = sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


def normalize_resident_id(value: str) -> str:
    """Strip spaces and upper-case a trailing x."""
    return value.strip().replace(" ", "").upper()


def validate_resident_id(value: str, *, today: dt.date | None = None) -> str:
    """Return the normalised number or raise IdentityNumberError."""
    number = normalize_resident_id(value)
    if len(number) != 18:
        raise IdentityNumberError(
            _("A resident identity number has 18 characters; this one has %(n)d.")
            % {"n": len(number)}
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdentityNumberError(_("Only digits are allowed, and X only as the last character."))
    if int(number[:2]) not in PROVINCE_CODES:
        raise IdentityNumberError(_("The first two digits are not a valid region code."))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentityNumberError(
            _("Digits 7 to 14 must be a real birth date (YYYYMMDD).")
        ) from None
    today = today or timezone.localdate()
    if birth.year < 1900 or birth > today:
        raise IdentityNumberError(_("The birth date in digits 7 to 14 is not possible."))
    if resident_id_check_char(number[:17]) != number[17]:
        raise IdentityNumberError(
            _("The last character does not match; please check the number for a typing error.")
        )
    return number


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 §4.4 check character: 31 - (sum of value*weight mod 31), 31 → 0."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def validate_uscc(value: str) -> str:
    """Return the normalised code or raise IdentityNumberError."""
    code = normalize_uscc(value)
    if len(code) != 18:
        raise IdentityNumberError(
            _("A unified social credit code has 18 characters; this one has %(n)d.")
            % {"n": len(code)}
        )
    if not _USCC_RE.match(code):
        raise IdentityNumberError(
            _(
                "Use digits and capital letters except I, O, S, V and Z; "
                "characters 3 to 8 are the region code and must be digits."
            )
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise IdentityNumberError(
            _("The last character does not match; please check the code for a typing error.")
        )
    return code


def mask_resident_id(number: str) -> str:
    """Show the region's first 3 and the last 4 characters only: ``110***********123X``."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_uscc(code: str) -> str:
    """Unified social credit codes are public register data, but lists show them shortened."""
    if len(code) < 8:
        return "*" * len(code)
    return code[:4] + "*" * (len(code) - 8) + code[-4:]
