from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.accounts.models import FirmRepresentative, User
from portal.departments.models import Department


def current_representations(
    queryset: QuerySet[FirmRepresentative],
) -> QuerySet[FirmRepresentative]:
    """Representations that have not expired (no end date, or ending today or later)."""
    today = timezone.localdate()
    return queryset.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def representation_is_current(rep: FirmRepresentative) -> bool:
    """The mandate has not ended (no end date, or ending today or later)."""
    return rep.valid_until is None or rep.valid_until >= timezone.localdate()


def representation_list_for_user(*, user: User) -> QuerySet[FirmRepresentative]:
    """The firms this person may act for now, firm loaded in the same query."""
    return (
        current_representations(FirmRepresentative.objects.filter(user=user))
        .select_related("firm")
        .order_by("firm__name")
    )


def representation_get(*, user: User, firm_id: int) -> FirmRepresentative | None:
    """The person's current representation of a firm; None once it has expired."""
    return (
        current_representations(FirmRepresentative.objects.filter(user=user, firm_id=firm_id))
        .select_related("firm")
        .first()
    )


def staff_list_for_department(*, department: Department) -> QuerySet[User]:
    return (
        User.objects.filter(department=department).prefetch_related("groups").order_by("username")
    )


def staff_has_permission(
    *, user: User | AnonymousUser, department: Department, codename: str
) -> bool:
    """The single rule for staff actions: own department, active, and the role's permission.

    Staff of one department never act in another, whatever their roles.
    """
    if not isinstance(user, User):
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    if not user.is_department_staff:
        return False
    if user.department_id != department.pk:
        return False
    return user.has_perm(f"departments.{codename}")
