from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from portal.exchange.models import Access, Dataset, Objection, SharingGrant
from portal.exchange.services import dataset_errors, dataset_save


class DatasetForm(forms.ModelForm[Dataset]):
    """The declaration is checked by ``dataset_errors``, as for ``dataset_upsert``."""

    class Meta:
        model = Dataset
        fields = [
            "code",
            "name",
            "name_en",
            "owner",
            "subject_kind",
            "sharing_class",
            "fields",
            "description",
            "description_en",
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        dataset = Dataset(pk=self.instance.pk)
        for name, value in data.items():
            setattr(dataset, name, value)
        errors = dataset_errors(dataset)
        if errors:
            raise ValidationError(errors)
        return data


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin[Dataset]):
    form = DatasetForm
    list_display = ("code", "name", "owner", "subject_kind", "sharing_class")
    list_filter = ("sharing_class", "subject_kind", "owner")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("owner",)

    def save_model(
        self, request: HttpRequest, obj: Dataset, form: forms.ModelForm[Dataset], change: bool
    ) -> None:
        dataset_save(dataset=obj)


@admin.register(SharingGrant)
class SharingGrantAdmin(admin.ModelAdmin[SharingGrant]):
    """Read-only here: grants are requested and decided in the back office by the stewards."""

    list_display = ("dataset", "requester", "status", "valid_from", "valid_until")
    list_filter = ("status",)
    list_select_related = ("dataset", "requester")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Access)
class AccessAdmin(admin.ModelAdmin[Access]):
    """Accesses are facts: shown, never edited (their ledger entries prove them)."""

    list_display = ("at", "reader_department", "dataset", "outcome", "reason", "purpose")
    list_filter = ("outcome", "reason", "reader_department")
    list_select_related = ("reader_department", "dataset")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin[Objection]):
    """Read-only: objections are answered in the back office by the reading department's
    administrator, or after the deadline by its auditors
    (``portal.exchange.access.may_handle_objection``)."""

    list_display = ("reference", "created_at", "status", "due_on", "escalated_at")
    list_filter = ("status",)
    search_fields = ("reference",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
