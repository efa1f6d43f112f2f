"""Sealed reads (covert investigations): two permissions, the investigator role's group, and
the department administrator's right to unseal early; a department system may be allowed to
read sealed.

The groups are also synchronised after every migrate (``role_groups_sync``); this migration
makes the change part of the schema history, so a database is right even before that runs.
"""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

NEW = {
    "read_sealed": "Read sealed for a covert investigation, under a legal order",
    "unseal_reads": "Unseal the department's sealed reads before their date",
}
GROUPS = {
    "investigator": ("read_exchange", "read_sealed", "unseal_reads"),
    "department_admin": ("unseal_reads",),
}


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    content_type, _created = content_type_model.objects.get_or_create(
        app_label="departments", model="department"
    )
    for codename, name in NEW.items():
        permission_model.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
    for group_name, codenames in GROUPS.items():
        group, _created = group_model.objects.get_or_create(name=group_name)
        group.permissions.add(
            *permission_model.objects.filter(content_type=content_type, codename__in=codenames)
        )


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    permission_model = apps.get_model("auth", "Permission")
    permission_model.objects.filter(
        content_type__app_label="departments", codename__in=NEW
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0005_grant_exchange_permissions_to_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="department",
            options={
                "ordering": ["code"],
                "permissions": [
                    ("accept_application", "Accept or refuse applications at the window"),
                    ("review_application", "Review applications"),
                    ("approve_application", "Approve or reject applications"),
                    ("manage_sharing", "Approve, narrow and revoke data sharing grants"),
                    ("manage_datasets", "Maintain the department's datasets"),
                    ("administer_department", "Administer the department's staff and systems"),
                    ("read_exchange", "Read other departments' data through the exchange"),
                    ("request_grants", "Request data sharing grants from other departments"),
                    ("read_sealed", "Read sealed for a covert investigation, under a legal order"),
                    ("unseal_reads", "Unseal the department's sealed reads before their date"),
                ],
                "verbose_name": "department",
                "verbose_name_plural": "departments",
            },
        ),
        migrations.AddField(
            model_name="departmentsystem",
            name="may_read_sealed",
            field=models.BooleanField(
                default=False,
                help_text="Allowed to make sealed reads for covert investigations (with a legal order).",
                verbose_name="may read sealed",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
