"""Every test here signs with its own log key, generated into the test's temporary folder."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from ledger.keys import reset_key_cache, write_new_key


@pytest.fixture(autouse=True)
def ledger_key_file(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    monkeypatch.delenv("LEDGER_LOG_KEY", raising=False)
    path = tmp_path / "keys" / "log.skey"
    write_new_key(name=settings.LEDGER_ORIGIN, path=path)
    settings.LEDGER_LOG_KEY_FILE = str(path)
    reset_key_cache()
    yield path
    reset_key_cache()
