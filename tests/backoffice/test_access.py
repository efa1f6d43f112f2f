import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from portal.accounts.services import staff_role_set
from portal.departments.constants import StaffRole
from tests.factories import make_citizen, make_department, make_staff

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_staff_sign_in(client: Client) -> None:
    """Staff pages send a signed-out visitor to the back office's sign-in, not the citizens'."""
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:sign_in") + "?next=")


def test_citizen_cannot_open_the_back_office(client: Client) -> None:
    client.force_login(make_citizen())
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 403
    assert "后台仅供部门工作人员使用" in response.content.decode()


def test_staff_open_their_back_office(client: Client) -> None:
    dept = make_department()
    client.force_login(make_staff(dept, StaffRole.REVIEWER))
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 200
    assert dept.name in response.content.decode()
    assert "审查员" in response.content.decode()


def test_staff_cannot_open_another_departments_pages(client: Client) -> None:
    own, other = make_department(), make_department()
    client.force_login(make_staff(own, StaffRole.DEPARTMENT_ADMIN))
    assert client.get(reverse("backoffice:department_staff", args=[own.code])).status_code == 200
    assert client.get(reverse("backoffice:department_staff", args=[other.code])).status_code == 403


def test_department_admin_cannot_change_roles_in_another_department(client: Client) -> None:
    own, other = make_department(), make_department()
    admin = make_staff(own, StaffRole.DEPARTMENT_ADMIN)
    target = make_staff(other, StaffRole.REVIEWER)
    client.force_login(admin)
    url = reverse("backoffice:staff_role_change", args=[other.code, target.pk])
    response = client.post(url, {"role": StaffRole.APPROVER, "granted": "1"})
    assert response.status_code == 403
    assert not target.groups.filter(name=StaffRole.APPROVER).exists()


def test_department_admin_grants_a_role_in_own_department(client: Client) -> None:
    own = make_department()
    admin = make_staff(own, StaffRole.DEPARTMENT_ADMIN)
    target = make_staff(own, StaffRole.REVIEWER)
    client.force_login(admin)
    url = reverse("backoffice:staff_role_change", args=[own.code, target.pk])
    response = client.post(url, {"role": StaffRole.APPROVER, "granted": "1"})
    assert response.status_code == 302
    assert target.groups.filter(name=StaffRole.APPROVER).exists()


def test_staff_without_the_admin_role_cannot_change_roles() -> None:
    own = make_department()
    reviewer = make_staff(own, StaffRole.REVIEWER)
    target = make_staff(own, StaffRole.WINDOW_CLERK)
    with pytest.raises(PermissionDenied):
        staff_role_set(actor=reviewer, staff=target, role=StaffRole.APPROVER, granted=True)


def test_every_role_is_a_group_with_its_permissions() -> None:
    for role in StaffRole:
        group = Group.objects.get(name=role.value)
        assert group.permissions.exists(), role


def test_staff_list_has_no_n_plus_one(client: Client, django_assert_max_num_queries) -> None:
    own = make_department()
    admin = make_staff(own, StaffRole.DEPARTMENT_ADMIN)
    for _ in range(8):
        make_staff(own, StaffRole.REVIEWER)
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("backoffice:department_staff", args=[own.code]))
    assert response.status_code == 200


def test_the_staff_page_names_roles_in_the_persons_language(client: Client) -> None:
    """Role tags show the role's name (审查员), never the group's key (reviewer)."""
    dept = make_department()
    admin = make_staff(dept, StaffRole.DEPARTMENT_ADMIN)
    make_staff(dept, StaffRole.REVIEWER)
    make_staff(dept)  # no role yet
    client.force_login(admin)
    page = client.get(reverse("backoffice:department_staff", kwargs={"code": dept.code}))
    html = page.content.decode()
    assert '<span class="tag">审查员</span>' in html
    assert '<span class="tag">reviewer</span>' not in html
    assert "暂无角色" in html


def test_an_auditor_sees_what_their_assignment_covers(client: Client) -> None:
    from portal.accounts.models import User
    from portal.departments.services import audit_assignment_create

    root = User.objects.create_superuser("root", "root@example.cn", "Root-Pass-2026")
    covered = make_department()
    auditor = make_staff(make_department())
    audit_assignment_create(actor=root, auditor=auditor, departments=[covered])
    client.force_login(auditor)
    html = client.get(reverse("backoffice:home")).content.decode()
    assert "您审计的部门" in html and covered.name in html
    audit_assignment_create(actor=root, auditor=auditor, all_departments=True)
    assert "全部部门" in client.get(reverse("backoffice:home")).content.decode()
