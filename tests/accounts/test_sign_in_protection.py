"""Lockout after repeated failures, two-step sign-in for staff, CSP without inline scripts."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.departments.constants import StaffRole
from tests.conftest import PASSWORD, make_citizen, make_department, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password(
    client: Client, settings
) -> None:
    settings.LOGIN_MAX_FAILURES = 5
    person = make_citizen()
    for _ in range(5):
        assert sign_in(client, person.username, "wrong-password").status_code == 200
    response = sign_in(client, person.username, PASSWORD)
    assert response.status_code == 200  # the form again, not a redirect
    assert "_auth_user_id" not in client.session
    assert (
        "paused" in str(response.context["form"].errors) or "暂停登录" in response.content.decode()
    )


def test_a_success_before_the_limit_resets_the_count(client: Client, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    person = make_citizen()
    for _ in range(2):
        sign_in(client, person.username, "wrong-password")
    assert sign_in(client, person.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        sign_in(client, person.username, "wrong-password")
    assert sign_in(client, person.username, PASSWORD).status_code == 302


def test_staff_need_a_second_step_when_enabled(client: Client, settings) -> None:
    settings.STAFF_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a wrong code
    staff = make_staff(make_department(), StaffRole.REVIEWER)
    client.post(reverse("backoffice:sign_in"), {"username": staff.username, "password": PASSWORD})
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert reverse("backoffice:two_factor") in response["Location"]
    # First time: enrolment shows a QR code and the key; a wrong code is refused.
    page = client.get(reverse("backoffice:two_factor"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    bad = client.post(reverse("backoffice:two_factor"), {"token": "000000"})
    assert bad.status_code == 400
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    ok = client.post(reverse("backoffice:two_factor"), {"token": f"{token:06d}"})
    assert ok.status_code == 302
    assert client.get(reverse("backoffice:home")).status_code == 200
    assert TOTPDevice.objects.get(user=staff).confirmed


def test_two_factor_page_is_not_for_citizens(client: Client, settings) -> None:
    settings.STAFF_TWO_FACTOR = True
    client.force_login(make_citizen())
    assert client.get(reverse("backoffice:two_factor")).status_code == 302


def test_content_security_policy_forbids_inline_scripts(client: Client) -> None:
    policy = client.get("/")["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "default-src 'self'" in policy
    assert "<script>" not in client.get("/api/v1/docs/").content.decode()


def test_one_address_trying_many_names_is_locked_out(client: Client, settings) -> None:
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    person = make_citizen()
    for n in range(4):
        sign_in(client, f"guess{n}", "wrong-password")
    assert sign_in(client, person.username, PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session
