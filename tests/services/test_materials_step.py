"""免提交 at the materials step: fetched as it opens, shown in words, never replaced by uploads."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from portal.accounts.models import Firm, User
from portal.exchange.models import Access
from portal.exchange.services import record_put
from portal.services.constants import MaterialSource
from portal.services.services import application_submit, material_upload, service_item_upsert
from tests.factories import PASSWORD, Office, make_application, make_citizen, pdf_upload
from tests.services.test_materials import _firm_application, _registry

pytestmark = pytest.mark.django_db


def _act_for(client: Client, agent: User, firm: Firm) -> None:
    client.login(username=agent.username, password=PASSWORD)
    client.post(reverse("accounts:act_as_switch"), {"firm_id": firm.pk})


def test_the_fetch_happens_when_the_step_opens_is_shown_and_is_read_once(
    client: Client, office: Office
) -> None:
    owner, dataset = _registry()
    application, agent, firm = _firm_application(office, dataset.code)
    record_put(
        dataset=dataset,
        department=owner,
        subject_identifier=firm.uscc,
        data={"name": firm.name, "status": "存续"},
    )
    _act_for(client, agent, firm)
    url = reverse("services:application_materials", args=[application.number])
    page = client.get(url).content.decode()
    assert "存续" in page and owner.name in page, "what was fetched is shown before submitting"
    assert 'type="file"' not in page, "nothing to upload: the fetched material is not offered"
    client.get(url)
    assert Access.objects.count() == 1, "opening the step again does not read again"
    # An upload for the fetched material is refused with a reason, not kept in its place.
    with pytest.raises(ValidationError) as exc:
        material_upload(
            application=application,
            user=agent,
            requirement_code="licence",
            upload=pdf_upload(),
            max_bytes=10_000,
            max_files=3,
        )
    assert "无需上传" in str(exc.value)
    assert application_submit(application=application, user=agent).submitted
    assert Access.objects.count() == 1, "the submission uses what was fetched"
    material = application.materials.get()
    assert material.source == MaterialSource.EXCHANGE and not material.fetch_problem


def test_a_failed_fetch_is_said_at_once_and_the_material_can_then_be_uploaded(
    client: Client, office: Office
) -> None:
    _owner, dataset = _registry()
    application, agent, firm = _firm_application(office, dataset.code)
    _act_for(client, agent, firm)
    url = reverse("services:application_materials", args=[application.number])
    page = client.get(url).content.decode()
    assert "这项需要上传" in page, "the refusal is shown on the materials step, not at submission"
    assert "无需上传" not in page, "no promise of 免提交 once the fetch has failed"
    assert 'type="file"' in page
    assert Access.objects.get().outcome == "refused"
    response = client.post(url, {"requirement": "licence", "file": pdf_upload()})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "这项需要上传" not in page
    assert application_submit(application=application, user=agent).submitted


def test_with_several_materials_the_upload_menu_preselects_none(
    client: Client, office: Office
) -> None:
    service = service_item_upsert(
        department=office.department,
        code=f"{office.department.code}-two",
        name="两项材料",
        legal_days=10,
        promised_days=5,
        for_citizens=True,
        form_schema={"steps": []},
        materials=[
            {"code": "plan", "name": "计划书", "required": True, "exchange_dataset": ""},
            {"code": "photo", "name": "照片", "required": False, "exchange_dataset": ""},
        ],
    )
    applicant = make_citizen()
    application = make_application(service, applicant)
    client.login(username=applicant.username, password=PASSWORD)
    url = reverse("services:application_materials", args=[application.number])
    page = client.get(url).content.decode()
    assert '<option value="" selected>— 请选择 —</option>' in page
    response = client.post(url, {"file": pdf_upload()})
    assert response.status_code == 400
    assert "请选择这个文件是哪一项材料" in response.content.decode()
    assert not application.materials.exists()
