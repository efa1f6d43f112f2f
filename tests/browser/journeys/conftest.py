"""Fixtures of the journeys: the demo world, and one browser context per width (and with or
without JavaScript) reused by every journey, cleared between them."""

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext

from portal.accounts.models import User
from portal.services.models import Application, ServiceItem
from portal.services.services import (
    application_create_draft,
    application_step_save,
    application_submit,
)
from tests.browser.journeys.checks import Visit

WIDTHS = (1280, 390)
ZH, EN = False, True


@pytest.fixture
def world(db: None, settings: object, tmp_path: Path) -> None:
    """The demo data (``seed_demo``): departments, staff of each role, citizens, firms with
    their figures, services, policies with their matches and grants, a ledger. Passwords are
    hashed fast here (the demo has dozens of accounts; the real hasher is tested elsewhere)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    call_command("seed_demo", stdout=io.StringIO())


def file_tax_refund(username: str) -> Application:
    """A demo citizen files the individual income tax refund (swj-grsdshs, nothing to upload)
    through the services, as the filing journey's pages do: the world of the staff journeys."""
    user = User.objects.get(username=username)
    service = ServiceItem.objects.get(code="swj-grsdshs")
    application = application_create_draft(service=service, applicant=user, firm=None, prefill={})
    steps: list[dict[str, object]] = [
        {"phone": "13700003333", "email": user.email},
        {"tax_year": "2025", "refund": "1280.50", "bank_account": "6222020200119988"},
        {"declaration": True},
    ]
    for step, values in enumerate(steps):
        application_step_save(application=application, user=user, step=step, values=values)
    result = application_submit(application=application, user=user)
    assert not result.problems, result.problems
    application.refresh_from_db()
    return application


@pytest.fixture(scope="session")
def _contexts(browser: Browser) -> Iterator[dict[tuple[int, bool], BrowserContext]]:
    contexts: dict[tuple[int, bool], BrowserContext] = {}
    yield contexts
    for context in contexts.values():
        context.close()


Visitor = Callable[..., Visit]


@pytest.fixture
def visitor(
    browser: Browser,
    live_server: object,
    _contexts: dict[tuple[int, bool], BrowserContext],
    request: pytest.FixtureRequest,
) -> Iterator[Visitor]:
    """``visitor(width, english=False, javascript=True)``: a fresh page of the context for
    that width, signed out, in Chinese or (switched with the header's button) in English.

    The contexts bypass the Content Security Policy so that the test may inject axe-core
    (checks.py); nothing else differs from what a person's browser does."""
    pages = []

    def make(width: int, english: bool = False, javascript: bool = True) -> Visit:
        key = (width, javascript)
        if key not in _contexts:
            _contexts[key] = browser.new_context(
                viewport={"width": width, "height": 900},
                locale="zh-CN",
                bypass_csp=True,
                java_script_enabled=javascript,
            )
        context = _contexts[key]
        context.clear_cookies()
        page = context.new_page()
        page.set_default_timeout(8000)
        pages.append(page)
        journey = request.node.name.replace("[", "-").rstrip("]")
        visit = Visit(
            page=page,
            base=str(live_server),
            width=width,
            english=False,
            javascript=javascript,
            journey=journey,
        )
        visit.go("/")
        if english:
            page.get_by_role("button", name="English").click()
            visit.english = True
        return visit

    yield make
    for page in pages:
        page.close()
