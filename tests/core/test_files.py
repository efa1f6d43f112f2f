"""The zero-configuration setup keeps its files private to the service user."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("CREATE TABLE t (x int)")
    cursor.execute("INSERT INTO t VALUES (1)")
    cursor.execute("INSERT INTO t VALUES (2)")
    import json, os, stat
    from django.conf import settings
    name = str(connection.settings_dict["NAME"])
    modes = {
        suffix: stat.S_IMODE(os.stat(name + suffix).st_mode)
        for suffix in ("", "-wal", "-shm")
        if os.path.exists(name + suffix)
    }
    print(json.dumps(modes))
from portal.settings import _dev_secret_key
_dev_secret_key()
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_var_dir_sqlite_files_and_dev_key_are_private(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "PORTAL_"))
    }
    env.update({"PORTAL_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "portal.settings"})
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert _mode(var) == 0o700
    modes = json.loads(result.stdout.strip().splitlines()[-1])
    assert modes == {"": 0o600, "-wal": 0o600, "-shm": 0o600}
    assert _mode(var / "dev_secret_key") == 0o600


def test_upload_permissions_are_private() -> None:
    from django.conf import settings

    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
