"""Who may see and act on an application: the one place that decides, for pages, API, admin.

``access_application_*`` return the application or raise ``Http404`` (none, or none the
caller may know of); the ``may_*`` functions answer one question. Each condition is on its
own line; each branch has a test in ``tests/services/test_access.py``.

- The applicant side: the person who applied, or a current representative of the firm with
  the right to file applications (``FirmRepresentative.can_apply``).
- The department side: staff of the handling department with a handling role, or the
  department's active system; never a draft, which is the applicant's alone.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from portal.accounts.models import Firm, FirmRepresentative, User
from portal.accounts.selectors import (
    current_representations,
    representation_is_current,
    staff_has_permission,
)
from portal.departments.models import Department, DepartmentSystem
from portal.services.constants import APPLICANT, TRANSITIONS, Action, ApplicationStatus
from portal.services.models import Application, Evaluation

HANDLING_PERMISSIONS = (
    "accept_application",
    "review_application",
    "approve_application",
    "administer_department",
)

_RELATED = ("service__department", "department", "firm", "applicant")


def representative_may_apply(*, user: User | AnonymousUser, firm: Firm | int) -> bool:
    """The person represents the firm now and may file applications for it."""
    # Only a signed-in, active person acts for a firm.
    if not isinstance(user, User) or not user.is_active:
        return False
    firm_id = firm if isinstance(firm, int) else firm.pk
    # A current mandate that includes filing applications.
    return current_representations(
        FirmRepresentative.objects.filter(firm_id=firm_id, user=user, can_apply=True)
    ).exists()


def firm_recipients(*, firm_id: int) -> QuerySet[User]:
    """Who hears about a firm's applications: its current representatives who may apply."""
    reps = current_representations(
        FirmRepresentative.objects.filter(firm_id=firm_id, can_apply=True)
    )
    return User.objects.filter(pk__in=reps.values("user_id"), is_active=True).order_by("pk")


def notices_visible_filter(*, user: User) -> Q:
    """The person's notices they may still read: personal ones, and those of firms they may
    file for now (a former agent no longer sees the firm's notices, refusal reasons included).
    """
    firms = current_representations(FirmRepresentative.objects.filter(user=user, can_apply=True))
    return Q(application__firm__isnull=True) | Q(application__firm_id__in=firms.values("firm_id"))


def person_may_act(*, user: User | AnonymousUser, application: Application) -> bool:
    """The applicant side: the person who applied, or (for a firm) a current representative."""
    # Only a signed-in, active citizen account is an applicant.
    if not isinstance(user, User) or not user.is_active or not user.is_citizen:
        return False
    # A personal application is the applicant's alone.
    if application.firm_id is None:
        return application.applicant_id == user.pk
    # A firm's application: whoever may file for the firm now (not a former agent).
    return representative_may_apply(user=user, firm=application.firm_id)


def staff_may_handle(*, user: User | AnonymousUser, department: Department) -> bool:
    """Staff of the handling department with a handling role see its applications."""
    return any(
        staff_has_permission(user=user, department=department, codename=codename)
        for codename in HANDLING_PERMISSIONS
    )


def may_perform(
    *,
    action: Action,
    application: Application,
    user: User | None = None,
    system: DepartmentSystem | None = None,
) -> bool:
    """The role rule of one transition (the state rule is separate)."""
    role = TRANSITIONS[action].role
    # The applicant's own steps (submit, resubmit, withdraw).
    if role == APPLICANT:
        return user is not None and person_may_act(user=user, application=application)
    # The handling department's active system.
    if system is not None:
        return system.is_active and system.department_id == application.department_id
    # Nobody else but staff.
    if user is None:
        return False
    # Staff of the handling department with the role the step needs.
    return staff_has_permission(user=user, department=application.department, codename=role)


def person_scope(*, user: User | AnonymousUser, acting_for: FirmRepresentative | None) -> Q | None:
    """What the person sees in the identity they use now; None when nothing."""
    # Only citizens apply (staff apply as citizens, with a citizen account).
    if not isinstance(user, User) or not user.is_active or not user.is_citizen:
        return None
    # In their own name: their personal applications.
    if acting_for is None:
        return Q(applicant=user, firm__isnull=True)
    # Acting for a firm under someone else's mandate is impossible.
    if acting_for.user_id != user.pk:
        return None
    # The mandate must include filing applications ...
    if not acting_for.can_apply:
        return None
    # ... and must not have ended.
    if not representation_is_current(acting_for):
        return None
    return Q(firm_id=acting_for.firm_id)


def access_application_for_person(
    *, user: User | AnonymousUser, acting_for: FirmRepresentative | None, number: str
) -> Application:
    """The application, if the person may see it in the identity they use now."""
    scope = person_scope(user=user, acting_for=acting_for)
    # Nothing to see in this identity.
    if scope is None:
        raise Http404
    application = Application.objects.filter(scope, number=number).select_related(*_RELATED).first()
    # Not theirs (or no such number).
    if application is None:
        raise Http404
    return application


def access_application_for_staff(*, user: User | AnonymousUser, number: str) -> Application:
    """A submitted application of the staff member's department, if a handling role is theirs."""
    # Only department staff ...
    if not isinstance(user, User) or user.department is None:
        raise Http404
    # ... with a handling role in their own department.
    if not staff_may_handle(user=user, department=user.department):
        raise Http404
    return _submitted_of(department=user.department, number=number)


def access_application_for_system(*, system: DepartmentSystem, number: str) -> Application:
    """A submitted application of the system's department, if the system is active."""
    # A revoked system sees nothing.
    if not system.is_active:
        raise Http404
    return _submitted_of(department=system.department, number=number)


def _submitted_of(*, department: Department, number: str) -> Application:
    application = (
        Application.objects.filter(number=number, department=department)
        # A draft is the applicant's alone until it is submitted.
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related(*_RELATED)
        .first()
    )
    # Another department's, a draft, or no such number: the same answer.
    if application is None:
        raise Http404
    return application


REPLY_PERMISSIONS = ("administer_department", "approve_application")


def may_reply_evaluation(*, user: User | AnonymousUser, department: Department) -> bool:
    """A poor rating is answered by the rated department's administrator or an approver."""
    return any(
        staff_has_permission(user=user, department=department, codename=codename)
        for codename in REPLY_PERMISSIONS
    )


def access_evaluation_for_reply(*, user: User | AnonymousUser, evaluation_id: int) -> Evaluation:
    """A rating of the staff member's department (else 404) they may answer (else 403)."""
    # Only department staff ...
    if not isinstance(user, User) or user.department is None:
        raise Http404
    evaluation = Evaluation.objects.filter(pk=evaluation_id, department=user.department).first()
    # ... see their own department's ratings only.
    if evaluation is None:
        raise Http404
    # Answering is the administrator's or an approver's.
    if not may_reply_evaluation(user=user, department=evaluation.department):
        raise PermissionDenied(_("Only the department's administrator or approvers reply."))
    return evaluation
