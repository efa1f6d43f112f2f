from django.db.models import Q, QuerySet

from portal.departments.models import Department
from portal.exchange.constants import GrantStatus, ObjectionStatus, SharingClass
from portal.exchange.models import Access, Dataset, Objection, SharingGrant


def dataset_list() -> QuerySet[Dataset]:
    return Dataset.objects.select_related("owner").order_by("owner__code", "code")


def dataset_get(*, code: str) -> Dataset | None:
    return Dataset.objects.select_related("owner").filter(code=code).first()


def datasets_readable_by(*, department: Department) -> QuerySet[Dataset]:
    """Datasets a department may try to read: its own, and other departments' shared ones."""
    return dataset_list().filter(Q(owner=department) | ~Q(sharing_class=SharingClass.NOT_SHARED))


def grant_list_for_owner(*, department: Department) -> QuerySet[SharingGrant]:
    return SharingGrant.objects.filter(dataset__owner=department).select_related(
        "dataset", "requester", "requested_by", "decided_by"
    )


def grant_list_for_requester(*, department: Department) -> QuerySet[SharingGrant]:
    return SharingGrant.objects.filter(requester=department).select_related(
        "dataset", "dataset__owner", "decided_by"
    )


def grant_pending_count(*, department: Department) -> int:
    return grant_list_for_owner(department=department).filter(status=GrantStatus.REQUESTED).count()


def access_list_for_reader(*, department: Department) -> QuerySet[Access]:
    return Access.objects.filter(reader_department=department).select_related(
        "dataset", "dataset__owner", "reader_department", "reader_user", "reader_system"
    )


def objection_queue(*, visible: QuerySet[Objection]) -> QuerySet[Objection]:
    """The objections a staff member may see (``access.objections_visible_to``), open first."""
    return visible.select_related(
        "access", "access__dataset", "access__reader_department", "raised_by"
    ).order_by("status", "-created_at")


def objection_open_count(*, department: Department) -> int:
    return Objection.objects.filter(
        access__reader_department=department, status=ObjectionStatus.OPEN
    ).count()
