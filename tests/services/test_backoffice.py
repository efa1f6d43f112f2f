"""The back office: work queue without N+1, the application with exchange data, actions."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.models import Access
from portal.exchange.services import dataset_upsert, record_put
from portal.services.constants import ApplicationStatus, EvaluationStatus
from portal.services.models import Application
from portal.services.services import evaluation_create
from tests.factories import (
    PASSWORD,
    Office,
    make_agent,
    make_application,
    make_citizen,
    make_department,
    make_firm,
    make_service,
)

pytestmark = pytest.mark.django_db


def test_queue_shows_what_the_role_acts_on_without_n_plus_one(
    client: Client, office: Office, django_assert_max_num_queries
) -> None:
    service = make_service(office.department, for_firms=True)
    firm = make_firm()
    agent = make_agent(firm)
    for _n in range(12):
        make_application(service, make_citizen(), status=ApplicationStatus.SUBMITTED)
        make_application(service, agent, firm=firm, status=ApplicationStatus.UNDER_REVIEW)
    client.login(username=office.clerk.username, password=PASSWORD)
    url = reverse("services:queue")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("/backoffice/services/applications/SQ-") == 12, "clerk: submitted only"
    client.login(username=office.reviewer.username, password=PASSWORD)
    with django_assert_max_num_queries(12):
        response = client.get(url + "?status=all")
    assert response.content.decode().count("/backoffice/services/applications/SQ-") == 24


def test_staff_view_business_registration_reads_through_the_exchange_as_the_staff(
    client: Client, office: Office
) -> None:
    owner = make_department()
    dataset = dataset_upsert(
        code=f"{owner.code}.business_registration",
        name="企业登记信息",
        owner=owner,
        subject_kind=SubjectKind.FIRM,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[{"name": "status", "type": "string", "label": "登记状态", "required": True}],
    )
    firm = make_firm()
    record_put(
        dataset=dataset, department=owner, subject_identifier=firm.uscc, data={"status": "存续"}
    )
    service = make_service(office.department, for_firms=True, references=[dataset.code])
    application = make_application(
        service, make_agent(firm), firm=firm, status=ApplicationStatus.ACCEPTED
    )
    client.login(username=office.reviewer.username, password=PASSWORD)
    page = client.get(reverse("services:staff_application", args=[application.number]))
    assert "企业登记信息" in page.content.decode()
    response = client.post(
        reverse("services:staff_lookup", args=[application.number]), {"dataset": dataset.code}
    )
    assert response.status_code == 200
    assert "存续" in response.content.decode()
    access = Access.objects.get()
    assert access.reader_user == office.reviewer
    assert access.application_number == application.number
    # A dataset the service does not use cannot be asked for through the application.
    response = client.post(
        reverse("services:staff_lookup", args=[application.number]), {"dataset": "gaj.other"}
    )
    assert response.status_code == 302 and Access.objects.count() == 1


def test_an_action_without_its_reason_shows_the_message_at_the_field(
    client: Client, office: Office
) -> None:
    application = make_application(
        make_service(office.department), make_citizen(), status=ApplicationStatus.SUBMITTED
    )
    client.login(username=office.clerk.username, password=PASSWORD)
    url = reverse("services:staff_act", args=[application.number])
    response = client.post(url, {"action": "refuse", "reason": ""})
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ACCEPTED
    # The reviewer's buttons are not the clerk's: approving is refused by role.
    response = client.post(url, {"action": "approve"})
    assert response.status_code == 403


def test_a_poor_rating_goes_to_the_department_queue_for_a_reply(
    client: Client, office: Office
) -> None:
    applicant = make_citizen()
    application = make_application(
        make_service(office.department), applicant, status=ApplicationStatus.APPROVED
    )
    client.login(username=applicant.username, password=PASSWORD)
    client.post(
        reverse("services:application_evaluate", args=[application.number]),
        {"rating": "1", "comment": "等了太久"},
    )
    evaluation = application.evaluation
    assert evaluation.status == EvaluationStatus.AWAITING_REPLY
    client.login(username=office.admin.username, password=PASSWORD)
    assert "等了太久" in client.get(reverse("services:evaluations")).content.decode()
    client.post(reverse("services:evaluation_reply", args=[evaluation.pk]), {"reply": "已改进流程"})
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.REPLIED and evaluation.replied_by == office.admin


def test_a_good_rating_needs_no_reply_and_one_rating_per_application(office: Office) -> None:
    from django.core.exceptions import ValidationError

    applicant = make_citizen()
    application = make_application(
        make_service(office.department), applicant, status=ApplicationStatus.APPROVED
    )
    evaluation = evaluation_create(application=application, user=applicant, rating=5)
    assert evaluation.status == EvaluationStatus.NO_REPLY_NEEDED
    with pytest.raises(ValidationError):
        evaluation_create(application=application, user=applicant, rating=4)
    pending = make_application(
        make_service(office.department, code="x-pending"),
        applicant,
        status=ApplicationStatus.UNDER_REVIEW,
    )
    with pytest.raises(ValidationError):
        evaluation_create(application=pending, user=applicant, rating=3)
