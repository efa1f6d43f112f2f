from rest_framework.request import Request

from portal.accounts.models import User
from portal.departments.api.authentication import SystemPrincipal
from portal.departments.models import Department, DepartmentSystem
from portal.exchange.api.permissions import IsDepartmentSystemOrStaff

__all__ = ["IsDepartmentSystemOrStaff", "actor_of"]


def actor_of(request: Request) -> tuple[Department, User | None, DepartmentSystem | None]:
    """The department acting, and through whom: a staff member or one of its systems."""
    user = request.user
    if isinstance(user, SystemPrincipal):
        return user.system.department, None, user.system
    assert isinstance(user, User) and user.department is not None
    return user.department, user, None
