from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.departments.access import audit_assigner
from portal.departments.models import AuditAssignment, Department, DepartmentSystem
from portal.departments.services import (
    audit_assignment_create,
    audit_assignment_revoke,
    audit_assignment_validate,
)


class DepartmentSystemInline(admin.TabularInline[DepartmentSystem, Department]):
    model = DepartmentSystem
    extra = 0
    fields = ("name", "key_id", "public_key", "is_active")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("code", "name", "region", "parent", "is_audit_office")
    list_filter = ("region", "is_audit_office")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)
    inlines = [DepartmentSystemInline]


@admin.register(DepartmentSystem)
class DepartmentSystemAdmin(admin.ModelAdmin[DepartmentSystem]):
    list_display = ("key_id", "name", "department", "is_active")
    list_filter = ("is_active", "department")
    search_fields = ("key_id", "name")
    list_select_related = ("department",)


class AuditAssignmentAdminForm(forms.ModelForm[AuditAssignment]):
    class Meta:
        model = AuditAssignment
        fields = ("auditor", "all_departments", "departments", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        audit_assignment_validate(
            auditor=data.get("auditor"),
            departments=list(data.get("departments") or []),
            all_departments=bool(data.get("all_departments")),
        )
        return data


@admin.register(AuditAssignment)
class AuditAssignmentAdmin(admin.ModelAdmin[AuditAssignment]):
    """Assign auditors (through the service, which checks who may); revoke with the action.

    Assignments are never edited or deleted: a change is a revocation and a new assignment.
    """

    list_display = ("auditor", "all_departments", "assigned_by", "assigned_at", "revoked_at")
    list_filter = ("all_departments", "revoked_at")
    list_select_related = ("auditor", "assigned_by")
    form = AuditAssignmentAdminForm
    fields = ("auditor", "all_departments", "departments", "note")
    raw_id_fields = ("auditor",)
    filter_horizontal = ("departments",)
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return audit_assigner(user=request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: AuditAssignment,
        form: forms.ModelForm[AuditAssignment],
        change: bool,
    ) -> None:
        assert isinstance(request.user, User)
        data = form.cleaned_data  # validated by the form's clean (the service's own rules)
        created = audit_assignment_create(
            actor=request.user,
            auditor=data["auditor"],
            departments=list(data["departments"]),
            all_departments=data["all_departments"],
            note=data["note"],
        )
        obj.pk = created.pk

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm[AuditAssignment],
        formsets: Any,
        change: bool,
    ) -> None:
        """The service has set the departments already."""

    @admin.action(description=_("Revoke the selected assignments"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[AuditAssignment]) -> None:
        assert isinstance(request.user, User)
        for assignment in queryset.filter(revoked_at__isnull=True):
            audit_assignment_revoke(actor=request.user, assignment=assignment)
        messages.success(request, _("The selected assignments were revoked."))
