"""Auditing is an assignment by the audit office, scoped, revocable (hole 4).

A department administrator made itself a city-wide auditor by giving itself the auditor
role, then read other departments' supervision pages and answered objections about their
reads. Now no role grants auditing; ``portal.departments.access`` decides from the audit
assignments, which only an administrator of an audit office (or a superuser) makes.
"""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from policies.models import Policy
from portal.accounts.models import User
from portal.departments import access
from portal.departments.constants import FORMER_AUDITOR_GROUP, ROLE_PERMISSIONS, StaffRole
from portal.departments.models import AuditAssignment, Department
from portal.departments.services import (
    audit_assignment_create,
    audit_assignment_revoke,
    department_upsert,
    role_groups_sync,
)
from tests.factories import make_citizen, make_department, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def office() -> Department:
    return department_upsert(code="audit", name="审计办", region="330100", is_audit_office=True)


@pytest.fixture
def office_admin(office: Department) -> User:
    return make_staff(office, StaffRole.DEPARTMENT_ADMIN)


def supervision(client: Client, department: Department) -> int:
    return int(
        client.get(reverse("policies:supervision"), {"department": department.code}).status_code
    )


def test_a_department_admin_cannot_make_itself_an_auditor(client: Client) -> None:
    """The role form neither offers nor accepts the auditor role; no audit scope results."""
    own, other = make_department(), make_department()
    admin = make_staff(own, StaffRole.DEPARTMENT_ADMIN)
    client.force_login(admin)
    page = client.get(reverse("backoffice:department_staff", kwargs={"code": own.code}))
    assert page.status_code == 200
    assert 'value="auditor"' not in page.content.decode()
    client.post(
        reverse("backoffice:staff_role_change", kwargs={"code": own.code, "user_id": admin.pk}),
        {"role": "auditor", "granted": "1"},
    )
    assert not admin.groups.filter(name="auditor").exists()
    assert not access.audit_scope_for(user=User.objects.get(pk=admin.pk)).any
    assert supervision(client, other) == 403
    with pytest.raises(PermissionDenied):
        audit_assignment_create(actor=admin, auditor=admin, all_departments=True)
    assert client.get(reverse("backoffice:audit_assignments")).status_code == 403


def test_the_former_auditor_group_grants_nothing(client: Client) -> None:
    """Someone still in the old auditor group supervises no other department."""
    role_groups_sync()
    own, other = make_department(), make_department()
    user = make_staff(own)
    group, _created = Group.objects.get_or_create(name=FORMER_AUDITOR_GROUP)
    user.groups.add(group)
    role_groups_sync()
    assert not group.permissions.exists()
    client.force_login(user)
    assert supervision(client, other) == 403


def test_the_audit_office_assigns_a_scoped_auditor_and_revokes_it(
    client: Client, office: Department, office_admin: User
) -> None:
    covered, not_covered = make_department(), make_department()
    auditor = make_staff(office)
    assignment = audit_assignment_create(
        actor=office_admin, auditor=auditor, departments=[covered], note="专项审计"
    )
    assert assignment.assigned_by == office_admin and assignment.revoked_at is None
    client.force_login(auditor)
    assert supervision(client, covered) == 200
    assert supervision(client, not_covered) == 403
    policy = Policy.objects.create(
        department=covered, title="政策", document_number="x-1", region="330100"
    )
    url = reverse("policies:supervision_policy", kwargs={"policy_id": policy.pk})
    assert client.get(url).status_code == 200
    # The same scope again: the same assignment.
    again = audit_assignment_create(actor=office_admin, auditor=auditor, departments=[covered])
    assert again.pk == assignment.pk
    audit_assignment_revoke(actor=office_admin, assignment=assignment)
    assert supervision(client, covered) == 403
    assert client.get(url).status_code == 403
    with pytest.raises(ValidationError):
        audit_assignment_revoke(actor=office_admin, assignment=assignment)


def test_assignment_is_validated(office: Department, office_admin: User) -> None:
    with pytest.raises(ValidationError):
        audit_assignment_create(actor=office_admin, auditor=make_staff(office))  # no scope
    with pytest.raises(ValidationError):
        audit_assignment_create(actor=office_admin, auditor=make_citizen(), all_departments=True)
    # An administrator of the audit office in another role cannot assign; a clerk cannot.
    with pytest.raises(PermissionDenied):
        audit_assignment_create(
            actor=make_staff(office, StaffRole.WINDOW_CLERK),
            auditor=make_staff(office),
            all_departments=True,
        )


