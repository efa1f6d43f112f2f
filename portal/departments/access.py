"""Who may audit which department, and who assigns auditors: the one place that decides.

Auditing is an assignment by the audit office (``AuditAssignment``), never a role that a
department hands out. Each condition is on its own line; each branch has a test in
``tests/departments/test_audit_access.py``.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.selectors import staff_has_permission
from portal.departments.models import AuditAssignment, Department


@dataclass(frozen=True)
class AuditScope:
    """The departments a person audits now: all of them, or the listed ones (maybe none)."""

    all_departments: bool
    department_ids: frozenset[int]

    @property
    def any(self) -> bool:
        return self.all_departments or bool(self.department_ids)

    def covers(self, department: Department) -> bool:
        return self.all_departments or department.pk in self.department_ids


NO_SCOPE = AuditScope(all_departments=False, department_ids=frozenset())


def audit_scope_for(*, user: User | AnonymousUser) -> AuditScope:
    """The current (unrevoked) audit assignments of a person, merged."""
    # Only a signed-in, active person audits.
    if not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    assert isinstance(user, User)
    # Auditors are department staff: they work in the back office, with its sign-in rules.
    if not user.is_department_staff:
        return NO_SCOPE
    current = AuditAssignment.objects.filter(auditor=user, revoked_at__isnull=True)
    # One city-wide assignment covers every department.
    if current.filter(all_departments=True).exists():
        return AuditScope(all_departments=True, department_ids=frozenset())
    ids = current.filter(departments__isnull=False).values_list("departments", flat=True)
    return AuditScope(all_departments=False, department_ids=frozenset(ids))


def staff_may_audit(*, user: User | AnonymousUser, department: Department) -> bool:
    """The person holds a current audit assignment covering this department."""
    return audit_scope_for(user=user).covers(department)


def audit_assigner_check(*, user: User | AnonymousUser) -> None:
    """Raise PermissionDenied unless the person may assign and revoke auditors."""
    if not audit_assigner(user=user):
        raise PermissionDenied(
            _("Only an administrator of the audit office assigns and revokes auditors.")
        )


def audit_assigner(*, user: User | AnonymousUser) -> bool:
    """A superuser, or an administrator of an audit office (its own staff rule applies)."""
    # Only a signed-in, active person assigns.
    if not user.is_authenticated or not user.is_active:
        return False
    assert isinstance(user, User)
    # The operator's superuser runs the system (the Django admin).
    if user.is_superuser:
        return True
    department = user.department
    # Anyone else is staff of a department ...
    if department is None:
        return False
    # ... that is an audit office ...
    if not department.is_audit_office:
        return False
    # ... and administers it.
    return staff_has_permission(user=user, department=department, codename="administer_department")
