"""Where the log's private key, the VRF key and the subject-hash secret come from.

Private keys are read from the environment (``LEDGER_LOG_KEY``, C2SP skey text;
``LEDGER_VRF_KEY``, ``PRIVATE+VRF+…`` text) or a file (``LEDGER_LOG_KEY_FILE``,
``LEDGER_VRF_KEY_FILE``); never from the database. Only for the local demo
(``PORTAL_DEMO``), a missing key file is generated (mode 0600, in a 0700 folder git
ignores); anywhere else a missing key is a configuration error that says what to set.
"""

import os
import secrets
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ledger.core.signing import SigningKey, generate, load_signing_key
from ledger.core.vrf import VRFSecretKey, generate_vrf_key, load_vrf_key


def write_new_key(*, name: str, path: Path) -> SigningKey:
    """Generate an Ed25519 log key and write its skey to ``path`` readable by the owner only."""
    key = generate(name)
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key.skey + "\n")
    return key


def write_new_vrf_key(*, name: str, path: Path) -> VRFSecretKey:
    """Generate a VRF key (RFC 9381 ECVRF-EDWARDS25519-SHA512-TAI) into ``path``, mode 0600."""
    key = generate_vrf_key(name)
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key.text + "\n")
    return key


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed; the folder is the owner's only (0700).

    An existing folder of this user is tightened too; one of another user (e.g. root's
    /etc/portal/keys) is left to its owner.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():
        path.chmod(0o700)
    return path


def _refuse_outside_demo(what: str, hint: str) -> None:
    if not settings.PORTAL_DEMO:
        raise ImproperlyConfigured(
            f"{what} is missing and is generated only for the demo (PORTAL_DEMO). {hint}"
        )


@lru_cache(maxsize=4)
def _load_log_key(env_name: str, file: str, name: str) -> SigningKey:
    if os.environ.get(env_name):
        return load_signing_key(env=env_name)
    path = Path(file)
    if not path.exists():
        _refuse_outside_demo(
            f"The ledger log key {path}",
            f"Set {env_name}, or {env_name}_FILE to a key made by "
            "`manage.py ledger_keys --out FILE` (docs/deploy.md, Keys).",
        )
        try:
            return write_new_key(name=name, path=path)
        except FileExistsError:  # another process made it first
            pass
    return load_signing_key(path=path)


def log_signing_key() -> SigningKey:
    return _load_log_key(
        settings.LEDGER_LOG_KEY_ENV, settings.LEDGER_LOG_KEY_FILE, settings.LEDGER_LOG_KEY_NAME
    )


def index_signing_key() -> SigningKey:
    """The index log's key (named after ``LEDGER_INDEX_ORIGIN``, like the log key)."""
    return _load_log_key(
        settings.LEDGER_INDEX_KEY_ENV, settings.LEDGER_INDEX_KEY_FILE, settings.LEDGER_INDEX_ORIGIN
    )


@lru_cache(maxsize=4)
def _load_vrf_key(env_name: str, file: str, name: str) -> VRFSecretKey:
    if os.environ.get(env_name):
        return load_vrf_key(env=env_name)
    path = Path(file)
    if not path.exists():
        _refuse_outside_demo(
            f"The ledger VRF key {path}",
            "Set LEDGER_VRF_KEY, or LEDGER_VRF_KEY_FILE to a key made by "
            "`manage.py ledger_keys --vrf --out FILE` (docs/deploy.md, Keys).",
        )
        try:
            return write_new_vrf_key(name=name, path=path)
        except FileExistsError:  # another process made it first
            pass
    return load_vrf_key(path=path)


def vrf_secret_key() -> VRFSecretKey:
    """The VRF key that makes labels (its public half is published as a ledger key)."""
    return _load_vrf_key(
        settings.LEDGER_VRF_KEY_ENV, settings.LEDGER_VRF_KEY_FILE, settings.LEDGER_VRF_KEY_NAME
    )


@lru_cache(maxsize=4)
def _subject_secret(value: str, file: str) -> bytes:
    if value:
        return value.encode()
    path = Path(file)
    if not path.exists():
        _refuse_outside_demo(
            "LEDGER_SUBJECT_SECRET",
            "Set LEDGER_SUBJECT_SECRET to 64 random hex characters (openssl rand -hex 32).",
        )
        private_dir(path.parent)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        except FileExistsError:
            pass
    return path.read_text().strip().encode()


def subject_secret() -> bytes:
    """The deployment secret of the subject hash (HMAC-SHA-256 key)."""
    return _subject_secret(settings.LEDGER_SUBJECT_SECRET, settings.LEDGER_SUBJECT_SECRET_FILE)


def reset_key_cache() -> None:
    """After a rotation, the next call loads the key again."""
    _load_log_key.cache_clear()
    _load_vrf_key.cache_clear()
    _subject_secret.cache_clear()
