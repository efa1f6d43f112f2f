"""Two-factor sign-in for staff: TOTP (RFC 6238) devices from django-otp.

django-otp has no type information; the few calls into it are wrapped here.
"""

from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import User


def totp_device_for(*, user: User) -> TOTPDevice | None:
    """The staff member's confirmed authenticator, if they enrolled one."""
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (made once, shown until confirmed)."""
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_verify(*, device: TOTPDevice, token: str) -> bool:
    """Check a code (django-otp slows down repeated failures)."""
    return bool(device.verify_token(token))  # type: ignore[no-untyped-call]  # untyped library


@transaction.atomic
def totp_enrolment_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm the device with a first code from the app; False if the code is wrong."""
    if device.user_id != user.pk or not totp_verify(device=device, token=token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def totp_mark_verified(*, request: HttpRequest, device: TOTPDevice) -> None:
    """Record in the session that this sign-in passed the second step."""
    otp_login(request, device)  # type: ignore[no-untyped-call]  # untyped library
