"""The admin is an OTP admin site under the same rules as staff: lockout and second step."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from portal.accounts.models import User
from tests.accounts.two_step import enrol_and_verify
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_default_admin_site_is_the_otp_one_and_keeps_every_registration() -> None:
    assert isinstance(admin.site, OTPAdminSite)
    assert admin.site.name == "admin"
    registered = {m._meta.label for m in admin.site._registry}
    assert {"accounts.User", "departments.DepartmentSystem", "axes.AccessAttempt"} <= registered


def test_a_password_alone_does_not_open_the_admin(client: Client, settings) -> None:
    settings.STAFF_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    User.objects.create_superuser("root", "root@example.cn", PASSWORD)
    signed_in = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    assert signed_in.status_code == 302
    page = client.get(reverse("admin:accounts_user_changelist"))
    assert page.status_code == 302 and reverse("admin:login") in page["Location"]
    to_second_step = client.get(page["Location"])
    assert to_second_step.status_code == 302
    assert reverse("backoffice:two_factor") in to_second_step["Location"]
    enrol_and_verify(client, User.objects.get(username="root"))
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_without_two_factor_the_admin_opens_after_the_password(client: Client, settings) -> None:
    settings.STAFF_TWO_FACTOR = False
    User.objects.create_superuser("root", "root@example.cn", PASSWORD)
    client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    assert client.get(reverse("admin:index")).status_code == 200
