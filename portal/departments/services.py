import datetime as dt

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from portal.departments.constants import ROLE_PERMISSIONS, StaffRole
from portal.departments.models import Department, DepartmentSystem, UsedSignature


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
    return groups


@transaction.atomic
def department_upsert(
    *, code: str, name: str, name_en: str = "", region: str, parent: Department | None = None
) -> Department:
    department, _ = Department.objects.update_or_create(
        code=code, defaults={"name": name, "name_en": name_en, "region": region, "parent": parent}
    )
    return department


@transaction.atomic
def department_system_upsert(
    *, department: Department, name: str, key_id: str, public_key: str = ""
) -> DepartmentSystem:
    system, _ = DepartmentSystem.objects.update_or_create(
        key_id=key_id,
        defaults={"department": department, "name": name, "public_key": public_key},
    )
    return system


@transaction.atomic
def used_signatures_purge(*, now: dt.datetime | None = None) -> int:
    """Forget replay records that have expired (their signatures are refused as too old anyway)."""
    deleted, _ = UsedSignature.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
