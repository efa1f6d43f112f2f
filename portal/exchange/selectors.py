from django.db.models import Case, F, Q, QuerySet, When

from portal.accounts.models import User
from portal.departments.models import Department
from portal.exchange.access import objection_notices_visible_filter, visible_to_subject_filter
from portal.exchange.constants import (
    ObjectionStatus,
    SharingClass,
)
from portal.exchange.models import (
    Access,
    Dataset,
    Objection,
    ObjectionNotice,
    ReadNotice,
    SharingGrant,
)


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


def access_list_for_reader(
    *, department: Department, include_sealed: bool = False
) -> QuerySet[Access]:
    """The department's own reads; still-sealed ones only for those who may see them
    (``access.may_see_sealed_reads``)."""
    qs = Access.objects.filter(reader_department=department).select_related(
        "dataset", "dataset__owner", "reader_department", "reader_user", "reader_system"
    )
    return qs if include_sealed else qs.filter(visible_to_subject_filter())


def sealed_read_list_for_department(*, department: Department) -> QuerySet[Access]:
    """The department's sealed reads: still sealed first (soonest unseal-by date), then the
    unsealed ones, newest first."""
    return (
        Access.objects.filter(reader_department=department, sealed_until__isnull=False)
        .select_related("dataset", "dataset__owner", "reader_user", "reader_system")
        .order_by(F("unsealed_at").desc(nulls_first=True), "sealed_until", "-at")
    )


def read_notice_list(*, user: User) -> QuerySet[ReadNotice]:
    """The person's notices about unsealed reads, newest first."""
    return ReadNotice.objects.filter(recipient=user).select_related(
        "access__reader_department", "access__dataset", "firm"
    )


def objection_queue(*, visible: QuerySet[Objection]) -> QuerySet[Objection]:
    """The objections a staff member may see (``access.objections_visible_to``): open ones
    first, the nearest deadline first; answered ones after, newest first."""
    return visible.select_related(
        "access", "access__dataset", "access__reader_department"
    ).order_by(
        Case(When(status=ObjectionStatus.ANSWERED, then=1), default=0),
        "due_on",
        "-created_at",
    )


def objection_list_for_person(*, objections: QuerySet[Objection]) -> QuerySet[Objection]:
    """The person's objections (``access.objections_of_person``), newest first, one query."""
    return objections.select_related("access__dataset", "access__reader_department").order_by(
        "-created_at"
    )


def objection_for_access(*, objections: QuerySet[Objection], access_id: str) -> Objection | None:
    """The person's latest objection to one access, if any."""
    return objections.filter(access_id=access_id).order_by("-created_at").first()


def objection_notices_for_user(*, user: User) -> QuerySet[ObjectionNotice]:
    """The person's notices about objections, newest first (for the one inbox)."""
    return (
        ObjectionNotice.objects.filter(recipient=user)
        .filter(objection_notices_visible_filter(user=user))
        .select_related("objection__access__dataset", "objection__access__reader_department")
    )


def objection_notice_unread_count(*, user: User) -> int:
    return objection_notices_for_user(user=user).filter(read_at__isnull=True).count()
