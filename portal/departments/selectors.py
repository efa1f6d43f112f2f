from django.db.models import QuerySet

from portal.departments.models import AuditAssignment


def audit_assignment_list(*, current_only: bool = False) -> QuerySet[AuditAssignment]:
    qs = AuditAssignment.objects.select_related("auditor", "assigned_by", "revoked_by")
    if current_only:
        qs = qs.filter(revoked_at__isnull=True)
    return qs.prefetch_related("departments").order_by("-assigned_at", "-pk")
