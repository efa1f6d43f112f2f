"""Pages for people and firms: the catalogue, application forms in steps, "my applications"."""

from django import forms
from django.conf import settings
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

from portal.accounts.identity import mask_resident_id
from portal.accounts.inbox import InboxList, inbox_mark_read
from portal.accounts.models import FirmRepresentative, User
from portal.core.bilingual import with_content
from portal.exchange.models import Dataset
from portal.exchange.records import record_facts
from portal.services import access, selectors, services
from portal.services.constants import (
    OPEN_STATUSES,
    PROGRESS_STEPS,
    Action,
    ApplicationStatus,
    MaterialSource,
    ThemeKind,
)
from portal.services.feedback import CONFIRM_ACTIONS, action_done_message, confirm_question
from portal.services.forms import (
    ApplicantActionForm,
    EvaluationForm,
    MaterialUploadForm,
    SearchForm,
)
from portal.services.models import Application, Material
from portal.services.remedies import remedies_from
from portal.services.schema import localized, step_form, to_form_data

PAGE_SIZE = 20


def _person(request: HttpRequest) -> tuple[User, FirmRepresentative | None]:
    user = request.user
    assert isinstance(user, User)
    return user, getattr(request, "acting_for", None)


def _own_application(request: HttpRequest, number: str) -> Application:
    """The application, if the signed-in person may see it in the identity they use; else 404."""
    user, acting_for = _person(request)
    return access.access_application_for_person(user=user, acting_for=acting_for, number=number)


