import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_values(tmp_path: Path) -> None:
    """`manage.py check --deploy` reports no issue with the documented production values."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        {
            "DJANGO_SECRET_KEY": "x" * 30 + "-production-secret-from-the-environment-7f3a",
            "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
            "DJANGO_HTTPS": "true",
            "PORTAL_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_set() -> None:
    from django.conf import settings

    if "DJANGO_DEBUG" not in os.environ:
        assert settings.DEBUG is False
