from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from portal.core.admin_privacy import ExchangeDataHiddenAdmin
from portal.services.models import (
    Application,
    ApplicationEvent,
    DecisionDocument,
    Evaluation,
    Material,
    ServiceItem,
    Theme,
)
from portal.services.services import service_item_errors, service_item_save


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
    list_display = ["code", "kind", "name", "name_en", "order"]
    list_filter = ["kind"]


class ServiceItemForm(forms.ModelForm[ServiceItem]):
    """The guide and the form schema are edited here; ``service_item_errors`` checks them."""

    class Meta:
        model = ServiceItem
        fields = [
            "department",
            "code",
            "name",
            "name_en",
            "summary",
            "summary_en",
            "keywords",
            "themes",
            "for_citizens",
            "for_firms",
            "conditions",
            "conditions_en",
            "materials",
            "process_steps",
            "form_schema",
            "reference_datasets",
            "legal_days",
            "promised_days",
            "fee",
            "fee_en",
            "legal_basis",
            "legal_basis_en",
            "phone",
            "offline_address",
            "offline_address_en",
            "is_published",
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        errors = service_item_errors(self.instance_with(data))
        if errors:
            raise ValidationError(errors)
        return data

    def instance_with(self, data: dict[str, object]) -> ServiceItem:
        item = ServiceItem(pk=self.instance.pk)
        for name, value in data.items():
            if name != "themes" and hasattr(item, name):
                setattr(item, name, value)
        return item


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin[ServiceItem]):
    form = ServiceItemForm
    list_display = ["code", "name", "department", "promised_days", "legal_days", "is_published"]
    list_filter = ["department", "is_published", "for_firms", "for_citizens", "themes"]
    search_fields = ["code", "name", "name_en", "keywords"]
    filter_horizontal = ["themes"]
    list_select_related = ["department"]

    def save_model(
        self,
        request: HttpRequest,
        obj: ServiceItem,
        form: forms.ModelForm[ServiceItem],
        change: bool,
    ) -> None:
        service_item_save(item=obj)


class EventInline(admin.TabularInline[ApplicationEvent, Application]):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor_user", "actor_system", "action", "from_status", "to_status"]
    fields = [*readonly_fields, "reason"]

    def has_add_permission(self, request: HttpRequest, obj: Application | None = None) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ApplicationEvent | Application | None = None
    ) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ExchangeDataHiddenAdmin):
    """Read-only: applications move only through the workflow (pages and API)."""

    list_display = ["number", "service", "department", "status", "submitted_at", "due_date"]
    list_filter = ["status", "department"]
    search_fields = ["number"]
    list_select_related = ["service", "department"]
    inlines = [EventInline]
    raw_id_fields = ["applicant", "firm", "service"]
    fields = [
        "number",
        "service",
        "department",
        "applicant",
        "firm",
        "status",
        "current_step",
        "created_at",
        "submitted_at",
        "accepted_at",
        "decided_at",
        "due_date",
    ]
    readonly_fields = ["created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Application | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Application | None = None) -> bool:
        return False


@admin.register(Material)
class MaterialAdmin(ExchangeDataHiddenAdmin):
    list_display = ["application", "requirement_code", "source", "content_type", "size"]
    list_filter = ["source"]
    raw_id_fields = ["application", "exchange_access", "uploaded_by"]
    # Never ``exchange_data``: portal/core/admin_privacy.py.
    fields = [
        "application",
        "requirement_code",
        "source",
        "file",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "exchange_dataset",
        "exchange_department",
        "exchange_access",
        "uploaded_by",
    ]

    # Materials are uploaded or fetched by the applicant's own steps, never added here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Material | None = None) -> bool:
        return False


@admin.register(DecisionDocument)
class DecisionDocumentAdmin(admin.ModelAdmin[DecisionDocument]):
    list_display = ["code", "application", "issued_at"]
    search_fields = ["code", "application__number"]
    raw_id_fields = ["application"]

    # A decision document is issued by the approval only: none is added or changed here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: DecisionDocument | None = None
    ) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin[Evaluation]):
    list_display = ["application", "department", "rating", "status", "created_at"]
    list_filter = ["status", "rating", "department"]
    raw_id_fields = ["application", "replied_by"]

    # Ratings are the applicant's and replies the department's (services.access decides).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Evaluation | None = None) -> bool:
        return False
