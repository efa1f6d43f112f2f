"""Application forms as data: checking a form schema and building Django forms from it.

A schema is ``{"steps": [{"title": "...", "title_en": "...", "fields": [FIELD, ...]}, ...]}``
where FIELD is ``{"name": "child_name", "type": "text", "label": "...", "label_en": "...",
"required": true, "help": "...", "help_en": "...", "choices": [{"value": "a", "label": "...",
"label_en": "..."}], "max_length": 100, "min": 0, "max": 10, "prefill": "applicant.real_name",
"when": "past", "editable": false}``.
Only ``name``, ``type`` and ``label`` are required. Types are ``FieldKind`` values.

A field filled from one of ``IDENTITY_SOURCES`` (who the applicant is) is locked: it shows the
signed-in account's value and the server ignores whatever is posted for it, so nobody files
under another person's name or number (the exchange reads the account's own records). A field
may say ``"editable": true`` when the value is only a suggestion (e.g. a firm's contact
person). ``when`` limits a date: ``past`` (today or before) or ``future`` (today or after).
"""

import datetime as dt
import decimal
import re
from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from portal.accounts.forms import resident_id_validator
from portal.core.forms import LimitedTextField
from portal.core.validators import MOBILE_PHONE_RE
from portal.services.constants import FieldKind

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PREFILL_SOURCES = {
    "applicant.real_name",
    "applicant.phone",
    "applicant.email",
    "applicant.id_number",
    "firm.name",
    "firm.uscc",
}
# Who the applicant is: taken from the account, never from what is posted.
IDENTITY_SOURCES = frozenset(
    {"applicant.real_name", "applicant.id_number", "firm.name", "firm.uscc"}
)
DATE_WHEN = {"past", "future"}
TEXT_LIMIT = 200
LONG_TEXT_LIMIT = 2000
BANK_ACCOUNT_RE = re.compile(r"^[0-9]{8,30}$")


def localized(spec: Mapping[str, object], key: str) -> str:
    zh = str(spec.get(key) or "")
    en = str(spec.get(f"{key}_en") or "")
    return en if en and (get_language() or "").startswith("en") else zh


def schema_errors(schema: object) -> list[str]:
    """Everything wrong with a form schema (an empty list when it is usable)."""
    if not isinstance(schema, dict):
        return [_("The form must be an object with a list of steps.")]
    steps = schema.get("steps", [])
    if not isinstance(steps, list):
        return [_("The form must be an object with a list of steps.")]
    errors: list[str] = []
    seen: set[str] = set()
    for n, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or not step.get("title"):
            errors.append(_("Step %(n)s needs a title.") % {"n": n})
            continue
        fields = step.get("fields")
        if not isinstance(fields, list) or not fields:
            errors.append(_("Step %(n)s needs at least one field.") % {"n": n})
            continue
        for spec in fields:
            if not isinstance(spec, dict):
                errors.append(_("Step %(n)s: each field must be an object.") % {"n": n})
                continue
            name = str(spec.get("name", ""))
            if not NAME_RE.match(name):
                errors.append(
                    _("Field name %(name)r: use lower-case letters, digits and _.") % {"name": name}
                )
            elif name in seen:
                errors.append(_("Field name %(name)r is used twice.") % {"name": name})
            seen.add(name)
            if spec.get("type") not in FieldKind.values:
                errors.append(
                    _("Field %(name)r has an unknown type %(type)r.")
                    % {"name": name, "type": spec.get("type")}
                )
            if not spec.get("label"):
                errors.append(_("Field %(name)r needs a label.") % {"name": name})
            if spec.get("type") == FieldKind.CHOICE:
                choices = spec.get("choices")
                if (
                    not isinstance(choices, list)
                    or not choices
                    or not all(isinstance(c, dict) and c.get("value") for c in choices)
                ):
                    errors.append(_("Choice field %(name)r needs choices.") % {"name": name})
            when = spec.get("when")
            if when is not None and (spec.get("type") != FieldKind.DATE or when not in DATE_WHEN):
                errors.append(
                    _("Field %(name)r: “when” is past or future, and only for dates.")
                    % {"name": name}
                )
            prefill = spec.get("prefill")
            if prefill and prefill not in PREFILL_SOURCES:
                errors.append(
                    _("Field %(name)r: unknown prefill source %(source)r.")
                    % {"name": name, "source": prefill}
                )
    return errors


def schema_fields(schema: Mapping[str, object]) -> list[dict[str, object]]:
    """All field specs of all steps, in order."""
    out: list[dict[str, object]] = []
    steps = schema.get("steps", [])
    for step in steps if isinstance(steps, list) else []:
        if isinstance(step, dict):
            out.extend(f for f in step.get("fields", []) if isinstance(f, dict))
    return out


def is_locked(spec: Mapping[str, object]) -> bool:
    """Whether the field shows who the applicant is (from the account, not editable)."""
    return spec.get("prefill") in IDENTITY_SOURCES and not spec.get("editable")


def prefill_value(source: str, *, applicant: object, firm: object | None) -> object:
    """The value of a prefill source (``applicant.real_name``, ``firm.uscc``...), or None."""
    owner, _dot, attr = source.partition(".")
    if owner == "applicant":
        return getattr(applicant, attr, "") or None
    if owner == "firm" and firm is not None:
        return getattr(firm, attr, "") or None
    return None


