"""Reads keep an English form of their purpose, for English pages only (never committed).

Existing reads whose purpose the portal generated (an application's fetch or review, a policy
match or grant check) get their English form; a purpose someone typed keeps none and is shown
as written.
"""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# The generated purposes as they were committed (policies.constants, services.services).
MATCHING = ("惠企政策匹配", "Matching business support policies")
GRANT = ("惠企政策免申即享资格核验：", "Eligibility check for a benefit granted without applying: ")


def _english(purpose: str, number: str, service_names: dict[str, tuple[str, str]]) -> str:
    if purpose == MATCHING[0]:
        return MATCHING[1]
    if purpose.startswith(GRANT[0]):
        return GRANT[1] + purpose.removeprefix(GRANT[0])
    name, name_en = service_names.get(number, ("", ""))
    if not name or not name_en:
        return ""
    if purpose == f"办理{name}（申请{number}）":
        return f"Processing application {number} ({name_en})"
    if purpose.startswith("审查") and purpose.endswith(f"（{number}）"):
        return f"Reviewing application {number} ({name_en})"
    return ""


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    access_model = apps.get_model("exchange", "Access")
    application_model = apps.get_model("services", "Application")
    numbers = set(
        access_model.objects.exclude(application_number="").values_list(
            "application_number", flat=True
        )
    )
    service_names = {
        number: (name, name_en)
        for number, name, name_en in application_model.objects.filter(
            number__in=numbers
        ).values_list("number", "service__name", "service__name_en")
    }
    changed = []
    for access in access_model.objects.filter(purpose_en="").iterator():
        english = _english(access.purpose, access.application_number, service_names)
        if english:
            access.purpose_en = english[:300]
            changed.append(access)
    access_model.objects.bulk_update(changed, ["purpose_en"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0004_objection_lifecycle"),
        ("services", "0003_english_content"),
    ]

    operations = [
        migrations.AddField(
            model_name="access",
            name="purpose_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="English purpose"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
