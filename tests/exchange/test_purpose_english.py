"""A read's purpose in the page's language: generated purposes (an application's fetch or
review, a policy match or grant check) keep an English form beside the access, shown on English
pages; the ledger commits only the Chinese purpose, which never changes."""

import importlib

import pytest
from django.test import Client
from django.urls import reverse

from ledger.core.commitment import Details
from ledger.models import PendingEvent, ReadDetails
from portal.accounts.models import User
from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.models import Access
from portal.exchange.services import Reader, dataset_upsert, exchange_read, record_put
from portal.services.constants import ApplicationStatus
from portal.services.services import application_reference_read
from tests.factories import (
    Office,
    make_application,
    make_citizen,
    make_department,
    make_office,
    make_service,
)

pytestmark = pytest.mark.django_db


def committed_purpose(access: Access) -> str:
    details = ReadDetails.objects.get(event_id=access.ledger_event_id)
    return Details.from_bytes(bytes(details.details)).purpose


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def _household() -> tuple[Office, object, User]:
    office = make_office()
    owner = make_department(name="公安局")
    dataset = dataset_upsert(
        code=f"{owner.code}.household",
        name="户籍信息",
        owner=owner,
        subject_kind=SubjectKind.CITIZEN,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[{"name": "address", "type": "string", "label": "地址", "required": True}],
    )
    applicant = make_citizen()
    record_put(
        dataset=dataset,
        department=owner,
        subject_identifier=str(applicant.id_number),
        data={"address": "文三路1号"},
    )
    return office, dataset, applicant


def test_a_review_read_keeps_an_english_purpose_that_is_not_committed(client: Client) -> None:
    office, dataset, applicant = _household()
    service = make_service(
        office.department,
        name="最低生活保障",
        name_en="Minimum living allowance",
        references=[dataset.code],  # type: ignore[attr-defined]
    )
    application = make_application(service, applicant, status=ApplicationStatus.SUBMITTED)
    result = application_reference_read(
        application=application,
        user=office.reviewer,
        dataset_code=dataset.code,  # type: ignore[attr-defined]
    )
    access = result.access
    assert access.purpose == f"审查最低生活保障申请（{application.number}）"
    assert (
        access.purpose_en
        == f"Reviewing application {application.number} (Minimum living allowance)"
    )
    # The ledger holds the Chinese purpose only; the English text is nowhere in it.
    assert committed_purpose(access) == access.purpose
    event = PendingEvent.objects.get(id=access.ledger_event_id)
    assert b"Reviewing" not in bytes(event.data)
    assert b"Reviewing" not in bytes(ReadDetails.objects.get(event_id=event.id).details)

    # The person's page: English text in the cell, the committed text for the browser check.
    client.force_login(applicant)
    body = english(client).get(reverse("exchange:data_uses")).content.decode()
    assert f">Reviewing application {application.number} (Minimum living allowance)<" in body
    assert f'data-purpose="审查最低生活保障申请（{application.number}）"' in body
    client.cookies["django_language"] = "zh-hans"
    body = client.get(reverse("exchange:data_uses")).content.decode()
    assert f">审查最低生活保障申请（{application.number}）<" in body
    assert "Reviewing application" not in body

    # The objection page names the purpose in English too.
    objection = english(client).get(reverse("exchange:data_use_object", args=[access.pk]))
    assert "Reviewing application" in objection.content.decode()

    # So does the reading department's list of reads.
    client.force_login(office.reviewer)
    reads = english(client).get(reverse("exchange:reads")).content.decode()
    assert f"Reviewing application {application.number} (Minimum living allowance)" in reads
    client.cookies["django_language"] = "zh-hans"
    reads = client.get(reverse("exchange:reads")).content.decode()
    assert "Reviewing application" not in reads and "审查最低生活保障申请" in reads


def test_a_service_without_an_english_name_shows_the_chinese_purpose(client: Client) -> None:
    office, dataset, applicant = _household()
    service = make_service(
        office.department,
        name="临时救助",
        name_en="",
        references=[dataset.code],  # type: ignore[attr-defined]
    )
    application = make_application(service, applicant, status=ApplicationStatus.SUBMITTED)
    access = application_reference_read(
        application=application,
        user=office.reviewer,
        dataset_code=dataset.code,  # type: ignore[attr-defined]
    ).access
    assert access.purpose_en == ""
    client.force_login(applicant)
    body = english(client).get(reverse("exchange:data_uses")).content.decode()
    assert f">审查临时救助申请（{application.number}）<" in body


