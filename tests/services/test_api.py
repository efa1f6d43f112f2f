"""The API for department systems: own department only, same workflow checks as the pages."""

import json

import pytest
from django.test import Client

from portal.departments.signing_client import signed_headers
from portal.services.constants import ApplicationStatus
from portal.services.models import ApplicationEvent
from tests.factories import (
    PASSWORD,
    Office,
    make_application,
    make_citizen,
    make_office,
    make_service,
    make_system,
)

pytestmark = pytest.mark.django_db
BASE = "http://testserver/api/v1/services/applications/"


def _call(client: Client, system_key, url: str, body: dict[str, object] | None = None):
    system, key = system_key
    data = json.dumps(body).encode() if body is not None else b""
    method = "POST" if body is not None else "GET"
    headers = signed_headers(method=method, url=url, body=data, key_id=system.key_id, key=key)
    headers["Accept-Language"] = "en"
    if body is None:
        return client.get(url, headers=headers)
    return client.post(url, data=data, content_type="application/json", headers=headers)


@pytest.fixture
def signed(office: Office):
    return make_system(office.department, f"{office.department.code}-signed")


def test_a_system_lists_and_reads_only_its_department(client: Client, office, signed) -> None:
    service = make_service(office.department)
    mine = make_application(service, make_citizen(), status=ApplicationStatus.SUBMITTED)
    other = make_office()
    theirs = make_application(
        make_service(other.department), make_citizen(), status=ApplicationStatus.SUBMITTED
    )
    make_application(service, make_citizen())  # a draft is nobody's business yet
    response = _call(client, signed, BASE)
    assert response.status_code == 200, response.content
    assert [r["number"] for r in response.json()["results"]] == [mine.number]
    assert _call(client, signed, f"{BASE}{mine.number}/").status_code == 200
    response = _call(client, signed, f"{BASE}{theirs.number}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_system_moves_an_application_and_the_timeline_names_it(
    client: Client, office, signed
) -> None:
    application = make_application(
        make_service(office.department), make_citizen(), status=ApplicationStatus.SUBMITTED
    )
    url = f"{BASE}{application.number}/transitions/"
    response = _call(client, signed, url, {"action": "accept"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    event = ApplicationEvent.objects.get(application=application)
    assert event.actor_system == signed[0]
    assert response.json()["events"][0]["actor"] == signed[0].name


def test_wrong_state_is_409_missing_reason_400_applicant_moves_400(
    client: Client, office, signed
) -> None:
    application = make_application(
        make_service(office.department), make_citizen(), status=ApplicationStatus.SUBMITTED
    )
    url = f"{BASE}{application.number}/transitions/"
    assert _call(client, signed, url, {"action": "approve"}).status_code == 409
    response = _call(client, signed, url, {"action": "refuse"})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert _call(client, signed, url, {"action": "withdraw"}).status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_another_departments_system_cannot_move_it(client: Client, office) -> None:
    application = make_application(
        make_service(office.department), make_citizen(), status=ApplicationStatus.SUBMITTED
    )
    intruder = make_system(make_office().department, "intruder-system")
    url = f"{BASE}{application.number}/transitions/"
    assert _call(client, intruder, url, {"action": "accept"}).status_code == 404


def test_staff_sessions_have_the_same_role_checks(client: Client, office) -> None:
    application = make_application(
        make_service(office.department), make_citizen(), status=ApplicationStatus.SUBMITTED
    )
    url = f"/api/v1/services/applications/{application.number}/transitions/"
    client.login(username=office.reviewer.username, password=PASSWORD)
    response = client.post(url, {"action": "accept"}, content_type="application/json")
    assert response.status_code == 403
    client.login(username=office.clerk.username, password=PASSWORD)
    response = client.post(url, {"action": "accept"}, content_type="application/json")
    assert response.status_code == 200
