"""Django admin: read-only views of the policies data (writes go through the back office and
the API, whose services keep the history, the search index and the push)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from policies.models import (
    BenefitAward,
    FirmProfile,
    Policy,
    PolicyRating,
    PolicyRun,
    PolicyVersion,
)
from portal.core.admin_privacy import ExchangeDataHiddenAdmin


class ReadOnlyAdmin(ExchangeDataHiddenAdmin):
    """Read-only, and exchange-derived fields hidden (portal/core/admin_privacy.py)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PolicyVersionInline(admin.TabularInline[PolicyVersion, Policy]):
    model = PolicyVersion
    extra = 0
    fields = ("version", "action", "note", "by_user", "by_system", "at")
    readonly_fields = ("version", "action", "note", "by_user", "by_system", "at")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ["title", "document_number", "department", "status", "version", "published_on"]
    list_filter = ["status", "department", "grant_without_applying"]
    search_fields = ["title", "document_number"]
    inlines = [PolicyVersionInline]


@admin.register(PolicyRun)
class PolicyRunAdmin(ReadOnlyAdmin):
    list_display = [
        "policy",
        "kind",
        "policy_version",
        "status",
        "processed",
        "total",
        "created_at",
    ]
    list_filter = ["kind", "status"]


@admin.register(BenefitAward)
class BenefitAwardAdmin(ReadOnlyAdmin):
    list_display = ["policy", "firm", "status", "amount", "decided_at"]
    list_filter = ["status"]
    fields = [
        "policy",
        "firm",
        "status",
        "amount",
        "access_ids",
        "policy_version",
        "decided_at",
        "declined_at",
        "decline_reason",
    ]


@admin.register(PolicyRating)
class PolicyRatingAdmin(ReadOnlyAdmin):
    list_display = ["policy", "firm", "clarity", "handling", "created_at"]


@admin.register(FirmProfile)
class FirmProfileAdmin(ReadOnlyAdmin):
    """Only when and by whom the profile was assembled; its figures are left out."""

    list_display = ["firm", "reader", "refreshed_at"]
    fields = ["firm", "reader", "refreshed_at"]
