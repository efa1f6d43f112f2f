"""Drafts: starting, resuming and deleting an application, and saving its form steps."""

from collections.abc import Mapping
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Firm, User
from portal.services import access
from portal.services.constants import ApplicationStatus
from portal.services.models import Application, ApplicationSequence, ServiceItem
from portal.services.schema import (
    locked_values,
    prefill_value,
    schema_fields,
    step_form,
    to_form_data,
    to_json,
)

EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUPPLEMENT_REQUESTED})
# What is kept of a wrong value typed before going back a step (it is checked again later).
KEPT_TEXT_MAX = 10_000


def _next_number(year: int) -> str:
    """SQ-<year>-<six digits>, from a locked per-year counter (no two alike, no race)."""
    ApplicationSequence.objects.get_or_create(year=year)
    seq = ApplicationSequence.objects.select_for_update().get(year=year)
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return f"SQ-{year}-{seq.last_value:06d}"


def application_locked_values(application: Application) -> dict[str, object]:
    """Who the applicant is, from the account: the values of the form's locked fields."""
    return locked_values(
        application.service.form_schema, applicant=application.applicant, firm=application.firm
    )


@transaction.atomic
def application_create_draft(
    *,
    service: ServiceItem,
    applicant: User,
    firm: Firm | None,
    prefill: Mapping[str, object] | None = None,
) -> Application:
    """Start an application (a draft) for oneself or, with ``firm``, for a firm one represents.

    ``prefill`` gives values of form fields by name (unknown names are ignored; values are
    checked when the applicant saves each step and when they submit). Fields declared with a
    ``prefill`` source (e.g. ``applicant.real_name``, ``firm.uscc``) are filled from the
    profile; identity fields (``schema.is_locked``) always hold the account's values, whatever
    ``prefill`` says. Raises PermissionDenied when the person may not apply in that identity
    and ValidationError when the service is not open to it.
    """
    if not applicant.is_authenticated or not applicant.is_citizen:
        raise PermissionDenied(_("Only citizens and firm representatives file applications."))
    if not service.is_published:
        raise ValidationError(_("This service is not open for applications."))
    if firm is None and not service.for_citizens:
        raise ValidationError(_("Only firms may apply for this service."))
    if firm is not None:
        if not service.for_firms:
            raise ValidationError(_("Only citizens may apply for this service."))
        if not access.representative_may_apply(user=applicant, firm=firm):
            raise PermissionDenied(_("You may not file applications for this firm."))
    data: dict[str, object] = {}
    for spec in schema_fields(service.form_schema):
        source = spec.get("prefill")
        if isinstance(source, str):
            value = prefill_value(source, applicant=applicant, firm=firm)
            if value is not None:
                data[str(spec["name"])] = value
    known = {str(spec["name"]) for spec in schema_fields(service.form_schema)}
    for key, value in (prefill or {}).items():
        if key in known and value is not None:
            data[key] = to_json(value)
    data.update(locked_values(service.form_schema, applicant=applicant, firm=firm))
    return Application.objects.create(
        number=_next_number(timezone.localdate().year),
        service=service,
        department=service.department,
        applicant=applicant,
        firm=firm,
        data=data,
    )


def application_draft_find(
    *, service: ServiceItem, applicant: User, firm: Firm | None
) -> Application | None:
    """The person's unfinished draft of this service in this identity, if there is one."""
    return (
        Application.objects.filter(
            service=service, applicant=applicant, firm=firm, status=ApplicationStatus.DRAFT
        )
        .order_by("-updated_at", "-pk")
        .first()
    )


@transaction.atomic
def application_draft_open(
    *,
    service: ServiceItem,
    applicant: User,
    firm: Firm | None,
    copy_from: Application | None = None,
) -> tuple[Application, bool]:
    """ "Apply online": resume the person's draft of this service, or start one (one each).

    Returns the draft and whether it was resumed. The applicant's row is locked so that two
    clicks at once still make one draft. ``copy_from`` (applying again after a refusal)
    starts from what was filed then, when there is no draft to resume.
    """
    User.objects.select_for_update().filter(pk=applicant.pk).first()
    existing = application_draft_find(service=service, applicant=applicant, firm=firm)
    if existing is not None:
        return existing, True
    prefill: dict[str, object] = {}
    if copy_from is not None:
        if not access.person_may_act(user=applicant, application=copy_from):
            raise PermissionDenied(_("This is not your application."))
        prefill = dict(copy_from.data)
    draft = application_create_draft(
        service=service, applicant=applicant, firm=firm, prefill=prefill
    )
    return draft, False


@transaction.atomic
def application_draft_delete(*, application: Application, user: User) -> None:
    """Delete a draft that was never submitted, with its uploaded files."""
    application = _lock(application)
    if not access.person_may_act(user=user, application=application):
        raise PermissionDenied(_("This is not your application."))
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("Only a draft that was never submitted can be deleted."))
    files = [m.file for m in application.materials.all() if m.file]
    application.delete()
    for stored in files:
        transaction.on_commit(partial(stored.storage.delete, stored.name))


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("service", "department", "firm", "applicant")
        .get(pk=application.pk)
    )


def _check_editable(*, application: Application, user: User) -> None:
    if not access.person_may_act(user=user, application=application):
        raise PermissionDenied(_("This is not your application."))
    if application.status not in EDITABLE_STATUSES:
        raise ValidationError(_("This application can no longer be changed."))


@transaction.atomic
def application_step_save(
    *,
    application: Application,
    user: User,
    step: int,
    values: Mapping[str, object],
    draft: bool = False,
    leaving: bool = False,
) -> Application:
    """Check and keep one step of the form; errors per field (``draft`` skips required ones).

    Identity fields keep the account's values whatever is posted. ``leaving`` (the person
    goes back a step) keeps everything typed: valid values as cleaned, the others as typed,
    so that nothing is lost; they are checked again before the application can be submitted.
    """
    application = _lock(application)
    _check_editable(application=application, user=user)
    steps = application.service.form_steps
    if not 0 <= step < len(steps):
        raise ValidationError(_("There is no such step."))
    locked = application_locked_values(application)
    form = step_form(
        application.service.form_schema,
        step,
        data=values,
        draft=draft or leaving,
        locked=locked,
    )
    data = dict(application.data)
    if not form.is_valid():
        if not leaving:
            raise ValidationError(
                {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            )
        for name in form.errors:
            raw = values.get(name)
            if name in form.fields and isinstance(raw, str):
                data[name] = raw[:KEPT_TEXT_MAX]
    for name, value in form.cleaned_data.items():
        data[name] = to_json(value)
    data.update(locked)
    application.data = data
    if not draft and not leaving:
        application.current_step = max(application.current_step, step + 1)
    application.save(update_fields=["data", "current_step", "updated_at"])
    return application


def form_errors(application: Application) -> dict[str, list[str]]:
    """Every missing or wrong value of the whole form, by field name."""
    errors: dict[str, list[str]] = {}
    stored = to_form_data(application.data)
    for n in range(len(application.service.form_steps)):
        form = step_form(application.service.form_schema, n, data=stored)
        if not form.is_valid():
            for name, messages in form.errors.items():
                errors[name] = [str(m) for m in messages]
    return errors
