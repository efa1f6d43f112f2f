"""Anyone can check a decision document's verification code."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from portal.services.constants import Action, ApplicationStatus
from portal.services.services import application_transition
from tests.factories import Office, make_application, make_citizen, make_service

pytestmark = pytest.mark.django_db


def test_an_issued_code_is_authentic_and_a_made_up_one_is_not(
    client: Client, office: Office
) -> None:
    application = make_application(
        make_service(office.department), make_citizen(), status=ApplicationStatus.UNDER_REVIEW
    )
    application_transition(application=application, action=Action.APPROVE, user=office.approver)
    document = application.decision_document
    pdf = document.file.read()
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    assert pdf.startswith(b"%PDF-")
    response = client.get(reverse("services:verify", args=[document.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert application.number in html and document.sha256 in html
    assert application.applicant.real_name not in html, "no personal data on a public page"
    response = client.get(reverse("services:verify", args=["0000000000000000"]))
    assert response.status_code == 404
    response = client.get(reverse("services:verify_lookup"), {"code": document.code.lower()})
    assert response.status_code == 302
