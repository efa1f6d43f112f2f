"""Application forms built from the schema: server-side checks with a message per field."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from portal.services.schema import schema_errors
from portal.services.services import application_step_save, application_submit
from tests.factories import (
    GOOD_STEPS,
    PASSWORD,
    SCHEMA,
    Office,
    make_application,
    make_citizen,
    make_service,
)

pytestmark = pytest.mark.django_db


def test_each_wrong_field_gets_its_own_message(office: Office) -> None:
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    with pytest.raises(ValidationError) as exc:
        application_step_save(
            application=application,
            user=applicant,
            step=0,
            values={"applicant_name": "", "phone": "12345", "spouse_id": "110101199001011234"},
        )
    errors = exc.value.message_dict
    # The name is the account's (locked), so an empty posted name is no error.
    assert set(errors) == {"phone", "spouse_id"}
    with pytest.raises(ValidationError) as exc:
        application_step_save(
            application=application,
            user=applicant,
            step=1,
            values={"started_on": "2026-02-30", "headcount": "0", "kind": "z"},
        )
    assert set(exc.value.message_dict) == {"started_on", "headcount", "kind", "agree"}


def test_a_draft_keeps_what_is_valid_without_requiring_everything(office: Office) -> None:
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    application_step_save(
        application=application, user=applicant, step=1, values={"headcount": "4"}, draft=True
    )
    application.refresh_from_db()
    assert application.data["headcount"] == 4
    assert application.current_step == 0, "a draft save does not advance"


def test_submit_checks_every_step_again(office: Office) -> None:
    applicant = make_citizen()
    application = make_application(make_service(office.department, materials=[]), applicant)
    application_step_save(application=application, user=applicant, step=0, values=GOOD_STEPS[0])
    with pytest.raises(ValidationError) as exc:
        application_submit(application=application, user=applicant)
    assert {"started_on", "headcount", "kind", "agree"} <= set(exc.value.message_dict)


def test_profile_prefill_and_explicit_prefill(office: Office) -> None:
    applicant = make_citizen(real_name="王小明")
    application = make_application(make_service(office.department), applicant)
    assert application.data["applicant_name"] == "王小明"


def test_schema_problems_are_named() -> None:
    assert schema_errors(SCHEMA) == []
    bad = {"steps": [{"title": "x", "fields": [{"name": "Bad Name", "type": "nope"}]}]}
    problems = " ".join(schema_errors(bad))
    assert "Bad Name" in problems and "nope" in problems


def test_the_step_page_shows_messages_next_to_fields_without_javascript(
    client: Client, office: Office
) -> None:
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    client.login(username=applicant.username, password=PASSWORD)
    url = reverse("services:application_step", args=[application.number, 0])
    response = client.post(url, {"phone": "1", "spouse_id": "123", "next": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_phone_error"' in html and 'id="id_spouse_id_error"' in html
    assert 'aria-invalid="true"' in html
    response = client.post(url, {**GOOD_STEPS[0], "next": ""})
    assert response.status_code == 302
    assert response["Location"].endswith("/step/1/")
    response = client.post(
        reverse("services:application_step", args=[application.number, 1]),
        {"headcount": "9", "draft": ""},
    )
    assert response.status_code == 302
    # Resuming the draft shows the saved value.
    response = client.get(reverse("services:application_step", args=[application.number, 1]))
    assert 'value="9"' in response.content.decode()
