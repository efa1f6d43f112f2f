"""The workflow: submission and every later move of an application (``constants.TRANSITIONS``)."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.text import visible_text
from portal.departments.models import DepartmentSystem
from portal.services import access
from portal.services.constants import (
    DECIDED_STATUSES,
    TRANSITIONS,
    Action,
    ApplicationStatus,
    MaterialSource,
)
from portal.services.models import Application, ApplicationEvent
from portal.services.schema import localized
from portal.services.services.decisions import DOCUMENT_KINDS, _decision_issue
from portal.services.services.drafts import _lock, application_locked_values, form_errors
from portal.services.services.materials import _fetch_material, _to_fetch
from portal.services.services.notifications import _notify
from portal.services.workdays import add_working_days, working_days_between


@dataclass(frozen=True)
class SubmitResult:
    """The outcome of a submission: submitted, or what could not be fetched (to upload)."""

    application: Application
    problems: list[str] = field(default_factory=list)

    @property
    def submitted(self) -> bool:
        return not self.problems


@transaction.atomic
def application_submit(*, application: Application, user: User) -> SubmitResult:
    """Submit a draft: check the whole form and the materials, fetch 免提交 materials.

    Form and upload problems raise ValidationError (by field name, materials under
    ``materials``) before anything is read. A material that the exchange refuses is not
    raised, because the refused read must stay in the ledger: the application then stays a
    draft and the result's ``problems`` say what to upload instead.
    """
    application = _lock(application)
    if not access.may_perform(action=Action.SUBMIT, application=application, user=user):
        raise PermissionDenied(_("This is not your application."))
    if application.status not in TRANSITIONS[Action.SUBMIT].sources:
        raise ValidationError(_("This application has already been submitted."))
    application.data = {**application.data, **application_locked_values(application)}
    errors: dict[str, list[str]] = form_errors(application)
    uploaded = set(
        application.materials.filter(source=MaterialSource.UPLOAD).values_list(
            "requirement_code", flat=True
        )
    )
    exchange_codes = {
        str(m["code"]) for m in application.service.materials if m.get("exchange_dataset")
    }
    missing: list[str] = []
    for spec in application.service.materials:
        code = str(spec["code"])
        if code not in uploaded and code not in exchange_codes and spec.get("required"):
            missing.append(_("Upload “%(name)s”.") % {"name": localized(spec, "name")})
    if missing:
        errors["materials"] = missing
    if errors:
        raise ValidationError(errors)
    # Data fetched when the materials step opened is used as it is; what was refused then is
    # asked for once more (the record may have been corrected since).
    application.materials.filter(source=MaterialSource.EXCHANGE).exclude(fetch_problem="").delete()
    problems: list[str] = []
    for spec, dataset in _to_fetch(application):
        material, why = _fetch_material(application=application, spec=spec, dataset=dataset)
        if material is None and spec.get("required"):
            problems.append(
                _("“%(name)s” could not be fetched from %(department)s (%(why)s); upload it.")
                % {
                    "name": localized(spec, "name"),
                    "department": localized(vars(dataset.owner), "name"),
                    "why": why,
                }
            )
    if problems:
        return SubmitResult(application=application, problems=problems)
    _move(application=application, action=Action.SUBMIT, user=user, system=None, reason="")
    return SubmitResult(application=application)


def _move(
    *,
    application: Application,
    action: Action,
    user: User | None,
    system: DepartmentSystem | None,
    reason: str,
) -> ApplicationEvent:
    """Apply one transition to a locked application: deadline, timeline, notice."""
    transition = TRANSITIONS[action]
    now = timezone.now()
    today = timezone.localdate(now)
    before = application.status
    application.status = transition.target
    promised = application.service.promised_days
    if action == Action.SUBMIT:
        application.submitted_at = now
        application.due_date = add_working_days(today, promised)
    elif action == Action.ACCEPT:
        application.accepted_at = now
        application.due_date = add_working_days(today, promised)
    elif action == Action.REQUEST_SUPPLEMENT:
        due = application.due_date or add_working_days(today, promised)
        application.days_left_on_hold = max(0, working_days_between(today, due))
    elif action == Action.RESUBMIT:
        application.due_date = add_working_days(today, application.days_left_on_hold or 0)
        application.days_left_on_hold = None
    if transition.target in DECIDED_STATUSES or transition.target == ApplicationStatus.REFUSED:
        application.decided_at = now
    application.save()
    event = ApplicationEvent.objects.create(
        application=application,
        at=now,
        actor_user=user,
        actor_system=system,
        action=action,
        from_status=before,
        to_status=transition.target,
        reason=visible_text(reason),
    )
    if action in DOCUMENT_KINDS:
        _decision_issue(
            application=application, at=now, kind=DOCUMENT_KINDS[action], reason=event.reason
        )
    _notify(application=application, event=event)
    return event


def application_transition(
    *,
    application: Application,
    action: Action | str,
    user: User | None = None,
    system: DepartmentSystem | None = None,
    reason: str = "",
) -> Application:
    """Move an application by one allowed transition, by a person, staff or a department system.

    PermissionDenied when the actor's role may not make this move; ValidationError when the
    application's status does not allow it now or a required reason is missing. A
    submission whose 免提交 material was refused raises ValidationError after its own
    transaction has kept the refused read (see ``application_submit``).
    """
    if action not in Action.values:
        raise ValidationError({"action": _("Unknown action.")})
    action = Action(action)
    if (user is None) == (system is None):
        raise ValueError("an application is moved by a person or a system, not both")
    if action == Action.SUBMIT:
        if user is None:
            raise PermissionDenied(_("Only the applicant submits."))
        result = application_submit(application=application, user=user)
        if not result.submitted:
            raise ValidationError({"materials": result.problems})
        return result.application
    with transaction.atomic():
        application = _lock(application)
        if not access.may_perform(action=action, application=application, user=user, system=system):
            raise PermissionDenied(_("Your role may not do this to this application."))
        transition = TRANSITIONS[action]
        if application.status not in transition.sources:
            raise ValidationError(
                _("This cannot be done while the application is “%(status)s”.")
                % {"status": ApplicationStatus(application.status).label}
            )
        if transition.reason_required and not visible_text(reason):
            raise ValidationError({"reason": _("Give the reason; the applicant will read it.")})
        _move(application=application, action=action, user=user, system=system, reason=reason)
    return application
