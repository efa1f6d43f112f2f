from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Firm, FirmRepresentative, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ("username", "real_name", "kind", "masked_id", "department", "is_active")
    list_filter = ("kind", "department", "groups", "is_active")
    search_fields = ("username", "real_name", "email")
    list_select_related = ("department",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Identity"), {"fields": ("kind", "real_name", "id_number", "phone", "department")}),
    )

    @admin.display(description=_("identity number"))
    def masked_id(self, obj: User) -> str:
        return obj.masked_id_number if obj.id_number else "—"


class FirmRepresentativeInline(admin.TabularInline[FirmRepresentative, Firm]):
    model = FirmRepresentative
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin[Firm]):
    list_display = ("name", "masked", "region", "industry_code", "registered_on")
    search_fields = ("name", "uscc")
    list_filter = ("region",)
    inlines = [FirmRepresentativeInline]

    @admin.display(description=_("unified social credit code"))
    def masked(self, obj: Firm) -> str:
        return obj.masked_uscc


from portal.accounts import admin_authenticators  # noqa: E402, F401  # replaces django-otp's admin