def test_the_back_office_page_assigns_and_revokes(
    client: Client, office: Department, office_admin: User
) -> None:
    covered = make_department()
    auditor = make_staff(office, username="new.auditor")
    client.force_login(office_admin)
    assert client.get(reverse("backoffice:audit_assignments")).status_code == 200
    bad = client.post(reverse("backoffice:audit_assignments"), {"auditor": "new.auditor"})
    assert bad.status_code == 400  # neither departments nor all
    unknown = client.post(
        reverse("backoffice:audit_assignments"), {"auditor": "nobody", "all_departments": "on"}
    )
    assert unknown.status_code == 400
    ok = client.post(
        reverse("backoffice:audit_assignments"),
        {"auditor": "new.auditor", "departments": [covered.pk]},
    )
    assert ok.status_code == 302
    assignment = AuditAssignment.objects.get(auditor=auditor)
    assert list(assignment.departments.all()) == [covered]
    client.post(reverse("backoffice:audit_assignment_end", kwargs={"assignment_id": assignment.pk}))
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None and assignment.revoked_by == office_admin


def test_scope_branches(office: Department, office_admin: User) -> None:
    a, b = make_department(), make_department()
    scoped, everywhere, revoked = make_staff(office), make_staff(office), make_staff(office)
    audit_assignment_create(actor=office_admin, auditor=scoped, departments=[a])
    audit_assignment_create(actor=office_admin, auditor=everywhere, all_departments=True)
    gone = audit_assignment_create(actor=office_admin, auditor=revoked, all_departments=True)
    audit_assignment_revoke(actor=office_admin, assignment=gone)
    # Not signed in: nothing.
    assert access.audit_scope_for(user=AnonymousUser()) == access.NO_SCOPE
    # A citizen: nothing.
    assert access.audit_scope_for(user=make_citizen()) == access.NO_SCOPE
    # Scoped: only its departments.
    assert access.staff_may_audit(user=scoped, department=a)
    assert not access.staff_may_audit(user=scoped, department=b)
    # City-wide: all.
    assert access.staff_may_audit(user=everywhere, department=b)
    # Revoked: nothing.
    assert not access.audit_scope_for(user=revoked).any
    # Deactivated: nothing.
    everywhere.is_active = False
    assert not access.staff_may_audit(user=everywhere, department=b)


def test_assigner_branches(office: Department, office_admin: User) -> None:
    superuser = User.objects.create_superuser("root", "root@example.cn", "Root-Pass-2026")
    other_admin = make_staff(make_department(), StaffRole.DEPARTMENT_ADMIN)
    assert access.audit_assigner(user=office_admin)
    assert access.audit_assigner(user=superuser)
    assert not access.audit_assigner(user=AnonymousUser())
    assert not access.audit_assigner(user=make_citizen())
    assert not access.audit_assigner(user=other_admin)
    assert not access.audit_assigner(user=make_staff(office, StaffRole.DATA_STEWARD))
    office_admin.is_active = False
    assert not access.audit_assigner(user=office_admin)


def test_demo_keeps_a_city_wide_auditor_assigned_by_the_audit_office() -> None:
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - discarded output
    auditor = User.objects.get(username="sjj.auditor")
    assert access.audit_scope_for(user=auditor).all_departments
    assignment = AuditAssignment.objects.get(auditor=auditor, revoked_at__isnull=True)
    assert assignment.assigned_by.username == "sjj.department_admin"
    assert Department.objects.get(code="sjj").is_audit_office
    assert not auditor.groups.exists()


def test_data_migration_gives_existing_groups_the_new_permissions() -> None:
    """A deployment's groups made before these permissions get them; the auditor group none."""
    role_groups_sync()
    new = Permission.objects.filter(
        codename__in=["read_exchange", "request_grants", "read_sealed", "unseal_reads"]
    )
    for group in Group.objects.all():
        group.permissions.remove(*new)
    old_auditor, _created = Group.objects.get_or_create(name=FORMER_AUDITOR_GROUP)
    old_auditor.permissions.add(Permission.objects.get(codename="administer_department"))
    for name in ("0005_grant_exchange_permissions_to_roles", "0006_sealed_reads"):
        migration = importlib.import_module(f"portal.departments.migrations.{name}")
        migration.forwards(apps, None)
    for role, codenames in ROLE_PERMISSIONS.items():
        have = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert set(codenames) <= have, role
    assert not old_auditor.permissions.exists()


def test_a_superuser_assigns_and_revokes_in_the_admin(client: Client, office: Department) -> None:
    superuser = User.objects.create_superuser("root", "root@example.cn", "Root-Pass-2026")
    auditor = make_staff(office)
    covered = make_department()
    client.force_login(superuser)
    add = reverse("admin:departments_auditassignment_add")
    refused = client.post(add, {"auditor": auditor.pk, "note": "x"})
    assert refused.status_code == 200 and not AuditAssignment.objects.exists()
    done = client.post(add, {"auditor": auditor.pk, "departments": [covered.pk], "note": "专项"})
    assert done.status_code == 302
    assignment = AuditAssignment.objects.get()
    assert assignment.assigned_by == superuser and list(assignment.departments.all()) == [covered]
    client.post(
        reverse("admin:departments_auditassignment_changelist"),
        {"action": "revoke", "_selected_action": [assignment.pk]},
    )
    assignment.refresh_from_db()
    assert assignment.revoked_by == superuser
