"""Writes of the one-stop services: catalogue, drafts, materials, the workflow, evaluations.

Every move of an application goes through ``application_transition`` (or
``application_submit`` for the first one): the table in ``constants.TRANSITIONS`` says which
status it may start from and which role may make it, and each move is written to the
timeline and notified to the applicant once.
"""

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.accounts.models import Firm, User
from portal.core.site import absolute_url
from portal.core.text import application_for, visible_text
from portal.departments.models import Department, DepartmentSystem
from portal.exchange.models import Access, Dataset
from portal.exchange.services import Reader, ReadResult, exchange_read
from portal.services import access
from portal.services.constants import (
    ACCEPTED_UPLOADS,
    DECIDED_STATUSES,
    DECISION_TITLES,
    POOR_RATING_MAX,
    TRANSITIONS,
    Action,
    ApplicationStatus,
    DecisionKind,
    EvaluationStatus,
    MaterialSource,
    ThemeKind,
)
from portal.services.decision_text import (
    decision_body,
    decision_particulars,
    legal_basis_text,
    particulars_heading,
    particulars_lines,
    remedies_text,
)
from portal.services.documents import DecisionText, decision_pdf
from portal.services.models import (
    Application,
    ApplicationEvent,
    ApplicationSequence,
    DecisionDocument,
    Evaluation,
    Material,
    Notification,
    ServiceItem,
    Theme,
)
from portal.services.schema import (
    localized,
    locked_values,
    prefill_value,
    schema_errors,
    schema_fields,
    step_form,
    to_form_data,
    to_json,
)
from portal.services.selectors import DEPARTMENTS_CACHE_KEY
from portal.services.uploads import upload_structure_error
from portal.services.workdays import add_working_days, working_days_between

EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUPPLEMENT_REQUESTED})
# What is kept of a wrong value typed before going back a step (it is checked again later).
KEPT_TEXT_MAX = 10_000
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# --- Catalogue ---------------------------------------------------------------------------


@transaction.atomic
def theme_upsert(
    *, code: str, kind: ThemeKind, name: str, name_en: str = "", order: int = 0
) -> Theme:
    theme, _created = Theme.objects.update_or_create(
        code=code, defaults={"kind": kind, "name": name, "name_en": name_en, "order": order}
    )
    return theme


def service_item_errors(item: ServiceItem) -> dict[str, list[str]]:
    """What is wrong with a service's guide and form (shown per field in the admin)."""
    errors: dict[str, list[str]] = {}
    form_problems = schema_errors(item.form_schema or {"steps": []})
    if form_problems:
        errors["form_schema"] = form_problems
    material_problems: list[str] = []
    codes: set[str] = set()
    if not isinstance(item.materials, list):
        material_problems.append(_("Materials must be a list."))
    else:
        datasets = {m.get("exchange_dataset") for m in item.materials if isinstance(m, dict)} - {
            None,
            "",
        }
        known = set(Dataset.objects.filter(code__in=datasets).values_list("code", flat=True))
        for m in item.materials:
            if not isinstance(m, dict) or not CODE_RE.match(str(m.get("code", ""))):
                material_problems.append(_("Each material needs a code of lower-case letters."))
                continue
            if m["code"] in codes:
                material_problems.append(_("Material %(code)s is listed twice.") % m)
            codes.add(str(m["code"]))
            if not m.get("name"):
                material_problems.append(_("Material %(code)s needs a name.") % m)
            dataset = m.get("exchange_dataset")
            if dataset and dataset not in known:
                material_problems.append(
                    _("Material %(code)s names an unknown dataset.") % {"code": m["code"]}
                )
    if material_problems:
        errors["materials"] = material_problems
    if not isinstance(item.process_steps, list):
        errors["process_steps"] = [_("Process steps must be a list.")]
    if not isinstance(item.reference_datasets, list):
        errors["reference_datasets"] = [_("Reference datasets must be a list of codes.")]
    if item.promised_days > item.legal_days:
        errors["promised_days"] = [_("The promised limit cannot exceed the legal limit.")]
    if not item.for_citizens and not item.for_firms:
        errors["for_citizens"] = [_("Say who may apply: citizens, firms or both.")]
    return errors


def _search_text(item: ServiceItem) -> str:
    return " ".join([item.name, item.name_en, item.keywords, item.code]).lower()


