"""Who may do what with policies and a firm's figures: the one place that decides.

Firm side: a person acting for a firm (``request.acting_for``, a current representation)
sees the firm's figures only with ``can_view_firm_data`` and acts on policies for it
(declare, refresh its figures through the exchange, apply, rate, decline, mark notices)
only with ``can_apply``. Department side: the issuing department's administrators (or its
active system) change its policies; its staff see them; auditors by assignment supervise
the departments their assignment covers. Each condition is on its own line; each branch has
a test in ``tests/policies/test_access.py``.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from policies.models import Policy
from portal.accounts.models import FirmRepresentative, User
from portal.accounts.selectors import representation_is_current, staff_has_permission
from portal.departments.access import audit_scope_for
from portal.departments.models import Department, DepartmentSystem

MANAGE_POLICIES = "administer_department"


# --- The firm's side -------------------------------------------------------------------------


def _current_for(rep: FirmRepresentative | None, user: User | AnonymousUser) -> bool:
    # Someone must be acting for a firm ...
    if rep is None:
        return False
    # ... under their own representation ...
    if not isinstance(user, User) or rep.user_id != user.pk or not user.is_active:
        return False
    # ... that has not ended.
    return representation_is_current(rep)


def may_view_firm_figures(*, rep: FirmRepresentative | None, user: User | AnonymousUser) -> bool:
    """The firm's figures held by departments (its matching profile)."""
    # A current representation ...
    if not _current_for(rep, user):
        return False
    assert rep is not None
    # ... whose mandate includes seeing them.
    return rep.can_view_firm_data


def may_act_on_policies(*, rep: FirmRepresentative | None, user: User | AnonymousUser) -> bool:
    """Declare, refresh the figures, apply, rate, decline, mark notices read, for the firm."""
    # A current representation ...
    if not _current_for(rep, user):
        return False
    assert rep is not None
    # ... whose mandate includes filing applications for the firm.
    return rep.can_apply


def firm_figures_check(
    *, rep: FirmRepresentative | None, user: User | AnonymousUser
) -> FirmRepresentative:
    if rep is None:
        raise PermissionDenied(_("Act for a firm first."))
    if not may_view_firm_figures(rep=rep, user=user):
        raise PermissionDenied(_("Your authorisation does not include the firm's figures."))
    return rep


def firm_policies_check(
    *, rep: FirmRepresentative | None, user: User | AnonymousUser
) -> FirmRepresentative:
    if rep is None:
        raise PermissionDenied(_("Act for a firm first."))
    if not may_act_on_policies(rep=rep, user=user):
        raise PermissionDenied(
            _(
                "Your authorisation does not include applying for the firm; "
                "ask its legal representative."
            )
        )
    return rep


# --- The department's side -------------------------------------------------------------------


def may_manage_policies(
    *,
    department: Department,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> bool:
    """Create, amend, publish, withdraw, import, run: the issuing department's administrator."""
    # The department's own active system.
    if system is not None:
        return system.is_active and system.department_id == department.pk
    # Nobody else but a person.
    if user is None:
        return False
    # An administrator of that department (staff never act in another).
    return staff_has_permission(user=user, department=department, codename=MANAGE_POLICIES)


def manage_policies_check(
    *,
    department: Department,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> None:
    if not may_manage_policies(department=department, user=user, system=system):
        raise PermissionDenied(
            _("Only the issuing department's administrators publish and change its policies.")
        )


def access_policy_for_department(*, department: Department, policy_id: int) -> Policy:
    """One of the department's own policies (any status); 404 for another's or none."""
    policy = (
        Policy.objects.select_related("department")
        .filter(pk=policy_id, department=department)
        .first()
    )
    # Another department's policy, or no such policy.
    if policy is None:
        raise Http404
    return policy


def may_supervise(*, user: User | AnonymousUser, department: Department) -> bool:
    """Supervision figures: the department's own staff, or an auditor assigned to it."""
    # Staff of that department (any role) see their own department's figures.
    if isinstance(user, User) and user.is_active and user.department_id == department.pk:
        return user.is_department_staff
    # Anyone else only by an audit assignment covering that department.
    return audit_scope_for(user=user).covers(department)


def supervision_check(*, user: User | AnonymousUser, department: Department) -> None:
    if not may_supervise(user=user, department=department):
        raise PermissionDenied(
            _("Only auditors assigned by the audit office supervise other departments.")
        )


def access_department_for_supervision(*, user: User, code: str) -> Department:
    """The department to supervise: the person's own by default, or one they audit."""
    assert user.department is not None
    # No choice made: their own department.
    if not code or code == user.department.code:
        return user.department
    department = Department.objects.filter(code=code).first()
    # No such department.
    if department is None:
        raise Http404
    supervision_check(user=user, department=department)
    return department


def access_policy_for_supervision(*, user: User, policy_id: int) -> Policy:
    """A policy's supervision page: its department's staff or an auditor assigned to it."""
    policy = Policy.objects.select_related("department").filter(pk=policy_id).first()
    # No such policy.
    if policy is None:
        raise Http404
    supervision_check(user=user, department=policy.department)
    return policy
