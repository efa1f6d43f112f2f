"""Application forms as data: checking a form schema and building Django forms from it.

A schema is ``{"steps": [{"title": "...", "title_en": "...", "fields": [FIELD, ...]}, ...]}``
where FIELD is ``{"name": "child_name", "type": "text", "label": "...", "label_en": "...",
"required": true, "help": "...", "help_en": "...", "choices": [{"value": "a", "label": "...",
"label_en": "..."}], "max_length": 100, "min": 0, "max": 10, "prefill": "applicant.real_name"}``.
Only ``name``, ``type`` and ``label`` are required. Types are ``FieldKind`` values.
"""

import datetime as dt
import decimal
import re
from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.accounts.identity import IdentityNumberError, validate_resident_id
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


def _id_number(value: str) -> None:
    try:
        validate_resident_id(value)
    except IdentityNumberError as exc:
        raise ValidationError(str(exc.message)) from None


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
        field = forms.CharField(max_length=length or 2000, widget=forms.Textarea(attrs={"rows": 4}))
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
        field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
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
        field = forms.CharField(min_length=18, max_length=18, validators=[_id_number])
    else:
        field = forms.CharField(max_length=length or 200)
    field.label = label
    field.required = required
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
) -> forms.Form:
    """The Django form of one step (0-based). ``draft`` makes every field optional."""
    steps = schema.get("steps", [])
    spec_list = steps[step].get("fields", []) if isinstance(steps, list) else []
    form = forms.Form(data=data, initial=dict(initial) if initial is not None else None)
    form.use_required_attribute = False  # the server validates; no browser-only messages
    for spec in spec_list:
        form.fields[str(spec["name"])] = _form_field(spec, draft=draft)
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
