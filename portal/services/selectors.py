"""Reads of the one-stop services, with the access rules every page and API goes through."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils import timezone

from portal.accounts.models import FirmRepresentative, User
from portal.accounts.selectors import staff_has_permission
from portal.departments.models import Department, DepartmentSystem
from portal.services import access
from portal.services.constants import (
    APPLICANT,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    ApplicationStatus,
    EvaluationStatus,
    ThemeKind,
)
from portal.services.models import (
    Application,
    ApplicationEvent,
    DecisionDocument,
    Evaluation,
    Material,
    Notification,
    ServiceItem,
    Theme,
)
from portal.services.verification import code_normalise
from portal.services.workdays import add_working_days, working_days_between

# The large parts of a service's guide, not needed in lists.
SERVICE_GUIDE_FIELDS = (
    "materials",
    "process_steps",
    "form_schema",
    "reference_datasets",
    "conditions",
    "legal_basis",
    "search_text",
)

DEPARTMENTS_CACHE_KEY = "services:departments-with-services"

# --- Catalogue ---------------------------------------------------------------------------


def theme_list(*, kind: ThemeKind | None = None) -> QuerySet[Theme]:
    qs = Theme.objects.all()
    return qs.filter(kind=kind) if kind else qs


def service_list(
    *,
    department_code: str = "",
    theme_code: str = "",
    query: str = "",
    applicant_kind: str = "",
) -> QuerySet[ServiceItem]:
    """Published services, filtered; search matches name, English name, keywords and code."""
    qs = ServiceItem.objects.filter(is_published=True).select_related("department")
    if department_code:
        qs = qs.filter(department__code=department_code)
    if theme_code:
        qs = qs.filter(themes__code=theme_code)
    if applicant_kind == "firm":
        qs = qs.filter(for_firms=True)
    elif applicant_kind == "citizen":
        qs = qs.filter(for_citizens=True)
    for word in query.lower().split()[:5]:
        qs = qs.filter(search_text__contains=word)
    return qs.defer(*SERVICE_GUIDE_FIELDS).order_by("code")


def department_list_with_services() -> list[dict[str, object]]:
    """Departments with their number of published services (cached for a few minutes)."""

    def compute() -> list[dict[str, object]]:
        return list(
            Department.objects.filter(service_items__is_published=True)
            .annotate(n=Count("service_items"))
            .order_by("code")
            .values("code", "name", "name_en", "n")
        )

    cached = cache.get_or_set(DEPARTMENTS_CACHE_KEY, compute, timeout=300)
    return cached if isinstance(cached, list) else compute()


def service_get(*, code: str) -> ServiceItem | None:
    return (
        ServiceItem.objects.filter(code=code, is_published=True)
        .select_related("department")
        .prefetch_related("themes")
        .first()
    )


def service_list_for_firms() -> QuerySet[ServiceItem]:
    """Published services a firm may apply for (e.g. for subsidy policies to point at)."""
    return service_list(applicant_kind="firm")


# --- Who may see and act: portal/services/access.py decides ---------------------------------


def actions_available(
    *,
    application: Application,
    user: User | None = None,
    system: DepartmentSystem | None = None,
) -> list[Action]:
    """Transitions this actor may make now (state and role)."""
    return [
        action
        for action, t in TRANSITIONS.items()
        if application.status in t.sources
        and t.role != APPLICANT
        and access.may_perform(action=action, application=application, user=user, system=system)
    ]


# --- Applications: the applicant's side ---------------------------------------------------


def application_list_for_person(
    *, user: User, acting_for: FirmRepresentative | None
) -> QuerySet[Application]:
    scope = access.person_scope(user=user, acting_for=acting_for)
    if scope is None:
        return Application.objects.none()
    return (
        Application.objects.filter(scope)
        .select_related("service", "department", "firm")
        .order_by("-created_at", "-pk")
    )


# --- Applications: one application, for whom ---------------------------------------------
# See ``access.access_application_for_person`` / ``_for_staff`` / ``_for_system``.


def statuses_for_roles(*, user: User, department: Department) -> list[str]:
    """The statuses a staff member's roles act on: the default filter of their queue."""
    out: list[str] = []
    for t in TRANSITIONS.values():
        if t.role != APPLICANT and staff_has_permission(
            user=user, department=department, codename=t.role
        ):
            out.extend(s for s in t.sources if s not in out)
    return out


def application_queue(
    *,
    department: Department,
    statuses: list[str] | None = None,
    service_code: str = "",
    due: str = "",
    number: str = "",
) -> QuerySet[Application]:
    """A department's submitted applications, earliest due date first."""
    qs = Application.objects.filter(department=department).exclude(status=ApplicationStatus.DRAFT)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if service_code:
        qs = qs.filter(service__code=service_code)
    today = timezone.localdate()
    running = OPEN_STATUSES - {ApplicationStatus.SUPPLEMENT_REQUESTED}
    if due == "overdue":
        qs = qs.filter(status__in=running, due_date__lt=today)
    elif due == "soon":
        soon = add_working_days(today, settings.SERVICES_DUE_SOON_DAYS)
        qs = qs.filter(status__in=running, due_date__gte=today, due_date__lte=soon)
    if number:
        qs = qs.filter(number__iexact=number.strip())
    return (
        qs.select_related("service", "applicant", "firm")
        .defer("data", *(f"service__{f}" for f in SERVICE_GUIDE_FIELDS))
        .order_by("due_date", "submitted_at", "pk")
    )


# --- Deadlines -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DueInfo:
    state: str  # "", "on_hold", "ok", "soon", "overdue"
    working_days_left: int | None


def due_info(application: Application, *, today: dt.date | None = None) -> DueInfo:
    """Warnings before and marks after the deadline, in working days."""
    if application.status not in OPEN_STATUSES or application.due_date is None:
        return DueInfo("", None)
    if application.status == ApplicationStatus.SUPPLEMENT_REQUESTED:
        return DueInfo("on_hold", application.days_left_on_hold)
    today = today or timezone.localdate()
    left = working_days_between(today, application.due_date)
    if application.due_date < today:
        return DueInfo("overdue", left)
    if left <= settings.SERVICES_DUE_SOON_DAYS:
        return DueInfo("soon", left)
    return DueInfo("ok", left)


# --- Timeline, materials, notices, decisions, evaluations ----------------------------------


def event_list(*, application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor_user", "actor_system").order_by("at", "pk")


def material_list(*, application: Application) -> QuerySet[Material]:
    return application.materials.select_related("exchange_department").order_by("created_at", "pk")


def notification_list(*, user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .filter(access.notices_visible_filter(user=user))
        .select_related("application__service", "event")
    )


def notification_unread_count(*, user: User) -> int:
    return (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .filter(access.notices_visible_filter(user=user))
        .count()
    )


def decision_get_by_code(*, code: str) -> DecisionDocument | None:
    """The document issued under ``code`` (normalised as ``verification.code_normalise``)."""
    return (
        DecisionDocument.objects.filter(code=code_normalise(code))
        .select_related("application__service", "application__department", "application__firm")
        .first()
    )


def evaluation_queue(*, department: Department, status: str = "") -> QuerySet[Evaluation]:
    qs = Evaluation.objects.filter(department=department)
    qs = qs.filter(status=status) if status else qs.exclude(status=EvaluationStatus.NO_REPLY_NEEDED)
    return qs.select_related("application__service", "replied_by").order_by("status", "-created_at")
