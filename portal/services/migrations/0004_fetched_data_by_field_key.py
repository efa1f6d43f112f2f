"""Fetched materials keep their data by field key ([["name", "…"], …]) rather than by the
catalogue's Chinese label, so every page shows the label in its own language
(portal.exchange.records). Pairs whose label the catalogue no longer has stay as they are."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    material_model = apps.get_model("services", "Material")
    dataset_model = apps.get_model("exchange", "Dataset")
    keys_by_label = {
        code: {str(f.get("label")): str(f["name"]) for f in fields if isinstance(f, dict)}
        for code, fields in dataset_model.objects.values_list("code", "fields")
    }
    changed = []
    for material in material_model.objects.exclude(exchange_data=None).iterator():
        keys = keys_by_label.get(material.exchange_dataset, {})
        pairs = [
            [keys.get(str(pair[0]), pair[0]), pair[1]]
            if isinstance(pair, list) and len(pair) == 2
            else pair
            for pair in material.exchange_data or []
        ]
        if pairs != material.exchange_data:
            material.exchange_data = pairs
            changed.append(material)
    material_model.objects.bulk_update(changed, ["exchange_data"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0003_english_content"),
        ("exchange", "0005_access_purpose_en"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
