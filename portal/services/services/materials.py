"""Materials: uploads checked by content, and 免提交 materials fetched through the exchange."""

import hashlib
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.accounts.models import User
from portal.departments.models import DepartmentSystem
from portal.exchange.models import Access, Dataset
from portal.exchange.services import Reader, exchange_read
from portal.services.constants import ACCEPTED_UPLOADS, ApplicationStatus, MaterialSource
from portal.services.models import Application, Material
from portal.services.schema import localized
from portal.services.services.drafts import _check_editable, _lock
from portal.services.uploads import upload_structure_error


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
