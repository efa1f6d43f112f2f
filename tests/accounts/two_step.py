"""Test helpers: pass the two-step sign-in the way a person does (activation code, app code)."""

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import User
from portal.accounts.two_factor import two_factor_activation_issue


def app_code(device: TOTPDevice) -> str:
    """The 6 digits the authenticator app shows now."""
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:06d}"


def enrol_and_verify(client: Client, user: User) -> None:
    """Enrol an authenticator with an operator-issued code and pass the second step."""
    code = two_factor_activation_issue(user=user, issued_by=None)
    url = reverse("backoffice:two_factor")
    assert client.post(url, {"activation_code": code}).status_code == 302
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(url, {"token": app_code(device)}).status_code == 302
