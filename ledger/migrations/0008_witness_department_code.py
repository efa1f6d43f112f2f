"""A witness's owner is a department code: the ledger imports nothing of the portal."""

from django.db import migrations, models


def codes_forward(apps, schema_editor):
    Witness = apps.get_model("ledger", "Witness")
    for witness in Witness.objects.exclude(department__isnull=True).select_related("department"):
        witness.department_code = witness.department.code
        witness.save(update_fields=["department_code"])


def codes_backward(apps, schema_editor):
    Witness = apps.get_model("ledger", "Witness")
    Department = apps.get_model("departments", "Department")
    for witness in Witness.objects.exclude(department_code=""):
        witness.department = Department.objects.filter(code=witness.department_code).first()
        witness.save(update_fields=["department"])


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0001_initial"),
        ("ledger", "0007_entry_department_and_seal_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="witness",
            name="department_code",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="department"),
        ),
        migrations.RunPython(codes_forward, codes_backward),
        migrations.RemoveField(model_name="witness", name="department"),
        migrations.RenameField(model_name="witness", old_name="department_code", new_name="department"),
    ]
