import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from ledger.keys import (
    log_signing_key,
    reset_key_cache,
    subject_secret,
    write_new_key,
    write_new_vrf_key,
)

ROOT = Path(__file__).resolve().parents[2]
_OUTER = ("DJANGO_", "DATABASE_", "REDIS_URL", "LEDGER_", "METRICS_TOKEN", "PORTAL_")


def check_deploy(var_dir: Path, **values: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy` in a fresh process with only ``values`` configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OUTER)}
    env.update({"DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn", "PORTAL_VAR_DIR": str(var_dir)})
    env.update(values)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_values(tmp_path: Path) -> dict[str, str]:
    key_file = tmp_path / "etc" / "ledger-log.skey"
    write_new_key(name="portal.example.gov.cn/ledger", path=key_file)
    vrf_file = tmp_path / "etc" / "ledger-vrf.key"
    write_new_vrf_key(name="portal.example.gov.cn/ledger/vrf", path=vrf_file)
    index_file = tmp_path / "etc" / "ledger-index.skey"
    write_new_key(name="portal.example.gov.cn/access-index/v1", path=index_file)
    policy_file = tmp_path / "etc" / "verifier-policy.js"
    policy_file.write_text("export const POLICY = {};\n")
    return {
        "LEDGER_VERIFIER_POLICY_FILE": str(policy_file),
        "LEDGER_VRF_KEY_FILE": str(vrf_file),
        "LEDGER_INDEX_KEY_FILE": str(index_file),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_HTTPS": "true",
        "LEDGER_SUBJECT_SECRET": secrets.token_hex(32),
        "METRICS_TOKEN": secrets.token_hex(16),
        "LEDGER_LOG_KEY_FILE": str(key_file),
        "PORTAL_SITE_URL": "https://portal.example.gov.cn",
    }


def test_check_deploy_is_clean_with_production_values(tmp_path: Path) -> None:
    """`manage.py check --deploy` reports no issue with the documented production values."""
    result = check_deploy(tmp_path / "var", **production_values(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_https_and_nothing_else(tmp_path: Path) -> None:
    """HTTPS on and no secrets: errors for each, and nothing is generated on the host."""
    var = tmp_path / "var"
    result = check_deploy(var, DJANGO_HTTPS="true")
    assert result.returncode != 0
    codes = (
        "portal.E002",
        "portal.E003",
        "portal.E004",
        "portal.E005",
        "portal.E007",
        "portal.E009",
        "portal.E010",
    )
    for code in codes:
        assert code in result.stderr, result.stderr
    assert not (var / "dev_secret_key").exists()
    assert not (var / "keys" / "log-v2.skey").exists()
    assert not (var / "keys" / "vrf.key").exists()
    assert not (var / "keys" / "index-log.skey").exists()
    assert not (var / "keys" / "subject.secret").exists()


@pytest.mark.parametrize(
    "name, value, code",
    [
        ("DJANGO_SECRET_KEY", "change-me-to-50-random-characters", "portal.E002"),
        ("DJANGO_SECRET_KEY", "change-me-50-random-characters", "portal.E002"),
        ("DJANGO_SECRET_KEY", "short-but-random-7f3a", "portal.E002"),
        ("LEDGER_SUBJECT_SECRET", "64-hex-characters", "portal.E003"),
        ("LEDGER_SUBJECT_SECRET", "change-me-64-hex-characters", "portal.E003"),
        ("LEDGER_SUBJECT_SECRET", "0" * 64, "portal.E003"),
        ("METRICS_TOKEN", "change-me", "portal.E004"),
        ("METRICS_TOKEN", "", "portal.E004"),
        ("METRICS_TOKEN", "abc123", "portal.E004"),
        ("PORTAL_DEMO", "true", "portal.E006"),
        ("LEDGER_VERIFIER_POLICY_FILE", "", "portal.E009"),
        ("LEDGER_VERIFIER_POLICY_FILE", "/nonexistent/policy.js", "portal.E009"),
        ("PORTAL_SITE_URL", "", "portal.E008"),
        ("PORTAL_SITE_URL", "http://portal.example.gov.cn", "portal.E008"),
        ("PORTAL_SITE_URL", "https://portal.example.gov.cn/portal/", "portal.E008"),
    ],
)
def test_check_deploy_refuses_placeholders_and_weak_values(
    tmp_path: Path, name: str, value: str, code: str
) -> None:
    values = production_values(tmp_path)
    values[name] = value
    result = check_deploy(tmp_path / "var", **values)
    assert result.returncode != 0
    assert code in result.stderr, result.stdout + result.stderr


def test_check_deploy_refuses_a_missing_or_readable_log_key(tmp_path: Path) -> None:
    values = production_values(tmp_path)
    key_file = Path(values["LEDGER_LOG_KEY_FILE"])
    key_file.chmod(0o644)
    result = check_deploy(tmp_path / "var", **values)
    assert "portal.E005" in result.stderr and "readable by other users" in result.stderr
    values["LEDGER_LOG_KEY_FILE"] = str(tmp_path / "missing.skey")
    result = check_deploy(tmp_path / "var", **values)
    assert "portal.E005" in result.stderr and "does not exist" in result.stderr


def test_check_deploy_refuses_a_missing_or_readable_vrf_key(tmp_path: Path) -> None:
    values = production_values(tmp_path)
    Path(values["LEDGER_VRF_KEY_FILE"]).chmod(0o640)
    result = check_deploy(tmp_path / "var", **values)
    assert "portal.E007" in result.stderr and "readable by other users" in result.stderr
    values["LEDGER_VRF_KEY_FILE"] = str(tmp_path / "missing.key")
    result = check_deploy(tmp_path / "var", **values)
    assert "portal.E007" in result.stderr and "does not exist" in result.stderr


def test_check_deploy_refuses_a_missing_or_readable_index_log_key(tmp_path: Path) -> None:
    values = production_values(tmp_path)
    Path(values["LEDGER_INDEX_KEY_FILE"]).chmod(0o644)
    result = check_deploy(tmp_path / "var", **values)
    assert "portal.E010" in result.stderr and "readable by other users" in result.stderr
    values["LEDGER_INDEX_KEY_FILE"] = str(tmp_path / "missing.skey")
    result = check_deploy(tmp_path / "var", **values)
    assert "portal.E010" in result.stderr and "does not exist" in result.stderr


def test_debug_is_off_unless_set() -> None:
    from django.conf import settings

    if "DJANGO_DEBUG" not in os.environ:
        assert settings.DEBUG is False


def test_demo_is_on_without_https_only() -> None:
    from django.conf import settings

    if "PORTAL_DEMO" not in os.environ:
        assert settings.PORTAL_DEMO is (not settings.HTTPS)


def test_keys_are_not_generated_outside_the_demo(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEDGER_LOG_KEY", raising=False)
    settings.PORTAL_DEMO = False
    settings.LEDGER_LOG_KEY_FILE = str(tmp_path / "keys" / "log.skey")
    settings.LEDGER_SUBJECT_SECRET = ""
    settings.LEDGER_SUBJECT_SECRET_FILE = str(tmp_path / "keys" / "subject.secret")
    reset_key_cache()
    try:
        with pytest.raises(ImproperlyConfigured, match="LEDGER_LOG_KEY"):
            log_signing_key()
        with pytest.raises(ImproperlyConfigured, match="LEDGER_SUBJECT_SECRET"):
            subject_secret()
        assert not (tmp_path / "keys").exists()
    finally:
        reset_key_cache()


def test_demo_keys_are_private(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEDGER_LOG_KEY", raising=False)
    settings.PORTAL_DEMO = True
    settings.LEDGER_LOG_KEY_FILE = str(tmp_path / "keys" / "log.skey")
    settings.LEDGER_SUBJECT_SECRET = ""
    settings.LEDGER_SUBJECT_SECRET_FILE = str(tmp_path / "keys" / "subject.secret")
    reset_key_cache()
    try:
        log_signing_key()
        subject_secret()
    finally:
        reset_key_cache()
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "keys" / "log.skey").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "keys" / "subject.secret").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("command", ["seed_demo", "rundemo"])
def test_demo_commands_refuse_outside_the_demo(settings: Settings, command: str) -> None:
    settings.PORTAL_DEMO = False
    with pytest.raises(CommandError, match="PORTAL_DEMO"):
        call_command(command)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"DATABASE_ROLE": "portal_app"}, "DATABASE_ROLE needs PostgreSQL"),
        (
            {"DATABASE_URL": "postgres://x@127.0.0.1:1/x", "DATABASE_ROLE": "app -c x=y"},
            "DATABASE_ROLE must be a plain PostgreSQL role name",
        ),
    ],
)
def test_database_role_is_refused_where_it_cannot_work(
    tmp_path: Path, values: dict[str, str], message: str
) -> None:
    """No silent ignoring (SQLite has no roles) and no extra connection options smuggled in."""
    result = check_deploy(tmp_path / "var", **values)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
