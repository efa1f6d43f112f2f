"""Existing deployments: give the role groups the new exchange permissions, and end the
auditor role (auditing is now an audit assignment by the audit office).

The groups are also synchronised after every migrate (``role_groups_sync``); this migration
makes the change part of the schema history, so a database is right even before that runs.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

NEW = {
    "read_exchange": ("Read other departments' data through the exchange",),
    "request_grants": ("Request data sharing grants from other departments",),
}
GROUPS = {
    "window_clerk": ("read_exchange",),
    "reviewer": ("read_exchange",),
    "approver": ("read_exchange",),
    "data_steward": ("request_grants",),
}


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    content_type, _created = content_type_model.objects.get_or_create(
        app_label="departments", model="department"
    )
    permissions = {
        codename: permission_model.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, (name,) in NEW.items()
    }
    for group_name, codenames in GROUPS.items():
        group = group_model.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.add(*(permissions[c] for c in codenames))
    auditor = group_model.objects.filter(name="auditor").first()
    if auditor is not None:
        auditor.permissions.clear()


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group in group_model.objects.filter(name__in=GROUPS):
        group.permissions.remove(
            *permission_model.objects.filter(
                content_type__app_label="departments", codename__in=NEW
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0004_audit_assignments_and_exchange_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
