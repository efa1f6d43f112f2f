import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.departments.access import audit_assigner_check
from portal.departments.constants import FORMER_AUDITOR_GROUP, ROLE_PERMISSIONS, StaffRole
from portal.departments.models import AuditAssignment, Department, DepartmentSystem, UsedSignature


@transaction.atomic
def role_groups_sync() -> list[Group]:
    """Create or update one Django group per staff role with exactly its permissions."""
    content_type = ContentType.objects.get_for_model(Department)
    groups = []
    for role in StaffRole:
        group, _ = Group.objects.get_or_create(name=role.value)
        perms = Permission.objects.filter(
            content_type=content_type, codename__in=ROLE_PERMISSIONS[role]
        )
        group.permissions.set(perms)
        groups.append(group)
    # The auditor role of old: its group (if any) keeps its members but grants nothing.
    former = Group.objects.filter(name=FORMER_AUDITOR_GROUP).first()
    if former is not None:
        former.permissions.clear()
    return groups


@transaction.atomic
def department_upsert(
    *,
    code: str,
    name: str,
    name_en: str = "",
    region: str,
    parent: Department | None = None,
    is_audit_office: bool = False,
) -> Department:
    department, _ = Department.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "name_en": name_en,
            "region": region,
            "parent": parent,
            "is_audit_office": is_audit_office,
        },
    )
    return department


@transaction.atomic
def department_system_upsert(
    *, department: Department, name: str, key_id: str, public_key: str = "", name_en: str = ""
) -> DepartmentSystem:
    system, _ = DepartmentSystem.objects.update_or_create(
        key_id=key_id,
        defaults={
            "department": department,
            "name": name,
            "name_en": name_en,
            "public_key": public_key,
        },
    )
    return system


@transaction.atomic
def used_signatures_purge(*, now: dt.datetime | None = None) -> int:
    """Forget replay records that have expired (their signatures are refused as too old anyway)."""
    deleted, _ = UsedSignature.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def audit_assignment_validate(
    *, auditor: User | None, departments: Sequence[Department], all_departments: bool
) -> None:
    """The rules of an assignment's content (who may assign is ``audit_assigner_check``)."""
    errors: dict[str, str] = {}
    if auditor is None or not auditor.is_active or not auditor.is_department_staff:
        errors["auditor"] = _("Choose an active staff account as the auditor.")
    if not all_departments and not departments:
        errors["departments"] = _("Choose the departments to audit, or all departments.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def audit_assignment_create(
    *,
    actor: User,
    auditor: User,
    departments: Sequence[Department] = (),
    all_departments: bool = False,
    note: str = "",
) -> AuditAssignment:
    """The audit office assigns a staff member to audit the listed departments (or all).

    Assigning the same scope again returns the current assignment unchanged.
    """
    audit_assigner_check(user=actor)
    audit_assignment_validate(
        auditor=auditor, departments=departments, all_departments=all_departments
    )
    wanted = {d.pk for d in departments}
    for current in AuditAssignment.objects.filter(auditor=auditor, revoked_at__isnull=True):
        same = current.all_departments == all_departments and (
            all_departments or set(current.departments.values_list("pk", flat=True)) == wanted
        )
        if same:
            return current
    assignment = AuditAssignment.objects.create(
        auditor=auditor,
        all_departments=all_departments,
        note=note.strip(),
        assigned_by=actor,
    )
    if not all_departments:
        assignment.departments.set(list(departments))
    return assignment


@transaction.atomic
def audit_assignment_revoke(*, actor: User, assignment: AuditAssignment) -> AuditAssignment:
    """End an audit assignment (kept, with who ended it and when)."""
    audit_assigner_check(user=actor)
    if assignment.revoked_at is not None:
        raise ValidationError(_("This assignment has already been revoked."))
    assignment.revoked_at = timezone.now()
    assignment.revoked_by = actor
    assignment.save(update_fields=["revoked_at", "revoked_by"])
    return assignment
