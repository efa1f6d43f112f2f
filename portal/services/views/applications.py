"""Following one's applications: the list, an application with its progress and decision, the
applicant's actions and rating, the notices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.inbox import InboxList, inbox_mark_read
from portal.services import selectors, services
from portal.services.constants import OPEN_STATUSES, Action, ApplicationStatus
from portal.services.feedback import CONFIRM_ACTIONS, action_done_message, confirm_question
from portal.services.forms import ApplicantActionForm, EvaluationForm
from portal.services.models import Application
from portal.services.remedies import remedies_from
from portal.services.schema import localized
from portal.services.views.common import (
    PAGE_SIZE,
    _file_response,
    _material_rows,
    _own_application,
    _person,
    _progress,
    _summary,
    _supplement_reason,
    decision_response,
)


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    user, acting_for = _person(request)
    qs = selectors.application_list_for_person(user=user, acting_for=acting_for)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"application": a, "progress": _progress(a), "due": selectors.due_info(a)}
        for a in page.object_list
    ]
    return render(
        request,
        "services/my_applications.html",
        {"page": page, "rows": rows, "acting_for": acting_for},
    )


@login_required
@require_GET
def application_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Status, progress, deadline, timeline, materials, decision and evaluation."""
    application = _own_application(request, number)
    if application.status == ApplicationStatus.DRAFT:
        step = min(application.current_step, len(application.service.form_steps))
        if step >= len(application.service.form_steps):
            return redirect("services:application_materials", number=number)
        return redirect("services:application_step", number=number, step=step)
    return _render_detail(request, application)


def _render_detail(
    request: HttpRequest,
    application: Application,
    *,
    evaluation_form: EvaluationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    evaluation = getattr(application, "evaluation", None)
    decision = getattr(application, "decision_document", None)
    may_evaluate = evaluation is None and application.status in {
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.REFUSED,
    }
    return render(
        request,
        "services/application_detail.html",
        {
            "application": application,
            "progress": _progress(application),
            "due": selectors.due_info(application),
            "events": selectors.event_list(application=application),
            "rows": _material_rows(application),
            "summary": _summary(application),
            "decision": decision,
            "evaluation": evaluation,
            "evaluation_form": (evaluation_form or EvaluationForm()) if may_evaluate else None,
            "may_withdraw": application.status in OPEN_STATUSES,
            "may_resubmit": application.status == ApplicationStatus.SUPPLEMENT_REQUESTED,
            "supplement_reason": _supplement_reason(application),
            "refusal": _refusal(application),
            "may_apply_again": application.status in AGAIN_STATUSES
            and application.service.is_published,
        },
        status=status,
    )


AGAIN_STATUSES = frozenset(
    {ApplicationStatus.REFUSED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
)


def _refusal(application: Application) -> dict[str, object] | None:
    """A refusal or rejection: its reason and the remedies with their last days."""
    if application.status not in {ApplicationStatus.REFUSED, ApplicationStatus.REJECTED}:
        return None
    event = application.events.filter(to_status=application.status).order_by("-at").first()
    return {
        "reason": event.reason if event is not None else "",
        "remedies": remedies_from(timezone.localdate(application.decided_at or timezone.now())),
    }


@login_required
@require_POST
def application_action(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant's own moves: withdraw (after a confirmation page), resubmit."""
    user, _acting = _person(request)
    application = _own_application(request, number)
    form = ApplicantActionForm(request.POST)
    if not form.is_valid():
        raise Http404
    action = Action(form.cleaned_data["action"])
    if action in CONFIRM_ACTIONS and not form.cleaned_data["confirmed"]:
        return render(
            request,
            "services/confirm.html",
            {
                "application": application,
                "action": action,
                "question": confirm_question(action),
                "post_url": reverse("services:application_action", args=[number]),
                "cancel_url": reverse("services:application_detail", args=[number]),
            },
        )
    try:
        services.application_transition(application=application, action=action, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        application.refresh_from_db()
        messages.success(request, action_done_message(action, application))
    return redirect("services:application_detail", number=number)


@login_required
@require_GET
def decision_file(request: HttpRequest, number: str) -> HttpResponse:
    return decision_response(_own_application(request, number))


@login_required
@require_POST
def application_evaluate(request: HttpRequest, number: str) -> HttpResponse:
    """Rate the handling; a refused rating comes back with the comment kept."""
    user, _acting = _person(request)
    application = _own_application(request, number)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_create(
                application=application,
                user=user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Thank you: your rating of %(number)s was sent to %(department)s.")
                % {
                    "number": number,
                    "department": localized(vars(application.department), "name"),
                },
            )
        return redirect("services:application_detail", number=number)
    return _render_detail(request, application, evaluation_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """The one inbox: every notice of the person (applications, objections, policies, unsealed
    reads), newest first; "mark all as read" marks every kind."""
    user, _acting = _person(request)
    if request.method == "POST":
        inbox_mark_read(user=user)
        return redirect("services:notifications")
    page = Paginator(InboxList(user=user, request=request), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "services/notifications.html", {"page": page})


@login_required
@require_GET
def material_file(request: HttpRequest, number: str, material_id: int) -> HttpResponse:
    """A material's file: only for the applicant side (staff have their own door)."""
    application = _own_application(request, number)
    material = application.materials.filter(pk=material_id).first()
    if material is None:
        raise Http404
    return _file_response(material)
