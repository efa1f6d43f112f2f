"""Sign-in lockout: after LOGIN_MAX_FAILURES wrong passwords for one user name (from any
address), or LOGIN_MAX_FAILURES_PER_ADDRESS from one address (for any user name; higher,
since a whole office may share one address), within LOGIN_LOCKOUT_SECONDS, sign-in is
refused until the window has passed. Counters live in the shared cache (Redis in production).

django-axes was considered; its authentication backend requires the request in every
``authenticate()`` call, which the portal's own service code and test client do not pass.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _keys(username: str, address: str) -> list[str]:
    user_key = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:user:{user_key}", f"login-fail:addr:{address}"]


def login_locked(*, username: str, address: str) -> bool:
    user_key, address_key = _keys(username, address)
    try:
        user_failures = int(cache.get(user_key) or 0)
        address_failures = int(cache.get(address_key) or 0)
    except Exception:  # cache down: sign-in keeps working (passwords still checked)
        logger.warning("lockout cache unreachable")
        return False
    user_limit: int = settings.LOGIN_MAX_FAILURES
    address_limit: int = settings.LOGIN_MAX_FAILURES_PER_ADDRESS
    return user_failures >= user_limit or address_failures >= address_limit


def login_failed(*, username: str, address: str) -> None:
    try:
        _count_failure(username, address)
    except Exception:  # cache down
        logger.warning("lockout cache unreachable")


def _count_failure(username: str, address: str) -> None:
    for key in _keys(username, address):
        if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def login_succeeded(*, username: str, address: str) -> None:
    try:
        cache.delete(_keys(username, address)[0])
    except Exception:  # cache down
        logger.warning("lockout cache unreachable")
