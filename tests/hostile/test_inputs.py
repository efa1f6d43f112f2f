"""Hostile input: malformed JSON, wrong content types, oversize bodies, HTML in free text."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from portal.departments.constants import StaffRole
from tests.conftest import make_citizen, make_department, make_staff

pytestmark = pytest.mark.django_db

READ = "/api/v1/exchange/read"


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(make_staff(make_department(), StaffRole.REVIEWER))
    return client


def test_malformed_json_is_a_clear_400(staff_client: Client) -> None:
    response = staff_client.post(READ, data=b'{"dataset": "x", ', content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "JSON" in response.json()["detail"]


def test_wrong_content_type_is_415(staff_client: Client) -> None:
    response = staff_client.post(READ, data=b"<xml/>", content_type="application/xml")
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"


def test_oversize_body_is_refused_without_a_server_error(staff_client: Client, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"purpose": "x" * 50_000}).encode()
    response = staff_client.post(READ, data=body, content_type="application/json")
    assert response.status_code in (400, 413)


def test_wrong_types_name_each_field(staff_client: Client) -> None:
    response = staff_client.post(
        READ,
        data=json.dumps({"dataset": ["a"], "subject": 12, "fields": "name", "purpose": None}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"dataset", "fields", "purpose"}


def test_html_in_free_text_is_shown_as_text(client: Client) -> None:
    person = make_citizen(real_name="<script>alert(1)</script>")
    client.force_login(person)
    body = client.get(reverse("core:home")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_path_traversal_in_urls_finds_nothing(client: Client) -> None:
    for path in ("/static/../portal/settings.py", "/static/..%2f..%2fpyproject.toml"):
        response = client.get(path)
        assert response.status_code == 404
