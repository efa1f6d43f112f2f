"""Grant the runtime database role exactly what the running portal needs (PostgreSQL).

The one place where the role split of docs/deploy.md ("Database roles") is written down:
the deployment runs it, and tests/core/test_db_roles.py runs it and then works as the
runtime role. A migration role owns the schema (runs ``migrate`` and this command); the
runtime role (web, workers, beat) owns nothing, so it can neither alter a table nor
disable a trigger, and it holds:

* ``SELECT, INSERT`` on the append-only ledger tables (never UPDATE, DELETE, TRUNCATE);
* ``SELECT, INSERT, DELETE`` on ``ledger_pendingevent`` (the sequencer deletes what it
  appended, in the same transaction);
* ``SELECT`` on ``django_migrations``, ``django_content_type`` and ``auth_permission``
  (written by ``migrate`` only);
* ``SELECT, INSERT, UPDATE, DELETE`` on every other table, and ``USAGE, SELECT`` on the
  sequences; never TRUNCATE, REFERENCES or TRIGGER, and no CREATE on the schema.

Run it again after every ``migrate``: new tables get no privileges until then.
"""

from collections.abc import Iterable

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ledger.constants import APPEND_ONLY_TABLES

DEFAULT_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
RUNTIME_PRIVILEGES: dict[str, tuple[str, ...]] = {
    **{table: ("SELECT", "INSERT") for table in APPEND_ONLY_TABLES},
    "ledger_pendingevent": ("SELECT", "INSERT", "DELETE"),
    "django_migrations": ("SELECT",),
    "django_content_type": ("SELECT",),
    "auth_permission": ("SELECT",),
}


def runtime_grants_sql(*, role: str, schema: str, tables: Iterable[str]) -> list[str]:
    """The statements, in order: revoke everything, then grant table by table."""

    def q(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    r, s = q(role), q(schema)
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
        f"REVOKE ALL ON SCHEMA {s} FROM {r}",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
    ]
    for table in sorted(tables):
        privileges = ", ".join(RUNTIME_PRIVILEGES.get(table, DEFAULT_PRIVILEGES))
        statements.append(f"GRANT {privileges} ON {s}.{q(table)} TO {r}")
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}")
    return statements


class Command(BaseCommand):
    help = (
        "Grant a PostgreSQL runtime role exactly the privileges the portal needs "
        "(run as the schema owner, after every migrate)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, help="the runtime role (web, workers)")
        parser.add_argument("--schema", default="public", help="the schema of the tables")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--print", action="store_true", help="print the statements, change nothing"
        )

    def handle(self, *args: object, **options: object) -> None:
        connection = connections[str(options["database"])]
        if connection.vendor != "postgresql":
            raise CommandError("db_grant_runtime needs PostgreSQL; SQLite has no roles.")
        role, schema = str(options["role"]), str(options["schema"])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = %s", [schema]
            )
            tables = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"There is no role {role!r}: CREATE ROLE it first.")
            if found[0]:
                raise CommandError(f"{role!r} is a superuser, which ignores privileges.")
            cursor.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = %s "
                "AND pg_catalog.pg_has_role(%s, tableowner, 'USAGE')",
                [schema, role],
            )
            owned = cursor.fetchone()
            if owned is not None and owned[0]:
                raise CommandError(
                    f"{role!r} owns tables in {schema!r}: the runtime role must own nothing "
                    "(an owner can disable the ledger's triggers). Run migrate as another role."
                )
        statements = runtime_grants_sql(role=role, schema=schema, tables=tables)
        if options["print"]:
            for statement in statements:
                self.stdout.write(statement + ";")
            return
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"Granted {role} the runtime privileges on {len(tables)} tables.")
