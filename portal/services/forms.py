"""Inputs of the services pages; the rules live in ``portal.services.services``."""

from collections.abc import Mapping

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from portal.core.forms import LimitedTextField
from portal.services.constants import STAFF_ACTIONS, ApplicationStatus


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search services"), required=False, max_length=100)
    department = forms.CharField(required=False, max_length=32)
    theme = forms.CharField(required=False, max_length=40)
    kind = forms.ChoiceField(
        label=_("Who applies"),
        required=False,
        choices=[("", _("Everyone")), ("citizen", _("Citizens")), ("firm", _("Firms"))],
    )


class MaterialUploadForm(forms.Form):
    """Which material a file is for: only those that are not fetched from another department
    (a fetched one is never offered, so an upload cannot silently take its place)."""

    requirement = forms.ChoiceField(label=_("Material"))
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        files: MultiValueDict[str, UploadedFile] | None = None,
        *,
        choices: list[tuple[str, str]],
    ) -> None:
        super().__init__(data, files)
        field = self.fields["requirement"]
        assert isinstance(field, forms.ChoiceField)
        # With more than one, the person chooses: nothing is preselected.
        options: list[tuple[str, StrOrPromise]] = list(choices)
        field.choices = options if len(options) == 1 else [("", _("— choose —")), *options]
        field.error_messages["required"] = _("Choose which material the file is.")
        self.fields["file"].error_messages["required"] = _("Choose a file to upload.")


class ApplicantActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("withdraw", "withdraw"), ("resubmit", "resubmit")])
    confirmed = forms.BooleanField(required=False)


REASON_LIMIT = 1000


class StaffActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a.value, a.label) for a in STAFF_ACTIONS])
    reason = LimitedTextField(
        label=_("Reason or note"),
        required=False,
        limit=REASON_LIMIT,
        multiline=True,
        rows=3,
        help_text=_("Required to refuse, reject or ask for a supplement; the applicant reads it."),
    )
    confirmed = forms.BooleanField(required=False)


class LookupForm(forms.Form):
    dataset = forms.CharField(max_length=64)


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the handling?"),
        coerce=int,
        choices=[
            (5, _("5 – very satisfied")),
            (4, _("4 – satisfied")),
            (3, _("3 – acceptable")),
            (2, _("2 – dissatisfied")),
            (1, _("1 – very dissatisfied")),
        ],
        widget=forms.RadioSelect,
    )
    comment = LimitedTextField(
        label=_("Comment"), required=False, limit=1000, multiline=True, rows=3
    )


class ReplyForm(forms.Form):
    reply = LimitedTextField(
        label=_("Reply"),
        limit=2000,
        multiline=True,
        rows=3,
        required_message=_("Write the reply."),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("What my roles act on")), ("all", _("All"))]
        + [(s.value, s.label) for s in ApplicationStatus if s != ApplicationStatus.DRAFT],
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", _("Any")), ("soon", _("Due soon")), ("overdue", _("Overdue"))],
    )
    service = forms.CharField(label=_("Service code"), required=False, max_length=64)
    number = forms.CharField(label=_("Application number"), required=False, max_length=20)
