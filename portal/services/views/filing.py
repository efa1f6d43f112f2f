"""Filing in steps: the form's steps, the materials, the review and submission; deleting a
draft."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.core.bilingual import with_content
from portal.services import services
from portal.services.constants import ApplicationStatus
from portal.services.forms import MaterialUploadForm
from portal.services.models import Application
from portal.services.schema import localized, step_form, to_form_data
from portal.services.views.common import (
    _errors_into,
    _material_rows,
    _own_application,
    _person,
    _summary,
    _supplement_reason,
)


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
