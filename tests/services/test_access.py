"""Nobody sees or downloads another's application or files: by page, URL guessing or API."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.departments.constants import StaffRole
from portal.services.constants import Action, ApplicationStatus
from portal.services.services import (
    application_step_save,
    application_submit,
    application_transition,
    material_upload,
)
from tests.factories import (
    GOOD_STEPS,
    PASSWORD,
    Office,
    make_agent,
    make_application,
    make_citizen,
    make_firm,
    make_office,
    make_service,
    make_staff,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(office: Office):
    """An approved application of its owner, with an uploaded file and a decision document."""
    owner = make_citizen()
    application = make_application(make_service(office.department), owner)
    for n, values in enumerate(GOOD_STEPS):
        application_step_save(application=application, user=owner, step=n, values=values)
    material = material_upload(
        application=application,
        user=owner,
        requirement_code="proof",
        upload=pdf_upload(),
        max_bytes=10_000,
        max_files=3,
    )
    application_submit(application=application, user=owner)
    for action, user in [
        (Action.ACCEPT, office.clerk),
        (Action.START_REVIEW, office.reviewer),
        (Action.APPROVE, office.approver),
    ]:
        application_transition(application=application, action=action, user=user)
    return application, material, owner


def _urls(application, material) -> list[str]:
    n = application.number
    return [
        reverse("services:application_detail", args=[n]),
        reverse("services:application_step", args=[n, 0]),
        reverse("services:application_materials", args=[n]),
        reverse("services:application_review", args=[n]),
        reverse("services:material_file", args=[n, material.pk]),
        reverse("services:decision_file", args=[n]),
    ]


def test_the_owner_downloads_their_file_and_decision(client: Client, approved) -> None:
    application, material, owner = approved
    client.login(username=owner.username, password=PASSWORD)
    response = client.get(reverse("services:material_file", args=[application.number, material.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    response = client.get(reverse("services:decision_file", args=[application.number]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_another_citizen_gets_404_for_every_page_and_file(client: Client, approved) -> None:
    application, material, _owner = approved
    other = make_citizen()
    client.login(username=other.username, password=PASSWORD)
    for url in _urls(application, material):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("services:application_action", args=[application.number]), {"action": "withdraw"}
    )
    assert response.status_code == 404
    my_list = client.get(reverse("services:my_applications")).content.decode()
    assert application.number not in my_list


def test_guessing_numbers_and_material_ids_finds_nothing(client: Client, approved) -> None:
    """Another citizen's own application does not open a door to the neighbour's files."""
    application, material, _owner = approved
    other = make_citizen()
    mine = make_application(application.service, other)
    client.login(username=other.username, password=PASSWORD)
    url = reverse("services:material_file", args=[mine.number, material.pk])
    assert client.get(url).status_code == 404
    for guess in ["SQ-2026-000000", application.number.lower(), application.number + "0"]:
        assert client.get(reverse("services:application_detail", args=[guess])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, approved) -> None:
    application, material, _owner = approved
    for url in _urls(application, material):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_staff_of_another_department_and_roles_without_handling_see_nothing(
    client: Client, approved
) -> None:
    application, material, _owner = approved
    other = make_office()
    steward = make_staff(application.department, StaffRole.DATA_STEWARD)
    urls = [
        reverse("services:staff_application", args=[application.number]),
        reverse("services:staff_material_file", args=[application.number, material.pk]),
        reverse("services:staff_decision_file", args=[application.number]),
    ]
    for user in [other.clerk, other.approver, steward]:
        client.login(username=user.username, password=PASSWORD)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    client.login(
        username=application.department.staff.get(groups__name="window_clerk").username,
        password=PASSWORD,
    )
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_citizen_cannot_use_the_staff_pages_or_the_api(client: Client, approved) -> None:
    application, _material, owner = approved
    client.login(username=owner.username, password=PASSWORD)
    assert client.get(reverse("services:queue")).status_code == 403
    api = f"/api/v1/services/applications/{application.number}/"
    assert client.get(api).status_code == 403
    assert client.get("/api/v1/services/applications/").status_code == 403


def test_firm_applications_are_seen_only_when_acting_for_the_firm(client: Client, office) -> None:
    """Personal identity shows personal applications; the firm identity, the firm's."""
    service = make_service(office.department, for_citizens=False, for_firms=True)
    firm = make_firm()
    agent = make_agent(firm)
    application = make_application(service, agent, firm=firm, status=ApplicationStatus.SUBMITTED)
    client.login(username=agent.username, password=PASSWORD)
    detail = reverse("services:application_detail", args=[application.number])
    assert client.get(detail).status_code == 404
    client.post(reverse("accounts:act_as_switch"), {"firm_id": firm.pk})
    assert client.get(detail).status_code == 200
    outsider = make_citizen()
    client.login(username=outsider.username, password=PASSWORD)
    client.post(reverse("accounts:act_as_switch"), {"firm_id": firm.pk})
    assert client.get(detail).status_code == 404
