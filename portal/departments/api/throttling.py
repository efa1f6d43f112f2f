import logging
from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from portal.departments.api.authentication import SystemPrincipal

if TYPE_CHECKING:
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


class DepartmentSystemThrottle(SimpleRateThrottle):
    """Requests per department system (``department_system`` rate).

    Counters live in the shared cache (Redis). If the cache is unreachable the request is
    let through and a warning logged: on a busy day a Redis outage must not stop the portal.
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
        return self.get_ident(request)
