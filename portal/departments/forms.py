from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.constants import UserKind
from portal.accounts.models import User
from portal.departments.models import Department


class AuditAssignmentForm(forms.Form):
    """The audit office assigns an auditor: which staff member, and which departments (or all)."""

    auditor = forms.CharField(
        label=_("Auditor's user name"),
        max_length=150,
        help_text=_("An active staff account of any department."),
    )
    all_departments = forms.BooleanField(label=_("All departments"), required=False)
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments to audit"),
        queryset=Department.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_auditor(self) -> User:
        username = self.cleaned_data["auditor"].strip()
        user = User.objects.filter(
            username=username, kind=UserKind.STAFF, department__isnull=False, is_active=True
        ).first()
        if user is None:
            raise forms.ValidationError(_("There is no active staff account with this user name."))
        return user
