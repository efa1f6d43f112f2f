from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from portal.accounts.models import User
from portal.departments.api.authentication import SystemPrincipal
from portal.exchange import access
from portal.exchange.services import Reader


class IsDepartmentSystemOrStaff(BasePermission):
    """A signed department system, or signed-in department staff."""

    message: str | StrPromise = (
        "Only department systems (signed requests) and department staff may do this."
    )

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


class MayReadExchange(IsDepartmentSystemOrStaff):
    """The department's system, or staff with a reading role (``access.may_read``)."""

    message = _("Your roles do not include reading other departments' data through the exchange.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        reader = reader_for(request)
        return access.may_read(department=reader.department, user=reader.user, system=reader.system)


class MayRequestGrants(IsDepartmentSystemOrStaff):
    """The department's system, or its data steward (``access.may_request_grants``)."""

    message = _("Only a data steward asks other departments for data grants.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        reader = reader_for(request)
        return access.may_request_grants(
            department=reader.department, user=reader.user, system=reader.system
        )
