"""An empty POST gets the errors that say what is missing, not the blank form again.

``Form(request.POST or None)`` left the form unbound for an empty POST; every form is now
bound on every POST (``portal.core.forms.post_data``).
"""

import pytest
from django.test import Client
from django.urls import reverse

from portal.core.forms import post_data

pytestmark = pytest.mark.django_db


def test_an_empty_sign_up_post_says_what_is_missing(client: Client) -> None:
    response = client.post(reverse("accounts:sign_up"), {})
    body = response.content.decode()
    assert response.status_code in (200, 400)
    assert "error-summary" in body, "the empty POST is checked, not shown as a new form"


def test_post_data_binds_on_every_post_only() -> None:
    from django.test import RequestFactory

    factory = RequestFactory()
    assert post_data(factory.post("/", {})) is not None
    assert post_data(factory.get("/")) is None