def _errors_into(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Catalogue ----------------------------------------------------------------------------


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Browse by department, topic and life event; search in Chinese or English."""
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.service_list(
        department_code=filters.get("department", ""),
        theme_code=filters.get("theme", ""),
        query=filters.get("q", ""),
        applicant_kind=filters.get("kind", ""),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    themes = list(selectors.theme_list())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/catalogue.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "departments": selectors.department_list_with_services(),
            "topics": [t for t in themes if t.kind == ThemeKind.TOPIC],
            "life_events": [t for t in themes if t.kind == ThemeKind.LIFE_EVENT],
            "page_query": query.urlencode(),
        },
    )


@require_GET
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The guide (办事指南) of one service, with the way to apply."""
    service = selectors.service_get(code=code)
    if service is None:
        raise Http404
    datasets = {
        d.code: d
        for d in Dataset.objects.select_related("owner").filter(
            code__in=[m.get("exchange_dataset") for m in service.materials]
        )
    }
    materials = []
    for m in service.materials:
        dataset = datasets.get(str(m.get("exchange_dataset") or ""))
        materials.append(
            {
                "name": localized(m, "name"),
                "required": m.get("required"),
                "dataset": dataset,
                "owner_name": localized(vars(dataset.owner), "name") if dataset else "",
            }
        )
    acting_for = getattr(request, "acting_for", None)
    user = request.user
    draft = (
        services.application_draft_find(
            service=service,
            applicant=user,
            firm=acting_for.firm if acting_for is not None else None,
        )
        if isinstance(user, User) and user.is_citizen
        else None
    )
    return render(
        request,
        "services/service_detail.html",
        {
            "service": service,
            "draft": draft,
            "materials": materials,
            "steps": [localized(p, "name") for p in service.process_steps],
            "acting_for": acting_for,
        },
    )


@login_required
@require_POST
def application_start(request: HttpRequest, code: str) -> HttpResponse:
    """ "Apply online": resume one's draft of this service, or start one (for oneself, or
    for the firm one acts for). ``again`` names an earlier application to start from."""
    user, acting_for = _person(request)
    service = selectors.service_get(code=code)
    if service is None:
        raise Http404
    again = request.POST.get("again", "")
    copy_from = _own_application(request, again) if again else None
    try:
        application, resumed = services.application_draft_open(
            service=service,
            applicant=user,
            firm=acting_for.firm if acting_for is not None else None,
            copy_from=copy_from,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("services:service_detail", code=code)
    if resumed:
        messages.info(
            request,
            _("You already have a draft of this service (%(number)s): continue where you left off.")
            % {"number": application.number},
        )
        return redirect("services:application_detail", number=application.number)
    messages.success(
        request,
        _("Application %(number)s started; it is saved as a draft as you go.")
        % {"number": application.number},
    )
    return redirect("services:application_step", number=application.number, step=0)


@login_required
@require_http_methods(["GET", "POST"])
def draft_delete(request: HttpRequest, number: str) -> HttpResponse:
    """Delete a draft, after a confirmation page (works without JavaScript)."""
    user, _acting = _person(request)
    application = _own_application(request, number)
    if application.status != ApplicationStatus.DRAFT:
        messages.error(request, _("Only a draft that was never submitted can be deleted."))
        return redirect(application)
    if request.method == "POST":
        services.application_draft_delete(application=application, user=user)
        messages.success(
            request,
            _("Draft %(number)s of “%(service)s” deleted.")
            % {"number": number, "service": application.service.display_name},
        )
        return redirect("services:my_applications")
    return render(request, "services/draft_delete.html", {"application": application})


# --- Filing in steps ----------------------------------------------------------------------


def _stepper(
    application: Application, current: str, rows: list[dict[str, object]] | None = None
) -> list[dict[str, object]]:
    """The steps of filing, for the step indicator: form steps, materials, review.

    A step is done (green) when it is complete: each form step once saved, the materials
    when every required one is provided or fetched, the review once submitted.
    """
    items: list[dict[str, object]] = []
    rows = rows if rows is not None else _material_rows(application)
    form_done = application.current_step >= len(application.service.form_steps)
    for n, step in enumerate(application.service.form_steps):
        items.append(
            {
                "label": localized(step, "title"),
                "url": reverse(
                    "services:application_step",
                    kwargs={"number": application.number, "step": n},
                ),
                "current": current == str(n),
                "done": n < application.current_step,
            }
        )
    items.append(
        {
            "label": _("Materials"),
            "url": reverse("services:application_materials", args=[application.number]),
            "current": current == "materials",
            "done": form_done and all(r["satisfied"] for r in rows),
        }
    )
    items.append(
        {
            "label": _("Review and submit"),
            "url": reverse("services:application_review", args=[application.number]),
            "current": current == "review",
            "done": application.status != ApplicationStatus.DRAFT,
        }
    )
    return items


def _supplement_reason(application: Application) -> str:
    """What the department asked for, while a supplement is requested (shown on every step)."""
    if application.status != ApplicationStatus.SUPPLEMENT_REQUESTED:
        return ""
    event = (
        application.events.filter(action=Action.REQUEST_SUPPLEMENT).order_by("-at", "-pk").first()
    )
    return event.reason if event is not None else ""


def _editable_or_redirect(request: HttpRequest, application: Application) -> HttpResponse | None:
    if application.status not in services.EDITABLE_STATUSES:
        messages.info(request, _("This application has been submitted and can no longer change."))
        return redirect(application)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def application_step(request: HttpRequest, number: str, step: int) -> HttpResponse:
    """One step of the form: "save and continue" checks it, "save draft" keeps what is there,
    "back" keeps what was typed (even unfinished) and goes to the step before."""
    user, _acting = _person(request)
    application = _own_application(request, number)
    if (response := _editable_or_redirect(request, application)) is not None:
        return response
    steps = application.service.form_steps
    if not 0 <= step < len(steps):
        raise Http404
    schema = application.service.form_schema
    locked = services.application_locked_values(application)
    status = 200
    if request.method == "POST":
        draft = "draft" in request.POST
        leaving = "back" in request.POST
        form = step_form(schema, step, data=request.POST, draft=draft, locked=locked)
        try:
            services.application_step_save(
                application=application,
                user=user,
                step=step,
                values=request.POST,
                draft=draft,
                leaving=leaving,
            )
        except ValidationError as exc:
            form.is_valid()
            if not form.errors:
                _errors_into(form, exc)
            status = 400
        else:
            if leaving:
                return redirect("services:application_step", number=number, step=max(0, step - 1))
            if draft:
                messages.success(request, _("Draft saved. You can come back to it at any time."))
                return redirect("services:my_applications")
            if step + 1 < len(steps):
                return redirect("services:application_step", number=number, step=step + 1)
            return redirect("services:application_materials", number=number)
    else:
        form = step_form(schema, step, initial=to_form_data(application.data), locked=locked)
    return render(
        request,
        "services/application_step.html",
        {
            "application": application,
            "form": form,
            "step": step,
            "step_title": localized(steps[step], "title"),
            "stepper": _stepper(application, str(step)),
            "has_previous": step > 0,
            "supplement_reason": _supplement_reason(application),
        },
        status=status,
    )


def _material_rows(application: Application) -> list[dict[str, object]]:
    """Per required material: uploads, what was fetched (in words) or why it could not be."""
    materials = list(selectors.material_list(application=application))
    datasets = {
        d.code: d
        for d in Dataset.objects.select_related("owner").filter(
            code__in=[m.get("exchange_dataset") for m in application.service.materials]
        )
    }
    rows = []
    for spec in application.service.materials:
        code = str(spec["code"])
        dataset = datasets.get(str(spec.get("exchange_dataset") or ""))
        mine = [m for m in materials if m.requirement_code == code]
        uploads = [m for m in mine if m.source == MaterialSource.UPLOAD]
        fetched = next(
            (m for m in mine if m.source == MaterialSource.EXCHANGE and not m.fetch_problem), None
        )
        refused = next(
            (m for m in mine if m.source == MaterialSource.EXCHANGE and m.fetch_problem), None
        )
        rows.append(
            {
                "spec": spec,
                "code": code,
                "name": localized(spec, "name"),
                "dataset": dataset,
                "dataset_name": localized(vars(dataset), "name") if dataset else "",
                "owner_name": localized(vars(dataset.owner), "name") if dataset else "",
                "files": uploads,
                "fetched": fetched,
                "facts": record_facts(
                    dataset=datasets.get(fetched.exchange_dataset) or dataset,
                    items=[
                        (str(pair[0]), pair[1])
                        for pair in fetched.exchange_data or []
                        if isinstance(pair, list | tuple) and len(pair) == 2
                    ],
                )
                if fetched is not None
                else [],
                "problem": refused.fetch_problem if refused is not None and not uploads else "",
                "uploadable": fetched is None,
                "satisfied": bool(uploads or fetched or not spec.get("required")),
            }
        )
    return rows


def _uploadable(rows: list[dict[str, object]]) -> list[tuple[str, str]]:
    return [(str(r["code"]), str(r["name"])) for r in rows if r["uploadable"]]


@login_required
@require_http_methods(["GET", "POST"])
def application_materials(request: HttpRequest, number: str) -> HttpResponse:
    """Materials: what another department holds is fetched as the step opens (免提交) and
    shown; what could not be fetched, and the rest, are uploaded here."""
    user, _acting = _person(request)
    application = _own_application(request, number)
    if (response := _editable_or_redirect(request, application)) is not None:
        return response
    if request.method == "GET" or "retry" in request.POST:
        services.application_materials_fetch(
            application=application, user=user, retry="retry" in request.POST
        )
        if "retry" in request.POST:
            return redirect("services:application_materials", number=number)
    rows = _material_rows(application)
    form = MaterialUploadForm(choices=_uploadable(rows))
    status = 200
    if request.method == "POST":
        form = MaterialUploadForm(request.POST, request.FILES, choices=_uploadable(rows))
        if form.is_valid():
            try:
                services.material_upload(
                    application=application,
                    user=user,
                    requirement_code=form.cleaned_data["requirement"],
                    upload=form.cleaned_data["file"],
                    max_bytes=settings.SERVICES_UPLOAD_MAX_BYTES,
                    max_files=settings.SERVICES_UPLOAD_MAX_FILES,
                )
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                name = dict(_uploadable(rows)).get(form.cleaned_data["requirement"], "")
                messages.success(
                    request,
                    with_content(
                        _("“%(file)s” uploaded as “%(material)s”."),
                        file=form.cleaned_data["file"].name,
                        material=name,
                    ),
                )
                return redirect("services:application_materials", number=number)
        status = 400
    return render(
        request,
        "services/application_materials.html",
        {
            "application": application,
            "rows": rows,
            "form": form,
            "may_upload": bool(_uploadable(rows)),
            "any_refused": any(r["problem"] for r in rows),
            "stepper": _stepper(application, "materials", rows),
            "max_mb": settings.SERVICES_UPLOAD_MAX_BYTES / 1024 / 1024,
            "max_files": settings.SERVICES_UPLOAD_MAX_FILES,
            "supplement_reason": _supplement_reason(application),
        },
        status=status,
    )


@login_required
@require_POST
def material_remove(request: HttpRequest, number: str, material_id: int) -> HttpResponse:
    user, _acting = _person(request)
    application = _own_application(request, number)
    material = application.materials.filter(pk=material_id).first()
    if material is None:
        raise Http404
    try:
        services.material_remove(material=material, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, with_content(_("“%(file)s” removed."), file=material.original_name)
        )
    return redirect("services:application_materials", number=number)


def _attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A private download (materials are at most a few MB, so they are read whole)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _file_response(material: Material) -> HttpResponse:
    if not material.file:
        raise Http404
    ext = material.file.name.rsplit(".", 1)[-1]
    with material.file.open("rb") as f:
        content = f.read()
    return _attachment(
        content,
        filename=f"{material.requirement_code}-{material.pk}.{ext}",
        content_type=material.content_type,
    )


def decision_response(application: Application) -> HttpResponse:
    document = getattr(application, "decision_document", None)
    if document is None:
        raise Http404
    with document.file.open("rb") as f:
        content = f.read()
    return _attachment(
        content, filename=f"{application.number}.pdf", content_type="application/pdf"
    )


@login_required
@require_GET
def material_file(request: HttpRequest, number: str, material_id: int) -> HttpResponse:
    """A material's file: only for the applicant side (staff have their own door)."""
    application = _own_application(request, number)
    material = application.materials.filter(pk=material_id).first()
    if material is None:
        raise Http404
    return _file_response(material)


def _summary(application: Application) -> list[dict[str, object]]:
    """What was filed, step by step, in words (with the page to change each step)."""
    out: list[dict[str, object]] = []
    for n, step in enumerate(application.service.form_steps):
        rows: list[tuple[str, object]] = []
        fields = step.get("fields")
        for spec in fields if isinstance(fields, list) else []:
            value = application.data.get(str(spec["name"]))
            if spec.get("type") == "boolean":
                value = _("Yes") if value else _("No")
            elif spec.get("type") == "id_number" and isinstance(value, str) and value:
                value = mask_resident_id(value)  # pages show identity numbers masked
            elif spec.get("type") == "choice":
                for c in spec.get("choices", []):
                    if str(c.get("value")) == str(value):
                        value = localized(c, "label")
            rows.append((localized(spec, "label"), value))
        out.append(
            {
                "title": localized(step, "title"),
                "rows": rows,
                "edit_url": reverse(
                    "services:application_step", kwargs={"number": application.number, "step": n}
                ),
            }
        )
    return out


def _review_errors(
    application: Application, errors: dict[str, list[str]], problems: list[str]
) -> list[dict[str, str]]:
    """Errors of a refused submission, each linked to the page (and field) to fix it on."""
    where: dict[str, tuple[str, str]] = {}
    for n, step in enumerate(application.service.form_steps):
        fields = step.get("fields")
        for spec in fields if isinstance(fields, list) else []:
            url = reverse("services:application_step", args=[application.number, n])
            where[str(spec["name"])] = (localized(spec, "label"), f"{url}#id_{spec['name']}")
    materials_url = reverse("services:application_materials", args=[application.number])
    out: list[dict[str, str]] = []
    for key, messages_ in errors.items():
        label, href = where.get(key, (_("Materials") if key == "materials" else "", materials_url))
        for m in messages_:
            out.append({"text": f"{label}: {m}" if label else m, "href": href})
    out.extend({"text": p, "href": materials_url} for p in problems)
    return out


@login_required
@require_http_methods(["GET", "POST"])
def application_review(request: HttpRequest, number: str) -> HttpResponse:
    """Check your answers (each section with its "change" link), then submit."""
    user, _acting = _person(request)
    application = _own_application(request, number)
    if (response := _editable_or_redirect(request, application)) is not None:
        return response
    errors: dict[str, list[str]] = {}
    problems: list[str] = []
    status = 200
    if request.method == "POST" and application.status == ApplicationStatus.DRAFT:
        try:
            result = services.application_submit(application=application, user=user)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            status = 400
        else:
            if result.submitted:
                return redirect("services:application_submitted", number=number)
            problems = result.problems
            status = 400
    rows = _material_rows(application)
    return render(
        request,
        "services/application_review.html",
        {
            "application": application,
            "summary": _summary(application),
            "rows": rows,
            "extra_errors": _review_errors(application, errors, problems),
            "stepper": _stepper(application, "review", rows),
            "supplement_reason": _supplement_reason(application),
        },
        status=status,
    )


@login_required
@require_GET
def application_submitted(request: HttpRequest, number: str) -> HttpResponse:
    """The confirmation after submitting: the number, what happens next, when, how to follow."""
    application = _own_application(request, number)
    if application.status == ApplicationStatus.DRAFT:
        return redirect(application)
    user, _acting = _person(request)
    return render(
        request,
        "services/application_submitted.html",
        {
            "application": application,
            "email": user.email,
            "department_name": localized(vars(application.department), "name"),
        },
    )


# --- Following an application --------------------------------------------------------------


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


def _progress(application: Application) -> list[dict[str, object]]:
    return [
        {"label": label, "reached": application.status in statuses}
        for label, statuses in PROGRESS_STEPS
    ]


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
