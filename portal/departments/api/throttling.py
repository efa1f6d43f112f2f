"""API throttles. Every client address comes from ``client_address`` (trusted proxies only)."""

import logging
from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from portal.accounts.authentication_policy import client_address
from portal.departments.api.authentication import SystemPrincipal

if TYPE_CHECKING:
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


class DepartmentSystemThrottle(SimpleRateThrottle):
    """Requests per department system (``department_system`` rate), and per signed-in person.

    Counters live in the shared cache (Redis). If the cache is unreachable the request is
    let through and a warning logged: on a busy day a Redis outage must not stop the portal.
    Anonymous callers are limited by ``AnonymousClientThrottle``.
    """

    scope = "department_system"

    def allow_request(self, request: Request, view: "APIView") -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # cache backend down
            logger.warning("throttle cache unreachable; request allowed")
            return True

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        user = request.user
        if isinstance(user, SystemPrincipal):
            return self.cache_format % {"scope": self.scope, "ident": user.system.key_id}
        if user is not None and user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": f"user-{user.pk}"}
        return None


class AnonymousClientThrottle(AnonRateThrottle):
    """Anonymous callers, per trusted client address (``anon`` rate), on every API view."""

    def allow_request(self, request: Request, view: "APIView") -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # cache backend down
            logger.warning("throttle cache unreachable; request allowed")
            return True

    def get_ident(self, request: Request) -> str:
        return client_address(request._request)


class AuthenticationFailureThrottle(SimpleRateThrottle):
    """Failed authentication per client address (``authentication_failure`` rate).

    Unlike other throttles it counts only failures: ``record_failure`` after a refused
    signature, ``wait_if_blocked`` before checking the next one.
    """

    scope = "authentication_failure"
    num_requests: int  # set by SimpleRateThrottle.__init__ from the rate
    duration: int

    def get_cache_key(self, request: Request, view: "APIView | None") -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request._request)}

    def wait_if_blocked(self, request: Request) -> float | None:
        """Seconds to wait if this address failed too often, else None (cache down: None)."""
        try:
            self.key = self.get_cache_key(request, None)
            self.history = list(self.cache.get(self.key, []))
            self.now = self.timer()
            while self.history and self.history[-1] <= self.now - self.duration:
                self.history.pop()
            if len(self.history) >= self.num_requests:
                return self.wait() or 1.0
        except Exception:  # cache backend down
            logger.warning("throttle cache unreachable; request allowed")
        return None

    def record_failure(self, request: Request) -> None:
        try:
            if not hasattr(self, "history"):
                self.wait_if_blocked(request)
            self.history.insert(0, self.now)
            self.cache.set(self.key, self.history, self.duration)
        except Exception:  # cache backend down
            logger.warning("throttle cache unreachable; failure not counted")
