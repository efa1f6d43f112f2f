"""The admin saves a dataset through the exchange's service: the same checks as
``dataset_upsert`` (and the catalogue loader) refuse a bad declaration."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from portal.accounts.models import User
from portal.exchange.models import Dataset
from tests.factories import make_department

pytestmark = pytest.mark.django_db


def _form(owner: int, fields: object) -> dict[str, object]:
    return {
        "code": "scjg.licences",
        "name": "许可证",
        "name_en": "Licences",
        "owner": owner,
        "subject_kind": "firm",
        "sharing_class": "unconditional",
        "fields": json.dumps(fields),
        "description": "",
        "description_en": "",
    }


def test_the_admin_refuses_what_the_service_refuses_and_saves_what_it_accepts() -> None:
    owner = make_department("scjg")
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.cn", "Root-Pass-26"))
    url = reverse("admin:exchange_dataset_add")
    for fields, message in [
        ([{"name": "n", "type": "colour"}], "colour"),
        ([{"name": "n", "type": "string"}, {"name": "n", "type": "string"}], "n"),
        ([], ""),
    ]:
        response = client.post(url, _form(owner.pk, fields))
        assert response.status_code == 200, fields  # the form again, with the error
        assert message in response.content.decode()
        assert not Dataset.objects.exists()
    response = client.post(url, _form(owner.pk, [{"name": "number", "type": "string"}]))
    assert response.status_code == 302
    assert Dataset.objects.get(code="scjg.licences").field_names == ["number"]
