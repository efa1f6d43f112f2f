"""Lockout after repeated failures, two-step sign-in for staff, CSP without inline scripts."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.authentication_policy import client_address
from portal.accounts.two_factor import two_factor_activation_issue
from portal.departments.constants import StaffRole
from tests.accounts.two_step import app_code
from tests.factories import PASSWORD, make_citizen, make_department, make_staff

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
    # First time: an activation code from the administrator, then the QR code and the key.
    page = client.get(reverse("backoffice:two_factor"))
    assert "<svg" not in page.content.decode()
    code = two_factor_activation_issue(user=staff, issued_by=None)
    assert (
        client.post(reverse("backoffice:two_factor"), {"activation_code": code}).status_code == 302
    )
    page = client.get(reverse("backoffice:two_factor"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    bad = client.post(reverse("backoffice:two_factor"), {"token": "000000"})
    assert bad.status_code == 400
    ok = client.post(reverse("backoffice:two_factor"), {"token": app_code(device)})
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


def locked(response) -> bool:
    return "暂停登录" in response.content.decode() or "paused" in response.content.decode()


def test_look_alike_names_count_against_the_same_account(client: Client, settings) -> None:
    """Full-width letters and other case are the same account to sign-in, so to the lockout."""
    settings.LOGIN_MAX_FAILURES = 3
    person = make_citizen(username="zhaoliu")
    for name in ("zhaoliu", "ZHAOLIU", "zhaoliｕ"):  # the last one ends in a full-width u
        sign_in(client, name, "wrong-password")
    for name in ("zhaoliｕ", "zhaoliu"):
        response = sign_in(client, name, PASSWORD)
        assert response.status_code == 200 and locked(response), name
        assert "_auth_user_id" not in client.session
    assert person.username == "zhaoliu"


def test_citizen_back_office_and_admin_sign_in_share_one_lockout(client: Client, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    staff = make_staff(make_department(), StaffRole.REVIEWER)
    staff.is_staff = True  # may use the admin too
    staff.save(update_fields=["is_staff"])
    wrong = {"username": staff.username, "password": "wrong-password"}
    client.post(reverse("accounts:login"), wrong)
    client.post(reverse("backoffice:sign_in"), wrong)
    client.post(reverse("admin:login"), wrong)
    right = {"username": staff.username, "password": PASSWORD}
    for url in (reverse("admin:login"), reverse("backoffice:sign_in"), reverse("accounts:login")):
        response = client.post(url, right)
        assert response.status_code == 200 and locked(response), url
        assert "_auth_user_id" not in client.session


def test_a_valid_sign_in_does_not_reset_the_address_count(client: Client, settings) -> None:
    """One account of one's own must not let an address keep guessing at others."""
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    own = make_citizen()
    for n in range(3):
        sign_in(client, f"guess{n}", "wrong-password")
    assert sign_in(client, own.username, PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "guess9", "wrong-password")
    assert locked(sign_in(client, own.username, PASSWORD))


def test_a_forged_forwarded_header_does_not_escape_the_address_limit(
    client: Client, settings
) -> None:
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    settings.PORTAL_TRUSTED_PROXIES = 0
    person = make_citizen()
    for n in range(3):
        client.post(
            reverse("accounts:login"),
            {"username": f"guess{n}", "password": "x"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
    assert locked(sign_in(client, person.username, PASSWORD))


def test_behind_the_proxy_one_client_does_not_lock_out_the_others(client: Client, settings) -> None:
    """All requests come from the proxy's address; the client is the one the proxy saw."""
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    settings.PORTAL_TRUSTED_PROXIES = 1
    person = make_citizen()
    attacker = {"X-Forwarded-For": "203.0.113.7"}
    for n in range(3):
        client.post(
            reverse("accounts:login"), {"username": f"guess{n}", "password": "x"}, headers=attacker
        )
    assert locked(
        client.post(
            reverse("accounts:login"),
            {"username": person.username, "password": PASSWORD},
            headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.7"},  # what the client wrote is ignored
        )
    )
    ok = client.post(
        reverse("accounts:login"),
        {"username": person.username, "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.20"},
    )
    assert ok.status_code == 302


def test_client_address_trusts_exactly_the_configured_proxies(rf, settings) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 8.8.8.8, 9.9.9.9")
    settings.PORTAL_TRUSTED_PROXIES = 0
    assert client_address(request) == "10.0.0.1"
    settings.PORTAL_TRUSTED_PROXIES = 1
    assert client_address(request) == "9.9.9.9"
    settings.PORTAL_TRUSTED_PROXIES = 2
    assert client_address(request) == "8.8.8.8"
    settings.PORTAL_TRUSTED_PROXIES = 1
    junk = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(junk) == "10.0.0.1"


def test_deploy_check_warns_behind_a_proxy_without_trusted_proxies(settings) -> None:
    from portal.accounts.checks import trusted_proxies_check

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.PORTAL_TRUSTED_PROXIES = 0
    assert [m.id for m in trusted_proxies_check()] == ["accounts.W001"]
    settings.PORTAL_TRUSTED_PROXIES = 1
    assert trusted_proxies_check() == []
