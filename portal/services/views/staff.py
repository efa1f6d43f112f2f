"""Back-office pages: the work queue, the application with its materials and exchange data."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.models import User
from portal.backoffice.access import staff_required
from portal.core.text import visible_text
from portal.exchange import access as exchange_access
from portal.exchange.models import Dataset
from portal.exchange.services import ReadResult
from portal.services import access, selectors, services
from portal.services.constants import TRANSITIONS, Action
from portal.services.feedback import CONFIRM_ACTIONS, action_done_message, confirm_question
from portal.services.forms import LookupForm, QueueFilterForm, ReplyForm, StaffActionForm
from portal.services.models import Application
from portal.services.views.common import (
    _file_response,
    _material_rows,
    _progress,
    _summary,
    decision_response,
)

PAGE_SIZE = 25


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.department is None:
        raise Http404
    return user


def _application(request: HttpRequest, number: str) -> Application:
    return access.access_application_for_staff(user=_staff(request), number=number)


@require_GET
@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The department's applications for the staff member's roles, earliest due first."""
    user = _staff(request)
    department = user.department
    assert department is not None
    if not access.staff_may_handle(user=user, department=department):
        raise PermissionDenied(_("Your roles do not include handling applications."))
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status", "")
    if status == "all":
        statuses: list[str] | None = None
    elif status:
        statuses = [status]
    else:
        statuses = selectors.statuses_for_roles(user=user, department=department) or None
    qs = selectors.application_queue(
        department=department,
        statuses=statuses,
        service_code=filters.get("service", ""),
        due=filters.get("due", ""),
        number=filters.get("number", ""),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"application": a, "due": selectors.due_info(a)} for a in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/backoffice/queue.html",
        {
            "department": department,
            "form": form,
            "page": page,
            "rows": rows,
            "page_query": query.urlencode(),
        },
    )


def _render_application(
    request: HttpRequest,
    application: Application,
    *,
    action_form: StaffActionForm | None = None,
    read: ReadResult | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _staff(request)
    codes = list(application.service.reference_datasets) + [
        str(m.get("exchange_dataset")) for m in application.service.materials
    ]
    datasets = list(Dataset.objects.select_related("owner").filter(code__in=codes).order_by("code"))
    if application.firm_id is None:
        datasets = [d for d in datasets if d.subject_kind == "citizen"]
    else:
        datasets = [d for d in datasets if d.subject_kind == "firm"]
    return render(
        request,
        "services/backoffice/application.html",
        {
            "application": application,
            "summary": _summary(application),
            "rows": _material_rows(application),
            "events": selectors.event_list(application=application),
            "progress": _progress(application),
            "due": selectors.due_info(application),
            "actions": selectors.actions_available(application=application, user=user),
            "action_form": action_form or StaffActionForm(),
            "datasets": datasets,
            "can_read": exchange_access.may_read(department=application.department, user=user),
            "read": read,
            "decision": getattr(application, "decision_document", None),
            "evaluation": getattr(application, "evaluation", None),
        },
        status=status,
    )


@require_GET
@staff_required
def application(request: HttpRequest, number: str) -> HttpResponse:
    return _render_application(request, _application(request, number))


@require_POST
@staff_required
def act(request: HttpRequest, number: str) -> HttpResponse:
    """Accept, refuse, review, ask for a supplement, approve or reject, with the reason.

    A move that cannot be undone (approve, refuse, reject) is first shown on a confirmation
    page that posts it again with ``confirmed`` (no JavaScript needed).
    """
    application = _application(request, number)
    form = StaffActionForm(request.POST)
    if form.is_valid():
        action = Action(form.cleaned_data["action"])
        reason = form.cleaned_data["reason"]
        transition = TRANSITIONS[action]
        needs_reason = transition.reason_required and not visible_text(reason)
        user = _staff(request)
        available = action in selectors.actions_available(application=application, user=user)
        if (
            action in CONFIRM_ACTIONS
            and available
            and not form.cleaned_data["confirmed"]
            and not needs_reason
        ):
            return render(
                request,
                "services/confirm.html",
                {
                    "application": application,
                    "action": action,
                    "reason": reason,
                    "question": confirm_question(action),
                    "post_url": reverse("services:staff_act", args=[number]),
                    "cancel_url": reverse("services:staff_application", args=[number]),
                    "staff_view": True,
                },
            )
        try:
            services.application_transition(
                application=application, action=action, user=user, reason=reason
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            application.refresh_from_db()
            messages.success(request, action_done_message(action, application))
            return redirect("services:staff_application", number=number)
    application.refresh_from_db()
    return _render_application(request, application, action_form=form, status=400)


@require_POST
@staff_required
def lookup(request: HttpRequest, number: str) -> HttpResponse:
    """Read another department's data about the applicant, for this application (logged)."""
    application = _application(request, number)
    form = LookupForm(request.POST)
    if not form.is_valid():
        return redirect("services:staff_application", number=number)
    try:
        result = services.application_reference_read(
            application=application, user=_staff(request), dataset_code=form.cleaned_data["dataset"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("services:staff_application", number=number)
    return _render_application(request, application, read=result)


@require_GET
@staff_required
def material_file(request: HttpRequest, number: str, material_id: int) -> HttpResponse:
    application = _application(request, number)
    material = application.materials.filter(pk=material_id).first()
    if material is None:
        raise Http404
    return _file_response(material)


@require_GET
@staff_required
def decision_file(request: HttpRequest, number: str) -> HttpResponse:
    return decision_response(_application(request, number))


def _render_evaluations(
    request: HttpRequest, *, bound: ReplyForm | None = None, bound_id: int | None = None
) -> HttpResponse:
    user = _staff(request)
    assert user.department is not None
    page = Paginator(selectors.evaluation_queue(department=user.department), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "services/backoffice/evaluations.html",
        {
            "page": page,
            "department": user.department,
            # Only those who may answer see a reply box (a clerk would meet a refusal).
            "may_reply": access.may_reply_evaluation(user=user, department=user.department),
            "bound": bound,
            "bound_id": bound_id,
        },
        status=400 if bound is not None else 200,
    )


@require_GET
@staff_required
def evaluations(request: HttpRequest) -> HttpResponse:
    """Poor ratings (差评) awaiting the department's reply, then those replied to."""
    user = _staff(request)
    assert user.department is not None
    if not access.staff_may_handle(user=user, department=user.department):
        raise PermissionDenied(_("Your roles do not include handling applications."))
    return _render_evaluations(request)


@require_POST
@staff_required
def evaluation_reply(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """Answer a poor rating; a refused reply comes back with its text kept."""
    user = _staff(request)
    evaluation = access.access_evaluation_for_reply(user=user, evaluation_id=evaluation_id)
    form = ReplyForm(request.POST, auto_id=f"reply-{evaluation.pk}-%s")
    if form.is_valid():
        try:
            services.evaluation_reply(
                evaluation=evaluation, user=user, reply=form.cleaned_data["reply"]
            )
        except ValidationError as exc:
            problems = exc.message_dict if hasattr(exc, "error_dict") else {"reply": exc.messages}
            for field, errors in problems.items():
                form.add_error("reply" if field not in form.fields else field, errors)
        else:
            messages.success(
                request,
                _("Reply to the rating of %(number)s sent; the applicant can read it there.")
                % {"number": evaluation.application.number},
            )
            return redirect("services:evaluations")
    return _render_evaluations(request, bound=form, bound_id=evaluation.pk)
