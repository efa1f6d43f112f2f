"""The database role split of docs/deploy.md works, and the runtime role cannot rewrite the log.

On the test database: a migration role owns the schema and runs ``db_grant_runtime``, the
command the deployment runs; then the portal logs in as the runtime role, reads through the
exchange (an access and a pending event) and sequences the ledger, and every way of
rewriting or emptying the ledger is refused, as is disabling its triggers.
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from ledger.constants import APPEND_ONLY_TABLES
from ledger.models import Entry, PendingEvent
from ledger.services import checkpoint_create, ledger_sequence_all
from portal.departments.constants import StaffRole
from portal.departments.services import used_signatures_purge
from portal.exchange.models import Access
from portal.exchange.services import Reader, exchange_read
from tests.conftest import make_staff
from tests.exchange.factories import FIRM_CODE, make_grant, make_world

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def _sql(statement: str, params: list[str] | None = None) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall()) if cursor.description else []


@contextmanager
def _logged_in_as(user: str, password: str) -> Iterator[None]:
    """Reconnect Django's default connection as ``user`` (a real login), then back."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(USER=user, PASSWORD=password)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture
def roles() -> Iterator[tuple[str, str, str]]:
    """``<db>_owner`` owns every table and function of the schema; ``<db>_runtime`` nothing."""
    base = str(connection.settings_dict["NAME"]).lower()[:40]
    owner, runtime, password = f"{base}_owner", f"{base}_runtime", secrets.token_urlsafe(16)

    def drop() -> None:
        for role in (runtime, owner):
            if _sql("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]):
                _sql(f'REASSIGN OWNED BY "{role}" TO CURRENT_USER')
                _sql(f'DROP OWNED BY "{role}"')
                _sql(f'DROP ROLE "{role}"')

    drop()
    _sql(f"CREATE ROLE \"{owner}\" LOGIN PASSWORD '{password}'")
    _sql(f"CREATE ROLE \"{runtime}\" LOGIN PASSWORD '{password}'")
    _sql(f'ALTER SCHEMA public OWNER TO "{owner}"')
    for (table,) in _sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"):
        _sql(f'ALTER TABLE public."{table}" OWNER TO "{owner}"')
    for (function,) in _sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
    ):
        _sql(f'ALTER FUNCTION {function} OWNER TO "{owner}"')
    try:
        yield owner, runtime, password
    finally:
        drop()


def _refused(statement: str, fragment: str) -> None:
    with pytest.raises(DatabaseError, match=fragment):
        _sql(statement)


def test_runtime_role_does_its_work_and_cannot_rewrite_the_ledger(
    roles: tuple[str, str, str],
) -> None:
    owner, runtime, password = roles
    world = make_world()
    make_grant(world, ["name"])
    staff = make_staff(world.reader, StaffRole.REVIEWER)
    with _logged_in_as(owner, password):
        call_command("db_grant_runtime", role=runtime, verbosity=0)

    with _logged_in_as(runtime, password):
        assert _sql("SELECT current_user") == [(runtime,)]
        result = exchange_read(
            reader=Reader(department=world.reader, user=staff),
            dataset_code=world.conditional.code,
            subject_identifier=FIRM_CODE,
            fields=["name"],
            purpose="核验企业登记信息",
        )
        assert result.granted
        assert Access.objects.count() == 1
        assert PendingEvent.objects.count() == 1
        assert ledger_sequence_all() == 1
        assert Entry.objects.count() == 1 and PendingEvent.objects.count() == 0
        checkpoint = checkpoint_create()
        assert checkpoint is not None and checkpoint.tree_size == 1
        used_signatures_purge()
        # A signed-in page: sessions, the user's last login, the home page's queries.
        client = Client()
        client.force_login(staff)
        assert client.get("/", follow=True).status_code == 200

        for table in APPEND_ONLY_TABLES:
            _refused(f"TRUNCATE {table}", "permission denied")
            _refused(f"DELETE FROM {table}", "permission denied")  # noqa: S608 - constants
            _refused(f"ALTER TABLE {table} DISABLE TRIGGER USER", "must be owner")
        _refused("UPDATE ledger_entry SET outcome = 'granted'", "permission denied")
        _refused("TRUNCATE ledger_pendingevent", "permission denied")
        _refused("UPDATE ledger_pendingevent SET payload = '{}'", "permission denied")
        _refused("ALTER TABLE ledger_entry OWNER TO CURRENT_USER", "must be owner")
        _refused("DROP TRIGGER ledger_entry_append_only ON ledger_entry", "must be owner")
        _refused("CREATE TABLE intruder (id int)", "permission denied")
        _refused("DELETE FROM django_migrations", "permission denied")
        # Setting the escape hatch does not help a role without the privilege.
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            _sql("SET LOCAL ledger.allow_truncate = 'on'")
            _sql("TRUNCATE ledger_entry")
        assert Entry.objects.count() == 1

    with _logged_in_as(owner, password):
        # Even the owner, who has every privilege, meets the triggers.
        _refused("TRUNCATE ledger_entry", "append-only: TRUNCATE refused")
        _refused("TRUNCATE ledger_checkpoint, ledger_cosignature", "append-only")
        _refused("UPDATE ledger_entry SET outcome = 'granted'", "append-only")
        _refused("DELETE FROM ledger_treehash", "append-only")
        assert Entry.objects.count() == 1


def test_grant_command_refuses_a_role_that_owns_the_tables(
    roles: tuple[str, str, str],
) -> None:
    owner, _runtime, _password = roles
    with pytest.raises(CommandError, match="must own nothing"):
        call_command("db_grant_runtime", role=owner, verbosity=0)
    with pytest.raises(CommandError, match="no role"):
        call_command("db_grant_runtime", role="nobody-at-all", verbosity=0)


def test_truncate_is_refused_without_the_owners_setting() -> None:
    """The suite runs as a superuser that owns the tables: TRUNCATE needs the setting."""
    _refused("TRUNCATE ledger_entry", "append-only: TRUNCATE refused")
    _refused("TRUNCATE ledger_pendingevent", "append-only: TRUNCATE refused")
