"""Pages for people and firms: the catalogue, application forms in steps, "my applications"."""

import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.models import FirmRepresentative, User
from portal.exchange.models import Dataset
from portal.services import access, selectors, services
from portal.services.constants import (
    OPEN_STATUSES,
    PROGRESS_STEPS,
    Action,
    ApplicationStatus,
    ThemeKind,
)
from portal.services.forms import (
    ApplicantActionForm,
    EvaluationForm,
    MaterialUploadForm,
    SearchForm,
)
from portal.services.models import Application, Material
from portal.services.schema import localized, schema_fields, step_form, to_form_data

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
    return render(
        request,
        "services/service_detail.html",
        {
            "service": service,
            "materials": materials,
            "steps": [localized(p, "name") for p in service.process_steps],
            "acting_for": acting_for,
        },
    )


@login_required
@require_POST
def application_start(request: HttpRequest, code: str) -> HttpResponse:
    """Start a draft for oneself, or for the firm one acts for."""
    user, acting_for = _person(request)
    service = selectors.service_get(code=code)
    if service is None:
        raise Http404
    try:
        application = services.application_create_draft(
            service=service,
            applicant=user,
            firm=acting_for.firm if acting_for is not None else None,
            prefill={},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("services:service_detail", code=code)
    messages.success(
        request,
        _("Application %(number)s started; it is saved as a draft as you go.")
        % {"number": application.number},
    )
    return redirect("services:application_step", number=application.number, step=0)


# --- Filing in steps ----------------------------------------------------------------------


def _stepper(application: Application, current: str) -> list[dict[str, object]]:
    """The steps of filing, for the step indicator: form steps, materials, review."""
    items: list[dict[str, object]] = []
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
            "done": False,
        }
    )
    items.append(
        {
            "label": _("Review and submit"),
            "url": reverse("services:application_review", args=[application.number]),
            "current": current == "review",
            "done": False,
        }
    )
    return items


def _editable_or_redirect(request: HttpRequest, application: Application) -> HttpResponse | None:
    if application.status not in services.EDITABLE_STATUSES:
        messages.info(request, _("This application has been submitted and can no longer change."))
        return redirect(application)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def application_step(request: HttpRequest, number: str, step: int) -> HttpResponse:
    """One step of the form: "save and continue" checks it, "save draft" keeps what is there."""
    user, _acting = _person(request)
    application = _own_application(request, number)
    if (response := _editable_or_redirect(request, application)) is not None:
        return response
    steps = application.service.form_steps
    if not 0 <= step < len(steps):
        raise Http404
    schema = application.service.form_schema
    status = 200
    if request.method == "POST":
        draft = "draft" in request.POST
        form = step_form(schema, step, data=request.POST, draft=draft)
        try:
            services.application_step_save(
                application=application, user=user, step=step, values=request.POST, draft=draft
            )
        except ValidationError as exc:
            form = step_form(schema, step, data=request.POST, draft=draft)
            form.is_valid()
            if not form.errors:
                _errors_into(form, exc)
            status = 400
        else:
            if draft:
                messages.success(request, _("Draft saved. You can come back to it at any time."))
                return redirect("services:my_applications")
            if step + 1 < len(steps):
                return redirect("services:application_step", number=number, step=step + 1)
            return redirect("services:application_materials", number=number)
    else:
        form = step_form(schema, step, initial=to_form_data(application.data))
    return render(
        request,
        "services/application_step.html",
        {
            "application": application,
            "form": form,
            "step": step,
            "step_title": localized(steps[step], "title"),
            "stepper": _stepper(application, str(step)),
            "previous_url": (
                reverse("services:application_step", args=[number, step - 1]) if step else None
            ),
        },
        status=status,
    )


