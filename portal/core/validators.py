"""Contact and payment details people type: one rule each, used by every form that asks.

- A mobile phone number (手机号码) is 11 digits starting with 1 and a second digit 3–9
  (the numbering plan of the Ministry of Industry and Information Technology); spaces and
  hyphens people type are dropped. The application forms accept nothing else, so every
  page that collects a contact phone for an application uses this rule.
- A bank account number (银行账号) is 8 to 30 digits (personal cards have 16–19, corporate
  accounts 12–25); spaces and hyphens are dropped. It is shown masked, last four digits only.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE_PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
BANK_ACCOUNT_RE = re.compile(r"^[0-9]{8,30}$")
_SEPARATORS = re.compile(r"[\s\-\u3000]+")


def normalise_digits(value: str) -> str:
    """``value`` without the spaces and hyphens people type between digit groups."""
    return _SEPARATORS.sub("", value or "").strip()


def validate_mobile_phone(value: str) -> str:
    """The mobile number in its 11 digits, or ValidationError saying what is expected."""
    number = normalise_digits(value)
    if not number:
        raise ValidationError(_("Enter a mobile phone number."), code="required")
    if not MOBILE_PHONE_RE.match(number):
        raise ValidationError(
            _(
                "Enter an 11-digit mobile number starting with 1, such as 13800138000; "
                "a landline cannot receive the text messages about the application."
            ),
            code="invalid",
        )
    return number


def is_mobile_phone(value: str) -> bool:
    return bool(MOBILE_PHONE_RE.match(normalise_digits(value)))


def validate_bank_account(value: str) -> str:
    """The account number in digits, or ValidationError saying what is expected."""
    number = normalise_digits(value)
    if not number:
        raise ValidationError(_("Enter the bank account number."), code="required")
    if not BANK_ACCOUNT_RE.match(number):
        raise ValidationError(
            _("A bank account number is 8 to 30 digits, as printed on the bank's documents."),
            code="invalid",
        )
    return number


def mask_bank_account(value: str) -> str:
    """``**** 2233``: enough for the owner to recognise the account, no more."""
    number = normalise_digits(value)
    if not number:
        return ""
    return f"**** {number[-4:]}"