@transaction.atomic
def service_item_save(*, item: ServiceItem) -> ServiceItem:
    """Check and save a service item (used by the admin and by ``service_item_upsert``)."""
    errors = service_item_errors(item)
    if errors:
        raise ValidationError(errors)
    item.search_text = _search_text(item)
    item.save()
    cache.delete(DEPARTMENTS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(DEPARTMENTS_CACHE_KEY))
    return item


@transaction.atomic
def service_item_upsert(
    *,
    department: Department,
    code: str,
    name: str,
    legal_days: int,
    promised_days: int,
    name_en: str = "",
    summary: str = "",
    summary_en: str = "",
    keywords: str = "",
    themes: Iterable[str] = (),
    for_citizens: bool = True,
    for_firms: bool = False,
    conditions: str = "",
    materials: list[dict[str, object]] | None = None,
    process_steps: list[dict[str, object]] | None = None,
    form_schema: dict[str, object] | None = None,
    reference_datasets: list[str] | None = None,
    fee: str = "不收费",
    legal_basis: str = "",
    phone: str = "",
    offline_address: str = "",
    is_published: bool = True,
    conditions_en: str = "",
    fee_en: str = "",
    legal_basis_en: str = "",
    offline_address_en: str = "",
) -> ServiceItem:
    """Create or update a service item by its code, with its topics and life events."""
    item = ServiceItem.objects.filter(code=code).first() or ServiceItem(code=code)
    item.department = department
    item.name = name
    item.name_en = name_en
    item.summary = summary
    item.summary_en = summary_en
    item.keywords = keywords
    item.for_citizens = for_citizens
    item.for_firms = for_firms
    item.conditions = conditions
    item.conditions_en = conditions_en
    item.materials = materials or []
    item.process_steps = process_steps or []
    item.form_schema = form_schema or {"steps": []}
    item.reference_datasets = reference_datasets or []
    item.legal_days = legal_days
    item.promised_days = promised_days
    item.fee = fee
    item.fee_en = fee_en
    item.legal_basis = legal_basis
    item.legal_basis_en = legal_basis_en
    item.phone = phone
    item.offline_address = offline_address
    item.offline_address_en = offline_address_en
    item.is_published = is_published
    service_item_save(item=item)
    item.themes.set(Theme.objects.filter(code__in=list(themes)))
    return item


# --- Drafts ------------------------------------------------------------------------------


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


# --- Materials ---------------------------------------------------------------------------


