"""Exchange data in the back office: staff read another department's data for a case."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.text import application_for
from portal.exchange.models import Dataset
from portal.exchange.services import Reader, ReadResult, exchange_read
from portal.services import access
from portal.services.models import Application
from portal.services.services.materials import _purpose_en, _subject_of


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