def test_a_typed_purpose_is_shown_as_written(client: Client) -> None:
    office, dataset, applicant = _household()
    exchange_read(
        reader=Reader(department=office.department, user=office.reviewer),
        dataset_code=dataset.code,  # type: ignore[attr-defined]
        subject_identifier=str(applicant.id_number),
        fields=None,
        purpose="核对住址",
    )
    client.force_login(applicant)
    assert ">核对住址<" in english(client).get(reverse("exchange:data_uses")).content.decode()


def test_an_english_purpose_for_another_text_is_never_shown(client: Client) -> None:
    """The English form is shown only beside the very purpose the log committed."""
    office, dataset, applicant = _household()
    result = exchange_read(
        reader=Reader(department=office.department, user=office.reviewer),
        dataset_code=dataset.code,  # type: ignore[attr-defined]
        subject_identifier=str(applicant.id_number),
        fields=None,
        purpose="核对住址",
        purpose_en="Checking the address",
    )
    Access.objects.filter(pk=result.access.pk).update(purpose="改过的目的")
    client.force_login(applicant)
    body = english(client).get(reverse("exchange:data_uses")).content.decode()
    assert ">核对住址<" in body and "Checking the address" not in body


def test_the_migration_gives_existing_generated_purposes_their_english_form() -> None:
    migration = importlib.import_module("portal.exchange.migrations.0005_access_purpose_en")
    names = {"SQ-1": ("食品经营许可", "Food business licence")}
    assert migration._english("办理食品经营许可（申请SQ-1）", "SQ-1", names) == (
        "Processing application SQ-1 (Food business licence)"
    )
    assert migration._english("审查食品经营许可申请（SQ-1）", "SQ-1", names) == (
        "Reviewing application SQ-1 (Food business licence)"
    )
    assert migration._english("惠企政策匹配", "", names) == "Matching business support policies"
    assert migration._english("惠企政策免申即享资格核验：杭科〔2026〕1号", "", names) == (
        "Eligibility check for a benefit granted without applying: 杭科〔2026〕1号"
    )
    assert migration._english("核对住址", "SQ-1", names) == ""
    assert migration._english("办理食品经营许可（申请SQ-1）", "SQ-2", names) == ""


def test_a_fetched_material_read_has_an_english_purpose(client: Client) -> None:
    from portal.services.services import application_submit
    from tests.services.test_materials import _firm_application, _registry

    office = make_office()
    owner, dataset = _registry()
    application, agent, firm = _firm_application(office, dataset.code)
    record_put(
        dataset=dataset,
        department=owner,
        subject_identifier=firm.uscc,
        data={"name": firm.name, "status": "存续"},
    )
    assert application_submit(application=application, user=agent).submitted
    access = Access.objects.get()
    assert access.purpose == f"办理测试事项（申请{application.number}）"
    assert access.purpose_en == f"Processing application {application.number} (Test service)"
    assert committed_purpose(access) == access.purpose


def test_a_department_system_gives_the_english_purpose_through_the_api(client: Client) -> None:
    from portal.departments.signing_client import signed_headers
    from tests.exchange.test_signed_api import URL, body_for, post
    from tests.factories import make_grant, make_system, make_world

    world = make_world()
    system, key = make_system(world.reader, "jxj-test-system")
    make_grant(world, ["name"])
    body = body_for(world, purpose_en="Eligibility check for a subsidy")
    headers = signed_headers(method="POST", url=URL, body=body, key_id=system.key_id, key=key)
    assert post(client, body, headers).status_code == 200
    access = Access.objects.get()
    assert access.purpose == "惠企政策资格审核"
    assert access.purpose_en == "Eligibility check for a subsidy"
    assert committed_purpose(access) == "惠企政策资格审核"
    listing_url = "http://testserver/api/v1/exchange/accesses/"
    headers = signed_headers(method="GET", url=listing_url, body=b"", key_id=system.key_id, key=key)
    listed = post(client, b"", headers, url=listing_url, method="get").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["purpose_en"] == "Eligibility check for a subsidy"