def _material_rows(application: Application) -> list[dict[str, object]]:
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
        rows.append(
            {
                "spec": spec,
                "name": localized(spec, "name"),
                "dataset": dataset,
                "dataset_name": localized(vars(dataset), "name") if dataset else "",
                "owner_name": localized(vars(dataset.owner), "name") if dataset else "",
                "files": [m for m in materials if m.requirement_code == code],
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def application_materials(request: HttpRequest, number: str) -> HttpResponse:
    """Upload materials; those another department holds are fetched at submission (免提交)."""
    user, _acting = _person(request)
    application = _own_application(request, number)
    if (response := _editable_or_redirect(request, application)) is not None:
        return response
    form = MaterialUploadForm(service=application.service)
    status = 200
    if request.method == "POST":
        form = MaterialUploadForm(request.POST, request.FILES, service=application.service)
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
                messages.success(request, _("File uploaded."))
                return redirect("services:application_materials", number=number)
        status = 400
    return render(
        request,
        "services/application_materials.html",
        {
            "application": application,
            "rows": _material_rows(application),
            "form": form,
            "stepper": _stepper(application, "materials"),
            "max_mb": settings.SERVICES_UPLOAD_MAX_BYTES / 1024 / 1024,
            "max_files": settings.SERVICES_UPLOAD_MAX_FILES,
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
    out: list[dict[str, object]] = []
    for step in application.service.form_steps:
        rows: list[tuple[str, object]] = []
        fields = step.get("fields")
        for spec in fields if isinstance(fields, list) else []:
            value = application.data.get(str(spec["name"]))
            if spec.get("type") == "boolean":
                value = _("Yes") if value else _("No")
            elif spec.get("type") == "choice":
                for c in spec.get("choices", []):
                    if str(c.get("value")) == str(value):
                        value = localized(c, "label")
            rows.append((localized(spec, "label"), value))
        out.append({"title": localized(step, "title"), "rows": rows})
    return out


@login_required
@require_http_methods(["GET", "POST"])
def application_review(request: HttpRequest, number: str) -> HttpResponse:
    """Check everything, then submit."""
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
                messages.success(
                    request,
                    _("Submitted. Your application number is %(number)s.")
                    % {"number": application.number},
                )
                return redirect("services:application_detail", number=number)
            problems = result.problems
            status = 400
    labels = {}
    for spec in schema_fields(application.service.form_schema):
        labels[str(spec["name"])] = localized(spec, "label")
    return render(
        request,
        "services/application_review.html",
        {
            "application": application,
            "summary": _summary(application),
            "rows": _material_rows(application),
            "errors": [
                (labels.get(k, _("Materials") if k == "materials" else ""), v)
                for k, v in errors.items()
            ],
            "problems": problems,
            "stepper": _stepper(application, "review"),
        },
        status=status,
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
            "evaluation_form": EvaluationForm() if may_evaluate else None,
            "may_withdraw": application.status in OPEN_STATUSES,
            "may_resubmit": application.status == ApplicationStatus.SUPPLEMENT_REQUESTED,
        },
    )


@login_required
@require_POST
def application_action(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant's own moves: withdraw, resubmit after a supplement."""
    user, _acting = _person(request)
    application = _own_application(request, number)
    form = ApplicantActionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.application_transition(
            application=application, action=Action(form.cleaned_data["action"]), user=user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("services:application_detail", number=number)


@login_required
@require_GET
def decision_file(request: HttpRequest, number: str) -> HttpResponse:
    return decision_response(_own_application(request, number))


@login_required
@require_POST
def application_evaluate(request: HttpRequest, number: str) -> HttpResponse:
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
            messages.success(request, _("Thank you for your evaluation."))
    else:
        messages.error(request, _("Choose a rating from 1 to 5."))
    return redirect("services:application_detail", number=number)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    user, _acting = _person(request)
    if request.method == "POST":
        services.notification_mark_read(user=user)
        return redirect("services:notifications")
    page = Paginator(selectors.notification_list(user=user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "services/notifications.html", {"page": page})


# --- Public check of a decision document ---------------------------------------------------


VERIFY_CODE = re.compile(r"[0-9A-Za-z]{1,32}")


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if not code:
        return render(request, "services/verify.html", {"document": None, "code": ""})
    if not VERIFY_CODE.fullmatch(code):
        # Not a code the portal issues (they are letters and digits): say so, as a 400.
        return render(
            request, "services/verify.html", {"document": None, "code": code[:64]}, status=400
        )
    return redirect("services:verify", code=code)


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone can check that a decision document is authentic (no personal data is shown)."""
    document = selectors.decision_get_by_code(code=code) if VERIFY_CODE.fullmatch(code) else None
    return render(
        request,
        "services/verify.html",
        {"document": document, "code": code},
        status=200 if document is not None else 404,
    )
