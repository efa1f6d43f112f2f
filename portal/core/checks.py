"""Deploy checks (``manage.py check --deploy``): what production must never run with.

With ``DJANGO_HTTPS`` on (production) these are errors: a signing key, subject secret or
metrics token that is missing, a placeholder from ``.env.example`` or too short; a log
key that is not configured (one would be generated on any host); demo conveniences on.
"""

import os
import stat
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

# Words of the placeholders in .env.example and docs/deploy/portal.env.example.
_PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me", "hex-characters", "placeholder")
_EXAMPLE_FILES = (".env.example", "docs/deploy/portal.env.example")


@cache
def _example_values() -> frozenset[str]:
    """Every value written in the example environment files (commented out or not)."""
    values: set[str] = set()
    for name in _EXAMPLE_FILES:
        path = Path(settings.BASE_DIR) / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.lstrip("# ").strip()
            if "=" not in line:
                continue
            value = line.split("=", 1)[1].split("#", 1)[0].strip()
            if value:
                values.add(value)
    return frozenset(values)


def weak_secret(value: str, *, min_length: int) -> str | None:
    """Why ``value`` is no production secret, or ``None`` when it will do."""
    if not value:
        return "it is not set"
    lowered = value.lower()
    if value in _example_values() or any(word in lowered for word in _PLACEHOLDER_WORDS):
        return "it is a placeholder from the example configuration"
    if len(value) < min_length:
        return f"it is shorter than {min_length} characters"
    if len(set(value)) < 8:
        return "it has fewer than 8 different characters"
    return None


def _secret_error(name: str, value: str, *, min_length: int, hint: str, id: str) -> list[Error]:
    reason = weak_secret(value, min_length=min_length)
    if reason is None:
        return []
    return [Error(f"{name} is not a production secret: {reason}.", hint=hint, id=id)]


@register(Tags.security, deploy=True)
def benchmark_switches_off(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    """A production deployment never skips the ledger."""
    if settings.BENCHMARK_SKIP_LEDGER:
        return [
            Error(
                "BENCHMARK_SKIP_LEDGER is set: reads would not be written to the access ledger.",
                hint="Unset BENCHMARK_SKIP_LEDGER; it exists for benchmarks/exchange.py only.",
                id="portal.E001",
            )
        ]
    return []


def _secret_key() -> str:
    try:
        return str(settings.SECRET_KEY)
    except ImproperlyConfigured:
        return ""


@register(Tags.security, deploy=True)
def production_secrets(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    """With HTTPS on, every secret comes from the environment and is a real one."""
    if not settings.HTTPS:
        return []
    errors: list[Error] = []
    secret_key = _secret_key()
    dev_key = Path(settings.VAR_DIR) / "dev_secret_key"
    if secret_key and dev_key.exists() and dev_key.read_text().strip() == secret_key:
        errors.append(
            Error(
                "SECRET_KEY is the generated demo key, not DJANGO_SECRET_KEY.",
                hint="Set DJANGO_SECRET_KEY to 50+ random characters.",
                id="portal.E002",
            )
        )
    else:
        errors += _secret_error(
            "DJANGO_SECRET_KEY",
            secret_key,
            min_length=50,
            hint="Set DJANGO_SECRET_KEY to 50+ random characters (never reused).",
            id="portal.E002",
        )
    errors += _secret_error(
        "LEDGER_SUBJECT_SECRET",
        settings.LEDGER_SUBJECT_SECRET,
        min_length=32,
        hint="Set LEDGER_SUBJECT_SECRET to 64 random hex characters (openssl rand -hex 32); "
        "it never changes afterwards.",
        id="portal.E003",
    )
    errors += _secret_error(
        "METRICS_TOKEN",
        settings.METRICS_TOKEN,
        min_length=24,
        hint="Set METRICS_TOKEN to 24+ random characters (openssl rand -hex 16).",
        id="portal.E004",
    )
    errors += _log_key_errors()
    errors += _verifier_policy_errors()
    errors += _site_url_errors()
    if settings.PORTAL_DEMO:
        errors.append(
            Error(
                "PORTAL_DEMO is on: keys and secrets would be generated and demo data loaded.",
                hint="Unset PORTAL_DEMO (it is off by default with DJANGO_HTTPS).",
                id="portal.E006",
            )
        )
    return errors


def _site_url_errors() -> list[Error]:
    """E-mails and documents link to the portal: its public address must be known."""
    url = settings.PORTAL_SITE_URL
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.netloc and parts.path in ("", "/"):
        return []
    return [
        Error(
            "PORTAL_SITE_URL is not the portal's public https:// address"
            + (f" ({url!r})." if url else " (it is not set)."),
            hint="Set PORTAL_SITE_URL to e.g. https://portal.example.gov.cn (no path): "
            "the links in e-mails and on decision documents use it.",
            id="portal.E008",
        )
    ]


def _verifier_policy_errors() -> list[Error]:
    """The browser verifier's policy is a file fixed at release, not made from the database."""
    path = settings.LEDGER_VERIFIER_POLICY_FILE
    hint = (
        "Make it at release with `manage.py ledger_verifier_policy --out FILE`, publish its "
        "SHA-256, and set LEDGER_VERIFIER_POLICY_FILE (docs/browser-verifier.md)."
    )
    if not path:
        return [
            Error(
                "LEDGER_VERIFIER_POLICY_FILE is not set: people's browsers would trust keys "
                "read from the database on each request.",
                hint=hint,
                id="portal.E009",
            )
        ]
    if not Path(path).is_file():
        return [
            Error(f"The verifier policy file {path} does not exist.", hint=hint, id="portal.E009")
        ]
    return []


def _log_key_errors() -> list[Error]:
    return (
        _key_file_errors(
            what="ledger log key",
            env_name=settings.LEDGER_LOG_KEY_ENV,
            file=settings.LEDGER_LOG_KEY_FILE,
            hint="Make the key with `manage.py ledger_keys --out FILE` and set LEDGER_LOG_KEY_FILE "
            "(mode 0600), or set LEDGER_LOG_KEY (docs/deploy.md, Keys).",
            id="portal.E005",
        )
        + _key_file_errors(
            what="ledger VRF key",
            env_name=settings.LEDGER_VRF_KEY_ENV,
            file=settings.LEDGER_VRF_KEY_FILE,
            hint="Make the key with `manage.py ledger_keys --vrf --out FILE` and set "
            "LEDGER_VRF_KEY_FILE (mode 0600), or set LEDGER_VRF_KEY (docs/deploy.md, Keys).",
            id="portal.E007",
        )
        + _key_file_errors(
            what="index log key",
            env_name=settings.LEDGER_INDEX_KEY_ENV,
            file=settings.LEDGER_INDEX_KEY_FILE,
            hint="Make the key with `manage.py ledger_keys --index --out FILE` and set "
            "LEDGER_INDEX_KEY_FILE (mode 0600), or set LEDGER_INDEX_KEY (docs/deploy.md, Keys).",
            id="portal.E010",
        )
    )


def _key_file_errors(*, what: str, env_name: str, file: str, hint: str, id: str) -> list[Error]:
    """A private key comes from the environment or from a file only its owner can read."""
    if os.environ.get(env_name):
        return []
    path = Path(file)
    if not path.is_file():
        return [Error(f"The {what} file {path} does not exist.", hint=hint, id=id)]
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        return [
            Error(
                f"The {what} file {path} is readable by other users.",
                hint=f"chmod 600 {path}",
                id=id,
            )
        ]
    return []
