"""Who may see and change a department's staff and their roles: the one place that decides.

Each condition is on its own line; each branch has a test in
``tests/accounts/test_staff_access.py``. Auditing is not a role here: it is an audit
assignment (``portal.departments.access``), which a department administrator cannot make.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.selectors import staff_has_permission
from portal.departments.models import Department

ADMINISTER = "administer_department"


def access_department_for_staff(*, user: User | AnonymousUser, code: str) -> Department:
    """The staff member's own department (its staff list); 404 unknown, 403 another's."""
    department = Department.objects.filter(code=code).first()
    # No such department.
    if department is None:
        raise Http404
    # Only staff of that department open its staff list.
    if not isinstance(user, User) or user.department_id != department.pk:
        raise PermissionDenied(_("You can only open your own department."))
    return department


def may_administer_staff(*, user: User | AnonymousUser, department: Department) -> bool:
    """The department's administrator (staff never act in another department)."""
    return staff_has_permission(user=user, department=department, codename=ADMINISTER)


def access_staff_member_for_admin(*, actor: User | AnonymousUser, code: str, user_id: int) -> User:
    """A staff member of department ``code`` whose roles ``actor`` may change."""
    staff = (
        User.objects.filter(pk=user_id, department__code=code).select_related("department").first()
    )
    # No such staff member in that department.
    if staff is None or staff.department is None:
        raise Http404
    # Only that department's administrator changes roles.
    if not may_administer_staff(user=actor, department=staff.department):
        raise PermissionDenied(_("You may only manage the staff of your own department."))
    return staff
