from django.db.models import QuerySet

from portal.departments.models import AuditAssignment, Department


def department_list() -> QuerySet[Department]:
    return Department.objects.select_related("parent").order_by("code")


def department_get(*, code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def audit_assignment_list(*, current_only: bool = False) -> QuerySet[AuditAssignment]:
    qs = AuditAssignment.objects.select_related("auditor", "assigned_by", "revoked_by")
    if current_only:
        qs = qs.filter(revoked_at__isnull=True)
    return qs.prefetch_related("departments").order_by("-assigned_at", "-pk")
