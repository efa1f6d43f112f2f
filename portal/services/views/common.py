"""What the services pages share: the signed-in person, form errors, files, an application's
summary, materials and progress (the staff pages show them too)."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts.identity import mask_resident_id
from portal.accounts.models import FirmRepresentative, User
from portal.exchange.models import Dataset
from portal.exchange.records import record_facts
from portal.services import access, selectors
from portal.services.constants import PROGRESS_STEPS, Action, ApplicationStatus, MaterialSource
from portal.services.models import Application, Material
from portal.services.schema import localized

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


def _progress(application: Application) -> list[dict[str, object]]:
    return [
        {"label": label, "reached": application.status in statuses}
        for label, statuses in PROGRESS_STEPS
    ]


def _supplement_reason(application: Application) -> str:
    """What the department asked for, while a supplement is requested (shown on every step)."""
    if application.status != ApplicationStatus.SUPPLEMENT_REQUESTED:
        return ""
    event = (
        application.events.filter(action=Action.REQUEST_SUPPLEMENT).order_by("-at", "-pk").first()
    )
    return event.reason if event is not None else ""
