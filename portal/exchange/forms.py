import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from portal.core.forms import LimitedTextField
from portal.exchange.constants import OBJECTION_TEXT_LIMIT, PurposeKind
from portal.exchange.models import Dataset


class DatasetChoiceForm(forms.Form):
    """A form whose ``dataset`` choices are limited to what the caller may use."""

    dataset = forms.ModelChoiceField(
        label=_("Dataset"), queryset=Dataset.objects.none(), to_field_name="code"
    )

    def __init__(
        self, *args: Any, datasets: QuerySet[Dataset] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dataset"]
        if datasets is not None and isinstance(field, forms.ModelChoiceField):
            field.queryset = datasets


class ReadForm(DatasetChoiceForm):
    """Staff look up another department's data for a stated purpose.

    Staff who may make sealed reads (``may_seal``) also choose the purpose kind, and for a
    covert investigation give the legal order and the unseal-by date (checked by the service).
    """

    subject = forms.CharField(
        label=_("Identity number or unified social credit code"), max_length=18, min_length=18
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    application = forms.CharField(label=_("Application number"), max_length=64, required=False)
    purpose_kind = forms.ChoiceField(
        label=_("Kind of purpose"),
        choices=PurposeKind.choices,
        initial=PurposeKind.ORDINARY,
        widget=forms.RadioSelect,
    )
    legal_order = forms.CharField(
        label=_("Legal order reference"),
        max_length=200,
        required=False,
        help_text=_("For a covert investigation only: the reference of the order that seals it."),
    )
    unseal_by = forms.DateField(
        label=_("Unseal by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a covert investigation only: the person is shown the read on this date."),
    )

    def __init__(self, *args: Any, may_seal: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_seal:
            for name in ("purpose_kind", "legal_order", "unseal_by"):
                del self.fields[name]


class UnsealForm(forms.Form):
    """Confirm ending a seal early (the page works without JavaScript)."""

    confirm = forms.BooleanField(
        label=_("I confirm the investigation no longer needs this read to be sealed."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class GrantRequestForm(DatasetChoiceForm):
    fields_wanted = forms.CharField(
        label=_("Fields"), help_text=_("Field names separated by commas."), max_length=500
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    valid_from = forms.DateField(label=_("Valid from"), initial=dt.date.today)
    valid_until = forms.DateField(label=_("Valid until"))

    def fields_list(self) -> list[str]:
        return [f.strip() for f in self.cleaned_data["fields_wanted"].split(",") if f.strip()]


class GrantDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1"
    )
    fields_granted = forms.CharField(required=False, max_length=500)
    valid_until = forms.DateField(required=False)
    note = forms.CharField(required=False, max_length=300)


class ObjectionForm(forms.Form):
    text = LimitedTextField(
        label=_("Why do you think this access was not justified?"),
        limit=OBJECTION_TEXT_LIMIT,
        multiline=True,
        rows=6,
        help_text=_("Say what you think was wrong: the purpose, the data read, or the reader."),
        required_message=_("Say why you think this access was not justified."),
    )


class ObjectionAnswerForm(forms.Form):
    response = LimitedTextField(
        label=_("Your answer to the person"),
        limit=OBJECTION_TEXT_LIMIT,
        multiline=True,
        rows=6,
        help_text=_("Plain words: why the data was read, and what was done about the objection."),
        required_message=_("Write the answer."),
    )


class RecordImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, first row: subject, then the dataset's field names."),
    )
