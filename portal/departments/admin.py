from django.contrib import admin

from portal.departments.models import Department, DepartmentSystem


class DepartmentSystemInline(admin.TabularInline[DepartmentSystem, Department]):
    model = DepartmentSystem
    extra = 0
    fields = ("name", "key_id", "public_key", "is_active")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("code", "name", "region", "parent")
    list_filter = ("region",)
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)
    inlines = [DepartmentSystemInline]


@admin.register(DepartmentSystem)
class DepartmentSystemAdmin(admin.ModelAdmin[DepartmentSystem]):
    list_display = ("key_id", "name", "department", "is_active")
    list_filter = ("is_active", "department")
    search_fields = ("key_id", "name")
    list_select_related = ("department",)