def locked_values(
    schema: Mapping[str, object], *, applicant: object, firm: object | None
) -> dict[str, object]:
    """The account's values of the locked identity fields (those the account has)."""
    out: dict[str, object] = {}
    for spec in schema_fields(schema):
        source = spec.get("prefill")
        if is_locked(spec) and isinstance(source, str):
            value = prefill_value(source, applicant=applicant, firm=firm)
            if value is not None:
                out[str(spec["name"])] = value
    return out


class BankAccountField(forms.CharField):
    """A bank account number: digits only (spaces and dashes as typed are dropped)."""

    default_error_messages = {
        "invalid": gettext_lazy("Enter the account number in digits only: 8 to 30 digits."),
    }

    def to_python(self, value: object) -> str:
        text = super().to_python(value) or ""
        return re.sub(r"[\s-]", "", text)

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not BANK_ACCOUNT_RE.match(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")


def _not_after_today(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future")


def _not_before_today(value: dt.date) -> None:
    if value < timezone.localdate():
        raise ValidationError(_("This date cannot be in the past."), code="past")


def _form_field(spec: Mapping[str, object], *, draft: bool) -> forms.Field:
    kind = spec.get("type")
    label = localized(spec, "label")
    required = bool(spec.get("required")) and not draft
    help_text = localized(spec, "help")
    max_length = spec.get("max_length")
    length = int(max_length) if isinstance(max_length, int) else None
    lo = spec.get("min")
    hi = spec.get("max")
    field: forms.Field
    if kind == FieldKind.TEXTAREA:
        field = LimitedTextField(
            limit=length or LONG_TEXT_LIMIT, multiline=True, help_text=help_text
        )
    elif kind == FieldKind.INTEGER:
        field = forms.IntegerField(
            min_value=lo if isinstance(lo, int) else None,
            max_value=hi if isinstance(hi, int) else None,
        )
    elif kind == FieldKind.DECIMAL:
        field = forms.DecimalField(
            max_digits=14,
            decimal_places=2,
            min_value=decimal.Decimal(str(lo)) if isinstance(lo, int | float) else None,
            max_value=decimal.Decimal(str(hi)) if isinstance(hi, int | float) else None,
        )
    elif kind == FieldKind.DATE:
        when = spec.get("when")
        field = forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            validators=(
                [_not_after_today]
                if when == "past"
                else [_not_before_today]
                if when == "future"
                else []
            ),
        )
    elif kind == FieldKind.CHOICE:
        raw = spec.get("choices")
        choices = [
            (str(c["value"]), localized(c, "label") or str(c["value"]))
            for c in (raw if isinstance(raw, list) else [])
            if isinstance(c, dict)
        ]
        field = forms.ChoiceField(choices=[("", "—"), *choices])
    elif kind == FieldKind.BOOLEAN:
        field = forms.BooleanField()
    elif kind == FieldKind.EMAIL:
        field = forms.EmailField()
    elif kind == FieldKind.PHONE:
        field = forms.RegexField(
            regex=MOBILE_PHONE_RE,
            error_messages={"invalid": _("Enter an 11-digit mobile number starting with 1.")},
        )
    elif kind == FieldKind.ID_NUMBER:
        field = forms.CharField(validators=[resident_id_validator])
    elif kind == FieldKind.BANK_ACCOUNT:
        field = BankAccountField(widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    else:
        field = LimitedTextField(limit=length or TEXT_LIMIT, help_text=help_text)
    field.label = label
    field.required = required
    if not isinstance(field, LimitedTextField):
        field.help_text = help_text
    field.widget.is_required = required
    return field


def step_form(
    schema: Mapping[str, object],
    step: int,
    *,
    data: Mapping[str, object] | None = None,
    initial: Mapping[str, object] | None = None,
    draft: bool = False,
    locked: Mapping[str, object] | None = None,
) -> forms.Form:
    """The Django form of one step (0-based). ``draft`` makes every field optional.

    ``locked`` gives the account's values of identity fields (``is_locked``): they are shown
    read-only and the posted value is ignored (Django's disabled fields take the initial).
    """
    steps = schema.get("steps", [])
    spec_list = steps[step].get("fields", []) if isinstance(steps, list) else []
    initial_values = dict(initial or {})
    for name, value in (locked or {}).items():
        initial_values[name] = value
    form = forms.Form(data=data, initial=initial_values)
    form.use_required_attribute = False  # the server validates; no browser-only messages
    for spec in spec_list:
        name = str(spec["name"])
        field = _form_field(spec, draft=draft)
        if locked is not None and name in locked:
            field.disabled = True
            field.required = False
            field.help_text = _("From your account; it cannot be changed here.")
        form.fields[name] = field
    return form


def to_json(value: object) -> object:
    """A cleaned form value as stored in ``Application.data``."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def to_form_data(stored: Mapping[str, object]) -> dict[str, object]:
    """Stored values as a form's submitted data (for checking a whole application again)."""
    out: dict[str, object] = {}
    for key, value in stored.items():
        if value is None:
            continue
        out[key] = value if isinstance(value, bool) else str(value)
    return out
