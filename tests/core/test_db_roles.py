"""The database role split of docs/deploy.md works, and the runtime role cannot rewrite the log.

The whole suite acts as a runtime role (tests/db_roles.py); the first tests show it. Then, on
the test database: a migration role owns the schema and runs ``db_grant_runtime``, the
command the deployment runs; then the portal logs in as a runtime role, reads through the
exchange (an access and a pending event) and sequences the ledger, and every way of
rewriting or emptying the ledger is refused, as is disabling its triggers.
"""

import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
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
from tests.db_roles import acting_role, as_owner, runtime_role_name
from tests.factories import FIRM_CODE, make_citizen, make_grant, make_staff, make_world
from tests.integration.conftest import ROOT
from tests.ledger.django.support import ledger_env, record

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
    """Reconnect Django's default connection as ``user`` (a real login, acting as itself)."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(USER=user, PASSWORD=password, OPTIONS={})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_the_suite_acts_as_the_runtime_role() -> None:
    """An ordinary test's connection: the runtime role, which cannot rewrite the ledger."""
    role = runtime_role_name()
    assert _sql("SELECT current_user, session_user <> current_user") == [(role, True)]
    assert acting_role() == role
    make_citizen()  # the product's writes work
    record(1)
    assert ledger_sequence_all() == 1
    _refused("UPDATE ledger_entry SET outcome = 'granted'", "permission denied")
    _refused("DELETE FROM ledger_entry", "permission denied")
    _refused("TRUNCATE ledger_pendingevent", "permission denied")
    _refused("ALTER TABLE ledger_entry DISABLE TRIGGER USER", "must be owner")
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        Entry.objects.update(outcome="granted")
    with as_owner():
        assert _sql("SELECT current_user") == [(connection.settings_dict["USER"],)]
    assert _sql("SELECT current_user") == [(role,)]


def test_subprocesses_act_as_the_runtime_role() -> None:
    """Web, workers and commands the tests start get the role through DATABASE_ROLE."""
    env = ledger_env()
    assert env["DATABASE_ROLE"] == runtime_role_name()
    result = subprocess.run(
        [sys.executable, "-c", SHOW_USER],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == runtime_role_name()


SHOW_USER = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT current_user")
    print(cursor.fetchone()[0])
"""


@pytest.fixture
def roles() -> Iterator[tuple[str, str, str]]:
    """``<db>_owner`` owns every table and function of the schema; ``<db>_web`` nothing.

    Made by the tables' owner (the suite's login), since the suite's runtime role cannot.
    """
    base = str(connection.settings_dict["NAME"]).lower()[:40]
    owner, runtime, password = f"{base}_owner", f"{base}_web", secrets.token_urlsafe(16)

    def drop() -> None:
        for role in (runtime, owner):
            if _sql("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]):
                _sql(f'REASSIGN OWNED BY "{role}" TO CURRENT_USER')
                _sql(f'DROP OWNED BY "{role}"')
                _sql(f'DROP ROLE "{role}"')

    with as_owner():
        _make(drop, owner, runtime, password)
    try:
        yield owner, runtime, password
    finally:
        with as_owner():
            drop()


def _make(drop: Callable[[], None], owner: str, runtime: str, password: str) -> None:
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
    """The suite logs in as a superuser that owns the tables: TRUNCATE needs the setting."""
    _refused("TRUNCATE ledger_entry", "permission denied")  # as the runtime role
    with as_owner():
        _refused("TRUNCATE ledger_entry", "append-only: TRUNCATE refused")
        _refused("TRUNCATE ledger_pendingevent", "append-only: TRUNCATE refused")
