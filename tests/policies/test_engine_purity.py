"""The policy engine is pure Python: every module of ``policies.engine`` imports without
Django, DRF, Celery, the portal or the ledger (import-linter checks the same statically)."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import policies.engine

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = ("django", "rest_framework", "celery", "portal", "ledger")


def _engine_modules() -> list[str]:
    return [f"policies.engine.{m.name}" for m in pkgutil.iter_modules(policies.engine.__path__)]


def test_engine_has_the_pure_parts() -> None:
    assert set(_engine_modules()) >= {
        "policies.engine.rules",
        "policies.engine.matching",
        "policies.engine.search",
        "policies.engine.profile",
    }


def test_engine_imports_no_django() -> None:
    """Each engine module, imported in a fresh interpreter, loads none of the frameworks."""
    modules = _engine_modules()
    code = (
        f"import sys; import {', '.join(modules)}; "
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}); "
        "assert not bad, bad"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert res.returncode == 0, res.stderr