def sniff_upload(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the file's first bytes, whatever its name says."""
    for magic, content_type, ext in ACCEPTED_UPLOADS:
        if head.startswith(magic):
            return content_type, ext
    return None


@transaction.atomic
def material_upload(
    *,
    application: Application,
    user: User,
    requirement_code: str,
    upload: UploadedFile,
    max_bytes: int,
    max_files: int,
) -> Material:
    """Keep an uploaded material after checking its type by content, its size and the count."""
    application = _lock(application)
    _check_editable(application=application, user=user)
    spec = application.service.material_spec(requirement_code)
    if spec is None:
        raise ValidationError({"requirement": _("This service does not ask for that material.")})
    fetched = application.materials.filter(
        requirement_code=requirement_code, source=MaterialSource.EXCHANGE, fetch_problem=""
    ).first()
    if fetched is not None:
        # Never let an upload silently take the place of data already fetched for it.
        raise ValidationError(
            {
                "requirement": _(
                    "“%(name)s” has already been fetched from %(department)s: "
                    "there is nothing to upload for it."
                )
                % {
                    "name": localized(spec, "name"),
                    "department": localized(vars(fetched.exchange_department), "name")
                    if fetched.exchange_department
                    else "",
                }
            }
        )
    uploaded = application.materials.filter(source=MaterialSource.UPLOAD).count()
    if uploaded >= max_files:
        raise ValidationError(
            {
                "file": ngettext(
                    "At most %(n)d file can be uploaded per application.",
                    "At most %(n)d files can be uploaded per application.",
                    max_files,
                )
                % {"n": max_files}
            }
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > max_bytes:
        raise ValidationError(
            {
                "file": _("The file is too large: at most %(mb).1f MB.")
                % {"mb": max_bytes / 1024 / 1024}
            }
        )
    upload.seek(0)
    sniffed = sniff_upload(upload.read(16))
    if sniffed is None:
        raise ValidationError(
            {"file": _("Only PDF, JPEG and PNG files are accepted; this file is none of them.")}
        )
    content_type, ext = sniffed
    if (problem := upload_structure_error(file=upload, content_type=content_type)) is not None:
        raise ValidationError({"file": problem})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    material = Material(
        application=application,
        requirement_code=requirement_code,
        source=MaterialSource.UPLOAD,
        original_name=(upload.name or "")[-200:],
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    material.file.save(f"material.{ext}", upload, save=False)
    material.save()
    return material


@transaction.atomic
def material_remove(*, material: Material, user: User) -> None:
    application = _lock(material.application)
    _check_editable(application=application, user=user)
    if material.source != MaterialSource.UPLOAD:
        raise ValidationError(_("Only uploaded files can be removed."))
    stored = material.file.name
    storage = material.file.storage
    material.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


def _department_system(department_id: int) -> DepartmentSystem | None:
    return (
        DepartmentSystem.objects.filter(department_id=department_id, is_active=True)
        .select_related("department")
        .order_by("pk")
        .first()
    )


def _subject_of(application: Application, dataset: Dataset) -> str:
    if dataset.subject_kind == "firm":
        return application.firm.uscc if application.firm is not None else ""
    return application.applicant.id_number or ""


def _purpose_en(doing: str, application: Application) -> str:
    """The English form of a read's purpose for ``application`` (shown on English pages, never
    committed); "" when the service has no English name, so the Chinese purpose is shown."""
    name = application.service.name_en
    return f"{doing} application {application.number} ({name})" if name else ""


def _fetch_material(
    *, application: Application, spec: Mapping[str, object], dataset: Dataset
) -> tuple[Material | None, str]:
    """免提交: the service's own department reads the material through its system."""
    system = _department_system(application.department_id)
    subject = _subject_of(application, dataset)
    if system is None or not subject:
        why = _("the data could not be requested")
        _fetch_failed(application=application, spec=spec, dataset=dataset, why=why, access=None)
        return None, why
    fields = spec.get("exchange_fields")
    result = exchange_read(
        reader=Reader(department=system.department, system=system),
        dataset_code=dataset.code,
        subject_identifier=subject,
        fields=[str(f) for f in fields] if isinstance(fields, list) and fields else None,
        purpose=f"办理{application.service.name}（申请{application.number}）",
        purpose_en=_purpose_en("Processing", application),
        application_number=application.number,
    )
    if not result.granted:
        why = str(result.reason_label)
        _fetch_failed(
            application=application, spec=spec, dataset=dataset, why=why, access=result.access
        )
        return None, why
    material = Material.objects.create(
        application=application,
        requirement_code=str(spec["code"]),
        source=MaterialSource.EXCHANGE,
        exchange_dataset=dataset.code,
        exchange_department=dataset.owner,
        exchange_access=result.access,
        # Kept by field key (the catalogue gives each page its label in its language).
        exchange_data=[[key, value] for key, value in (result.data or {}).items()],
    )
    return material, ""


def _fetch_failed(
    *,
    application: Application,
    spec: Mapping[str, object],
    dataset: Dataset,
    why: str,
    access: Access | None,
) -> Material:
    """Remember a refused fetch, so the materials step says early that it must be uploaded."""
    return Material.objects.create(
        application=application,
        requirement_code=str(spec["code"]),
        source=MaterialSource.EXCHANGE,
        exchange_dataset=dataset.code,
        exchange_department=dataset.owner,
        exchange_access=access,
        fetch_problem=why[:200],
    )


def _to_fetch(application: Application) -> list[tuple[Mapping[str, object], Dataset]]:
    """免提交 materials with neither an upload nor a successful fetch yet."""
    # Uploads and successful fetches (a refused fetch is the one kind with a problem).
    have = set(
        application.materials.filter(fetch_problem="").values_list("requirement_code", flat=True)
    )
    datasets = {
        d.code: d
        for d in Dataset.objects.select_related("owner").filter(
            code__in=[str(m.get("exchange_dataset")) for m in application.service.materials]
        )
    }
    out = []
    for spec in application.service.materials:
        dataset = datasets.get(str(spec.get("exchange_dataset") or ""))
        if dataset is not None and str(spec["code"]) not in have:
            out.append((spec, dataset))
    return out


@transaction.atomic
def application_materials_fetch(
    *, application: Application, user: User, retry: bool = False
) -> list[Material]:
    """免提交 when the materials step opens: fetch what another department holds, once.

    Each material is read once per application (every read is a ledger entry, so opening
    the page again does not read again); a refused read is kept with its reason so that the
    page says at once that the material must be uploaded. ``retry`` reads the refused ones
    again (the person asks, e.g. after the record was corrected at its department).
    """
    application = _lock(application)
    _check_editable(application=application, user=user)
    if application.status != ApplicationStatus.DRAFT:
        return []
    if retry:
        application.materials.filter(source=MaterialSource.EXCHANGE).exclude(
            fetch_problem=""
        ).delete()
    pending = _to_fetch(application)
    done_before = set(
        application.materials.filter(source=MaterialSource.EXCHANGE).values_list(
            "requirement_code", flat=True
        )
    )
    out = []
    for spec, dataset in pending:
        if str(spec["code"]) in done_before:
            continue  # refused before: shown as such until the person asks to try again
        material, _why = _fetch_material(application=application, spec=spec, dataset=dataset)
        if material is not None:
            out.append(material)
    return out


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


# --- The workflow ------------------------------------------------------------------------


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


DOCUMENT_KINDS = {
    Action.APPROVE: DecisionKind.APPROVAL,
    Action.REFUSE: DecisionKind.REFUSAL,
    Action.REJECT: DecisionKind.REJECTION,
}


def _decision_issue(
    *, application: Application, at: dt.datetime, kind: DecisionKind, reason: str
) -> DecisionDocument:
    """Draw and keep the decision document, with its code and the SHA-256 of its bytes."""
    code = secrets.token_hex(8).upper()
    firm = application.firm
    applicant = firm.name if firm else str(application.applicant)
    decided_on = timezone.localdate(at)
    pdf = decision_pdf(
        DecisionText(
            number=application.number,
            service_name=application.service.name,
            department_name=application.department.name,
            applicant_name=applicant,
            applicant_code=firm.uscc if firm else "",
            decided_on=f"{decided_on:%Y年%m月%d日}",
            code=code,
            verify_url=absolute_url(reverse("services:verify", kwargs={"code": code})),
            verify_page=absolute_url(reverse("services:verify_lookup")),
            title=DECISION_TITLES[kind],
            body=decision_body(application, kind),
            subject=application.service.name,
            particulars_heading=particulars_heading(kind),
            particulars=particulars_lines(decision_particulars(application)),
            legal_basis=legal_basis_text(application, kind),
            reason=reason if kind != DecisionKind.APPROVAL else "",
            remedies=remedies_text(kind, decided_on),
        )
    )
    document = DecisionDocument(
        application=application,
        kind=kind,
        code=code,
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_at=at,
    )
    document.file.save(f"{application.number}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


# --- Exchange data in the back office ------------------------------------------------------


def application_reference_read(
    *, application: Application, user: User, dataset_code: str
) -> ReadResult:
    """Staff handling the application read another department's data about the applicant.

    The reader is the staff member, the purpose names the application. Only datasets the
    service lists (as a reference or as a material) can be asked for.
    """
    if user.department is None or not access.staff_may_handle(
        user=user, department=application.department
    ):
        raise PermissionDenied(_("Only the handling department's staff read data for it."))
    allowed = set(application.service.reference_datasets) | {
        str(m.get("exchange_dataset")) for m in application.service.materials
    }
    dataset = Dataset.objects.filter(code=dataset_code).first()
    if dataset_code not in allowed or dataset is None:
        raise ValidationError(_("This service does not use that dataset."))
    subject = _subject_of(application, dataset)
    if not subject:
        raise ValidationError(_("The applicant has no identifier for that dataset."))
    return exchange_read(
        reader=Reader(department=user.department, user=user),
        dataset_code=dataset_code,
        subject_identifier=subject,
        fields=None,
        purpose=f"审查{application_for(application.service.name)}（{application.number}）",
        purpose_en=_purpose_en("Reviewing", application),
        application_number=application.number,
    )


# --- Notifications -----------------------------------------------------------------------


def _notify(*, application: Application, event: ApplicationEvent) -> list[Notification]:
    """Tell the applicant side: the person who applied, or for a firm every current
    representative who may file for it (never a former agent, whose mandate has ended)."""
    if application.firm_id is None:
        recipients = [application.applicant]
    else:
        recipients = list(access.firm_recipients(firm_id=application.firm_id))
    notifications = []
    for recipient in recipients:
        notification, created = Notification.objects.get_or_create(
            event=event, recipient=recipient, defaults={"application": application}
        )
        notifications.append(notification)
        if created:
            _email_after_commit(notification.pk)
    return notifications


def _email_after_commit(notification_id: int) -> None:
    from portal.services.tasks import notification_email_task

    # robust: a broker outage must not fail the request that already committed.
    transaction.on_commit(lambda: notification_email_task.delay(notification_id), robust=True)


def notifications_email_pending(*, limit: int = 500) -> int:
    """Send the e-mails not sent yet (the broker was down, a worker died): the beat sweeper.

    Each send locks and marks its row, so this never sends a notice twice.
    """
    pending = list(
        Notification.objects.filter(emailed_at__isnull=True)
        .exclude(recipient__email="")
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(notification_email_send(notification_id=pk) for pk in pending)


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """Send the e-mail of one notice, at most once (the row is locked and marked)."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient", "application__service", "event")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    recipient = notification.recipient
    if not recipient.email:
        return False
    # A notice about a firm's application is not mailed to someone whose mandate has ended;
    # the row is closed so that the sweeper does not try it again.
    if not access.person_may_act(user=recipient, application=notification.application):
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        return False
    application = notification.application
    event = notification.event
    with translation.override("zh-hans"):
        status = ApplicationStatus(event.to_status).label
        subject = _("Application %(number)s: %(status)s") % {
            "number": application.number,
            "status": status,
        }
        lines = [
            _("Dear %(name)s,") % {"name": recipient.real_name or recipient.username},
            _("your application %(number)s for “%(service)s” is now: %(status)s.")
            % {"number": application.number, "service": application.service.name, "status": status},
        ]
        if event.reason:
            lines.append(_("Reason: %(reason)s") % {"reason": event.reason})
        lines.append(
            _("Follow it at %(path)s")
            % {
                "path": absolute_url(
                    reverse("services:application_detail", args=[application.number])
                )
            }
        )
        send_mail(
            subject=str(subject),
            message="\n".join(str(line) for line in lines),
            from_email=None,
            recipient_list=[recipient.email],
        )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


@transaction.atomic
def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


# --- Evaluations (好差评) -----------------------------------------------------------------


@transaction.atomic
def evaluation_create(
    *, application: Application, user: User, rating: int, comment: str = ""
) -> Evaluation:
    """The applicant rates the handling after a decision; 1 or 2 goes to the department."""
    if not access.person_may_act(user=user, application=application):
        raise PermissionDenied(_("This is not your application."))
    if application.status not in DECIDED_STATUSES | {ApplicationStatus.REFUSED}:
        raise ValidationError(_("You can rate the handling once a decision is made."))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose from 1 to 5.")})
    if Evaluation.objects.filter(application=application).exists():
        raise ValidationError(_("You have already rated this application."))
    return Evaluation.objects.create(
        application=application,
        department=application.department,
        rating=rating,
        comment=visible_text(comment),
        status=(
            EvaluationStatus.AWAITING_REPLY
            if rating <= POOR_RATING_MAX
            else EvaluationStatus.NO_REPLY_NEEDED
        ),
    )


@transaction.atomic
def evaluation_reply(*, evaluation: Evaluation, user: User, reply: str) -> Evaluation:
    """The department answers a poor rating (its administrator or an approver)."""
    if not access.may_reply_evaluation(user=user, department=evaluation.department):
        raise PermissionDenied(_("Only the department's administrator or approvers reply."))
    if not visible_text(reply):
        raise ValidationError({"reply": _("Write the reply.")})
    evaluation.reply = visible_text(reply)
    evaluation.replied_by = user
    evaluation.replied_at = timezone.now()
    evaluation.status = EvaluationStatus.REPLIED
    evaluation.save()
    return evaluation
