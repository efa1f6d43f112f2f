from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from portal.accounts.models import User
from portal.departments.api.authentication import SystemPrincipal
from portal.exchange.services import Reader


class IsDepartmentSystemOrStaff(BasePermission):
    """A signed department system, or signed-in department staff."""

    message = "Only department systems (signed requests) and department staff may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if isinstance(user, SystemPrincipal):
            return True
        return isinstance(user, User) and user.is_department_staff


def reader_for(request: Request) -> Reader:
    user = request.user
    if isinstance(user, SystemPrincipal):
        return Reader(department=user.system.department, system=user.system)
    assert isinstance(user, User) and user.department is not None
    return Reader(department=user.department, user=user)
