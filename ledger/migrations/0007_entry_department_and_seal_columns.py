"""Denormalised public columns for the transparency report: ``department``, ``sealed_until``
and ``unseals`` (docs/ledger-formats.md §7.5), copied from the entry bytes.

New entries get them from the sequencer; entries already stored are filled in from their own
bytes here. ``ledger_entry`` refuses UPDATE (migration 0002), so the fill runs with the
append-only trigger set aside for this one statement, as the tables' owner; it writes only
these new columns, never the signed bytes, leaf hash or signature, and ``ledger_verify``
checks every column against the bytes. On SQLite, adding columns may rebuild the table, which
drops its triggers: they are created again at the end.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

PG_FILL = """
ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only;
UPDATE ledger_entry SET
    department = COALESCE(convert_from(data, 'UTF8')::jsonb->>'department', ''),
    sealed_until = (convert_from(data, 'UTF8')::jsonb->>'sealed_until')::date,
    unseals = (convert_from(data, 'UTF8')::jsonb->>'unseals')::bigint
WHERE department = '' AND convert_from(data, 'UTF8')::jsonb->>'v' = '2';
ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_append_only;
"""

SQLITE_FILL = """
UPDATE ledger_entry SET
    department = COALESCE(json_extract(CAST(data AS TEXT), '$.department'), ''),
    sealed_until = json_extract(CAST(data AS TEXT), '$.sealed_until'),
    unseals = json_extract(CAST(data AS TEXT), '$.unseals')
WHERE department = '' AND json_extract(CAST(data AS TEXT), '$.v') = 2
"""


def fill_from_bytes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FILL, params=None)
    elif vendor == "sqlite":
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS ledger_entry_no_{op}")
        schema_editor.execute(SQLITE_FILL, params=None)
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER ledger_entry_no_{op.lower()} BEFORE {op} ON ledger_entry "
                "BEGIN SELECT RAISE(ABORT, 'ledger table ledger_entry is append-only'); END"
            )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_label_index")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="department",
            field=models.CharField(
                db_default="", default="", max_length=64, verbose_name="department"
            ),
        ),
        migrations.AddField(
            model_name="entry",
            name="sealed_until",
            field=models.DateField(
                blank=True, db_index=True, null=True, verbose_name="sealed until"
            ),
        ),
        migrations.AddField(
            model_name="entry",
            name="unseals",
            field=models.BigIntegerField(
                blank=True, db_index=True, null=True, verbose_name="unseals entry"
            ),
        ),
        migrations.RunPython(fill_from_bytes, migrations.RunPython.noop),
    ]
