from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from portal.departments.api.authentication import SystemPrincipal

if TYPE_CHECKING:
    from rest_framework.views import APIView


class DepartmentSystemThrottle(SimpleRateThrottle):
    """Requests per department system (``department_system`` rate)."""

    scope = "department_system"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        user = request.user
        if isinstance(user, SystemPrincipal):
            return self.cache_format % {"scope": self.scope, "ident": user.system.key_id}
        return self.get_ident(request)
