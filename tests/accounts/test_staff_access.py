"""``portal.accounts.access``: each branch of who sees and changes a department's staff."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.accounts import access
from portal.accounts.services import staff_role_set
from portal.departments.constants import StaffRole
from portal.departments.services import role_groups_sync
from tests.factories import make_citizen, make_department, make_staff

pytestmark = pytest.mark.django_db


def test_staff_list_branches() -> None:
    own, other = make_department(), make_department()
    clerk = make_staff(own, StaffRole.WINDOW_CLERK)
    assert access.access_department_for_staff(user=clerk, code=own.code) == own
    with pytest.raises(Http404):
        access.access_department_for_staff(user=clerk, code="nowhere")
    with pytest.raises(PermissionDenied):
        access.access_department_for_staff(user=clerk, code=other.code)
    with pytest.raises(PermissionDenied):
        access.access_department_for_staff(user=AnonymousUser(), code=own.code)


def test_role_change_branches() -> None:
    role_groups_sync()
    own, other = make_department(), make_department()
    admin = make_staff(own, StaffRole.DEPARTMENT_ADMIN)
    clerk = make_staff(own, StaffRole.WINDOW_CLERK)
    outsider = make_staff(other, StaffRole.DEPARTMENT_ADMIN)
    assert access.access_staff_member_for_admin(actor=admin, code=own.code, user_id=clerk.pk)
    with pytest.raises(Http404):
        access.access_staff_member_for_admin(actor=admin, code=other.code, user_id=clerk.pk)
    with pytest.raises(PermissionDenied):
        access.access_staff_member_for_admin(actor=clerk, code=own.code, user_id=clerk.pk)
    with pytest.raises(PermissionDenied):
        access.access_staff_member_for_admin(actor=outsider, code=own.code, user_id=clerk.pk)
    assert not access.may_administer_staff(user=make_citizen(), department=own)
    with pytest.raises(PermissionDenied):
        staff_role_set(actor=outsider, staff=clerk, role=StaffRole.REVIEWER, granted=True)
    staff_role_set(actor=admin, staff=clerk, role=StaffRole.REVIEWER, granted=True)
    assert clerk.groups.filter(name=StaffRole.REVIEWER).exists()
    # There is no auditor role to hand out.
    assert "auditor" not in StaffRole.values
