"""Uploads checked by content, size and count; 免提交 materials fetched through the exchange."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ledger.models import PendingEvent
from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.models import Access
from portal.exchange.services import dataset_upsert, record_put
from portal.services.constants import ApplicationStatus, MaterialSource
from portal.services.services import application_step_save, application_submit, material_upload
from tests.factories import (
    GOOD_STEPS,
    JPEG,
    PASSWORD,
    PDF,
    PNG,
    Office,
    make_agent,
    make_application,
    make_citizen,
    make_department,
    make_firm,
    make_service,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def _upload(application, user, upload, max_bytes=10_000, max_files=3):
    return material_upload(
        application=application,
        user=user,
        requirement_code="proof",
        upload=upload,
        max_bytes=max_bytes,
        max_files=max_files,
    )


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
)
def test_pdf_png_and_jpeg_are_kept_outside_the_web_root_under_a_random_name(
    office: Office, media_root: Path, content: bytes, content_type: str
) -> None:
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    material = _upload(application, applicant, pdf_upload("我的证明.pdf", content))
    assert material.content_type == content_type
    assert material.original_name == "我的证明.pdf"
    stored = Path(material.file.path)
    assert stored.is_relative_to(media_root)
    assert "我的证明" not in stored.name
    assert stored.read_bytes() == content


def test_a_web_page_disguised_as_a_pdf_is_refused(office: Office) -> None:
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    with pytest.raises(ValidationError) as exc:
        _upload(application, applicant, pdf_upload("scan.pdf", b"<html><script>alert(1)</script>"))
    assert "file" in exc.value.message_dict
    assert not application.materials.exists()


def test_a_file_too_large_is_refused(office: Office) -> None:
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _upload(application, applicant, pdf_upload(content=PDF + b"0" * 2000), max_bytes=1000)
    assert "too large" in " ".join(exc.value.message_dict["file"])


def test_too_many_files_are_refused(office: Office) -> None:
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    for _n in range(2):
        _upload(application, applicant, pdf_upload(), max_files=2)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _upload(application, applicant, pdf_upload(), max_files=2)
    assert "At most 2" in " ".join(exc.value.message_dict["file"])


def test_the_upload_page_refuses_with_the_message_at_the_field(
    client: Client, office: Office
) -> None:
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    client.login(username=applicant.username, password=PASSWORD)
    url = reverse("services:application_materials", args=[application.number])
    response = client.post(
        url, {"requirement": "proof", "file": pdf_upload("x.pdf", b"MZ\x90\x00 not a pdf")}
    )
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()
    response = client.post(url, {"requirement": "proof", "file": pdf_upload()})
    assert response.status_code == 302
    assert application.materials.count() == 1


def _registry(owner_code: str | None = None):
    owner = make_department(owner_code)
    dataset = dataset_upsert(
        code=f"{owner.code}.business_registration",
        name="企业登记信息",
        owner=owner,
        subject_kind=SubjectKind.FIRM,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[
            {"name": "name", "type": "string", "label": "企业名称", "required": True},
            {"name": "status", "type": "string", "label": "登记状态", "required": True},
        ],
    )
    return owner, dataset


def _firm_application(office: Office, dataset_code: str):
    service = make_service(
        office.department,
        for_citizens=False,
        for_firms=True,
        materials=[
            {
                "code": "licence",
                "name": "营业执照",
                "required": True,
                "exchange_dataset": dataset_code,
            }
        ],
    )
    firm = make_firm()
    agent = make_agent(firm)
    application = make_application(service, agent, firm=firm)
    for n, values in enumerate(GOOD_STEPS):
        application_step_save(application=application, user=agent, step=n, values=values)
    return application, agent, firm


def test_a_material_another_department_holds_is_fetched_at_submission(office: Office) -> None:
    """The service's department reads through its system; the applicant sees whose data."""
    owner, dataset = _registry()
    application, agent, firm = _firm_application(office, dataset.code)
    record_put(
        dataset=dataset,
        department=owner,
        subject_identifier=firm.uscc,
        data={"name": firm.name, "status": "存续"},
    )
    result = application_submit(application=application, user=agent)
    assert result.submitted
    material = application.materials.get()
    assert material.source == MaterialSource.EXCHANGE
    assert material.exchange_department == owner
    assert ["name", firm.name] in material.exchange_data  # by field key, not label
    access = Access.objects.get()
    assert access.reader_department == office.department
    assert access.reader_system == office.system
    assert access.application_number == application.number
    assert application.number in access.purpose
    assert PendingEvent.objects.count() == 1


def test_a_refused_fetch_keeps_the_draft_and_the_ledger_event(office: Office) -> None:
    """No record: nothing is submitted, the applicant is asked to upload, the read is logged."""
    _owner, dataset = _registry()
    application, agent, _firm = _firm_application(office, dataset.code)
    result = application_submit(application=application, user=agent)
    assert not result.submitted
    assert "营业执照" in result.problems[0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert Access.objects.get().outcome == "refused"
    assert PendingEvent.objects.count() == 1
    # Uploading the licence instead lets it through without another read.
    material_upload(
        application=application,
        user=agent,
        requirement_code="licence",
        upload=pdf_upload(),
        max_bytes=10_000,
        max_files=3,
    )
    assert application_submit(application=application, user=agent).submitted
    assert Access.objects.count() == 1
