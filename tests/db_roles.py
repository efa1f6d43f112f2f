"""The suite works as the runtime database role of docs/deploy.md ("Database roles").

The test process logs in as ``DATABASE_URL``'s user (a superuser in CI), which creates the
test database and runs the migrations, so it owns every table. Then ``runtime_role_enter``
creates ``<test db>_runtime``, grants it what ``manage.py db_grant_runtime`` grants (the one
list), and makes every new connection act as that role (PostgreSQL's ``-c role=``), the test
process's and, through ``DATABASE_ROLE``, every subprocess's (web, workers, commands).

What the portal cannot do, a test does only inside ``as_owner()``: visible in the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

_ROLE_OPTION = "-c role="


def runtime_role_name(using: str = DEFAULT_DB_ALIAS) -> str:
    """``<test database>_runtime``: one per test database, so parallel runs never share it."""
    name = str(connections[using].settings_dict["NAME"]).lower()
    return f"{name[:54]}_runtime"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _postgres_connections() -> list[BaseDatabaseWrapper]:
    return [c for c in connections.all() if c.vendor == "postgresql"]


def runtime_role_enter() -> str | None:
    """Create (again) the runtime role, grant it, and act as it from the next connection on."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return None
    role = runtime_role_name()
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            # NOLOGIN: only a member (the login) can act as it; it exists for the grants.
            cursor.execute(f"CREATE ROLE {_quote(role)} NOLOGIN")
    call_command("db_grant_runtime", role=role, verbosity=0)
    for each in _postgres_connections():
        each.close()
        each.settings_dict.setdefault("OPTIONS", {})["options"] = f"{_ROLE_OPTION}{role}"
    return role


def runtime_role_leave() -> None:
    """Back to the login role (to drop the test database at the end)."""
    for each in _postgres_connections():
        each.close()
        options = each.settings_dict.get("OPTIONS", {})
        if str(options.get("options", "")).startswith(_ROLE_OPTION):
            del options["options"]


def acting_role(using: str = DEFAULT_DB_ALIAS) -> str:
    """The role the suite's connections act as ("" when they act as the login role)."""
    options = str(connections[using].settings_dict.get("OPTIONS", {}).get("options", ""))
    return options.removeprefix(_ROLE_OPTION) if options.startswith(_ROLE_OPTION) else ""


@contextmanager
def as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Act as the login role, the tables' owner, for the statements inside: a DBA, not the portal.

    ``SET ROLE NONE`` for this connection; afterwards back to the role it acted as. Inside a
    transaction that is rolled back, PostgreSQL undoes the first SET as well.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        row = cursor.fetchone()
        assert row is not None
        before = str(row[0])
        cursor.execute("SET ROLE NONE")

    def back() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {_quote(before)}")

    try:
        yield
    except BaseException:
        with suppress(DatabaseError):  # an aborted transaction: its rollback undoes the SET
            back()
        raise
    back()
