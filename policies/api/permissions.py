from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework.views import APIView

from policies import access
from policies.services import Actor
from portal.accounts.models import User
from portal.departments.api.authentication import SystemPrincipal
from portal.exchange.api.permissions import IsDepartmentSystemOrStaff

__all__ = ["IsDepartmentSystemOrStaff", "MayManagePolicies", "actor_for"]


def actor_for(request: Request) -> Actor:
    """The department system (signed request) or the staff member making the request."""
    user = request.user
    if isinstance(user, SystemPrincipal):
        return Actor(department=user.system.department, system=user.system)
    assert isinstance(user, User) and user.department is not None
    return Actor(department=user.department, user=user)


class MayManagePolicies(IsDepartmentSystemOrStaff):
    """The department's system or its administrator (``policies.access.may_manage_policies``),
    checked before the body is read."""

    message = _("Only the issuing department's administrators publish and change its policies.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        actor = actor_for(request)
        return access.may_manage_policies(
            department=actor.department, user=actor.user, system=actor.system
        )
