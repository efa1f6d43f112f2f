"""Services fixtures (the factories are in ``tests/factories.py``)."""

from pathlib import Path

import pytest

from portal.services.models import ServiceItem
from tests.factories import Office, make_office, make_service


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings: object) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root  # type: ignore[attr-defined]
    return root


@pytest.fixture
def office(db: None) -> Office:
    return make_office()


@pytest.fixture
def service(office: Office) -> ServiceItem:
    return make_service(office.department)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    """Accounts are made by the dozen here; the real hasher is tested by the accounts part."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
