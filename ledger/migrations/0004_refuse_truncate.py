"""Refuse TRUNCATE on the ledger's tables (PostgreSQL; SQLite has no TRUNCATE).

Row triggers (0002) do not fire on TRUNCATE, so a statement-level BEFORE TRUNCATE
trigger refuses it. The one exception lets the tables' owner (the migration role,
never the runtime role: see docs/deploy.md, "Database roles") empty them on purpose
by setting ``SET LOCAL ledger.allow_truncate = 'on'`` in the same transaction, as the
test suite's flush and the benchmarks do. This weakens nothing: the owner could drop the
trigger anyway, and the runtime role has no TRUNCATE privilege at all.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The append-only tables, and the pending events waiting for them.
TABLES = (
    "ledger_entry",
    "ledger_treehash",
    "ledger_checkpoint",
    "ledger_cosignature",
    "ledger_ledgerkey",
    "ledger_pendingevent",
)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('ledger.allow_truncate', true), '') = 'on'
       AND pg_catalog.pg_has_role(
           current_user,
           (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
           'USAGE'
       ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'ledger table % is append-only: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(PG_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_truncate()"
        )


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS ledger_refuse_truncate()")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_pending_event_data")]

    operations = [migrations.RunPython(forwards, backwards)]
