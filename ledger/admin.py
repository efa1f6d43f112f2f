from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ledger.models import Checkpoint, Cosignature, Entry, LedgerKey, Witness
from ledger.selectors import ledger_verify_all


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # shared by several models
    """The ledger's tables only grow: the admin shows them and never edits them."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.action(description=_("Verify the whole ledger now"))
def verify_now(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:  # type: ignore[type-arg]  # any ledger admin
    finding = ledger_verify_all()
    if finding is None:
        modeladmin.message_user(request, _("The ledger verifies."), messages.SUCCESS)
    else:
        modeladmin.message_user(request, str(finding), messages.ERROR)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("index", "recorded_at", "dataset", "outcome", "key_id")
    list_filter = ("outcome", "dataset")
    search_fields = ("=index",)
    actions = [verify_now]
    readonly_fields = ("index", "event_id", "entry_text", "leaf_hex", "key_id", "recorded_at")
    fields = readonly_fields

    @admin.display(description=_("entry bytes"))
    def entry_text(self, obj: Entry) -> str:
        return bytes(obj.data).decode()

    @admin.display(description=_("leaf hash"))
    def leaf_hex(self, obj: Entry) -> str:
        return bytes(obj.leaf_hash).hex()


class CosignatureInline(admin.TabularInline):  # type: ignore[type-arg]  # read-only inline
    model = Cosignature
    extra = 0
    can_delete = False
    readonly_fields = ("witness_name", "line", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("id", "tree_size", "created_at", "cosignature_count")
    readonly_fields = ("tree_size", "note", "created_at")
    fields = readonly_fields
    inlines = [CosignatureInline]
    actions = [verify_now]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Checkpoint]:
        return super().get_queryset(request).prefetch_related("cosignatures")

    @admin.display(description=_("cosignatures"))
    def cosignature_count(self, obj: Checkpoint) -> int:
        return len(obj.cosignatures.all())


@admin.register(LedgerKey)
class LedgerKeyAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "vkey", "created_at")


@admin.register(Witness)
class WitnessAdmin(admin.ModelAdmin[Witness]):
    list_display = ("name", "url", "department", "is_active")
