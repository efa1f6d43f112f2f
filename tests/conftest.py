"""Shared fixtures: small factories that go through the services, as the product does."""

import os
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django import DjangoDbBlocker

from portal.accounts.models import User
from portal.departments.models import Department
from tests.db_roles import as_owner, runtime_role_enter, runtime_role_leave
from tests.factories import make_citizen, make_department


@pytest.fixture(scope="session", autouse=True)
def _static_files_collected() -> None:
    """Pages name static files by their hashed names (the manifest of ``collectstatic``), as
    in production: collect them (compressed) into the test STATIC_ROOT unless it is current."""
    from portal.core.staticfiles import static_collect_if_stale

    static_collect_if_stale()


@pytest.fixture(scope="session", autouse=True)
def _live_server_static_through_whitenoise() -> Iterator[None]:
    """pytest-django's live server answers /static/ from the finders, which know no hashed
    names; let those requests reach the portal, whose WhiteNoise serves the collected files as
    in production (hashed, compressed). Test-only."""
    from django.contrib.staticfiles.handlers import StaticFilesHandlerMixin

    original = StaticFilesHandlerMixin._should_handle
    StaticFilesHandlerMixin._should_handle = lambda self, path: False  # type: ignore[method-assign]  # test hook
    yield
    StaticFilesHandlerMixin._should_handle = original  # type: ignore[method-assign]  # restore


@pytest.fixture(scope="session", autouse=True)
def _fresh_rate_counters() -> None:
    """Throttle counters live in the shared cache (Redis), which outlives a test run: start
    each run from zero so that a second run within the hour is not refused by the first's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_rate_counters_per_test() -> None:
    """Each test starts with no throttle counted against its client address: every browser
    test signs up or in from 127.0.0.1, so counters left by earlier tests would refuse later
    ones depending on the order of the run (10 sign-ups an hour per address). Only the
    throttles' keys go: the broker's queues share the Redis database."""
    from django.core.cache import cache

    client = getattr(cache, "_cache", None)
    if client is None or not hasattr(client, "get_client"):  # a file cache: nothing shared
        cache.clear()
        return
    redis = client.get_client(write=True)
    keys = list(redis.scan_iter(match="*throttle_*", count=1000))
    if keys:
        redis.delete(*keys)


@pytest.fixture(scope="session", autouse=True)
def _flush_may_truncate_the_ledger() -> Iterator[None]:
    """Let the suite's flush (transactional tests) empty the ledger tables on PostgreSQL.

    The ledger refuses TRUNCATE unless its tables' owner sets ``ledger.allow_truncate``
    in the same transaction (ledger/migrations/0004_refuse_truncate.py); the flush runs
    its statements in one transaction, so the setting goes first. Test-only.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(
        self: DatabaseOperations,
        style: object,
        tables: Sequence[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        return ["SET LOCAL ledger.allow_truncate = 'on'", *statements] if statements else []

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign,assignment]  # test hook
    yield
    DatabaseOperations.sql_flush = original  # type: ignore[method-assign]  # restore


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[str | None]:
    """The test database as pytest-django makes it, then every connection as the runtime role.

    See tests/db_roles.py; ``SELECT current_user`` in a test is ``<test db>_runtime``.
    """
    with django_db_blocker.unblock():
        role = runtime_role_enter()
    yield role
    with django_db_blocker.unblock():
        runtime_role_leave()


@pytest.fixture(scope="session", autouse=True)
def _flush_as_owner() -> Iterator[None]:
    """The flush after a transactional test empties every table and re-creates the content
    types and permissions (post_migrate): test machinery, done as the owner. Test-only."""
    from django.core.management.commands.flush import Command

    original = Command.handle

    def handle(self: Command, **options: Any) -> None:
        with as_owner(str(options.get("database") or DEFAULT_DB_ALIAS)):
            original(self, **options)

    Command.handle = handle  # type: ignore[method-assign]  # test hook
    yield
    Command.handle = original  # type: ignore[method-assign]  # restore


@pytest.fixture
def department(db: None) -> Department:
    return make_department()


@pytest.fixture
def citizen(db: None) -> User:
    return make_citizen()


# --- Browser tests: headless Debian Chromium driven by Playwright -----------------------

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# fixtures in the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(path):
        pytest.fail(f"Chromium not found at {path}: run the suite with `bash .ci/test`.")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
