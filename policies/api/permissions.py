from rest_framework.request import Request

from policies.services import Actor
from portal.accounts.models import User
from portal.departments.api.authentication import SystemPrincipal
from portal.exchange.api.permissions import IsDepartmentSystemOrStaff

__all__ = ["IsDepartmentSystemOrStaff", "actor_for"]


def actor_for(request: Request) -> Actor:
    """The department system (signed request) or the staff member making the request."""
    user = request.user
    if isinstance(user, SystemPrincipal):
        return Actor(department=user.system.department, system=user.system)
    assert isinstance(user, User) and user.department is not None
    return Actor(department=user.department, user=user)
