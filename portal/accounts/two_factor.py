"""Two-factor sign-in for staff and admin users: TOTP (RFC 6238) devices from django-otp.

An authenticator is enrolled only with a one-time activation code issued out of band (by an
administrator of the person's department on the back-office staff page, or by the operator
with ``manage.py issue_activation_code``): knowing the password is not enough to bind a phone.
The code is shown once, stored only as a keyed hash, works once and expires after
STAFF_ACTIVATION_CODE_HOURS.

django-otp has no type information; the few calls into it are wrapped here.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.access import may_administer_staff
from portal.accounts.models import TwoFactorActivation, User

# Unambiguous characters (no 0/O, 1/I/L): read aloud or typed from a note without mistakes.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_GROUPS, _CODE_GROUP_LENGTH = 3, 4  # 12 characters, about 59 bits


def uses_authenticator(*, user: User) -> bool:
    """Department staff and admin users sign in with an authenticator (when it is on)."""
    return user.is_department_staff or user.is_staff or user.is_superuser


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    return salted_hmac(
        "portal.accounts.two_factor.activation", _normalise_code(code), algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def two_factor_activation_issue(*, user: User, issued_by: User | None) -> str:
    """Issue a one-time activation code for ``user`` and return it (shown once, never stored).

    ``issued_by`` is the department administrator doing it on the back office; None is the
    operator (management command). Earlier unused codes stop working, and the person's
    authenticator is removed: the next sign-in enrols a new one (a lost phone is replaced
    the same way).
    """
    if issued_by is not None:
        if issued_by.pk == user.pk:
            raise PermissionDenied(
                _(
                    "You cannot issue an activation code for yourself. Ask another "
                    "administrator of your department or the operator."
                )
            )
        if user.department is None or not may_administer_staff(
            user=issued_by, department=user.department
        ):
            raise PermissionDenied(
                _("Only an administrator of the person's own department may issue the code.")
            )
    if not uses_authenticator(user=user):
        raise ValidationError(_("Only staff and admin accounts use an authenticator."))
    TwoFactorActivation.objects.filter(user=user, used_at__isnull=True).delete()
    TOTPDevice.objects.filter(user=user).delete()
    code = "-".join(
        "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_GROUP_LENGTH))
        for _ in range(_CODE_GROUPS)
    )
    TwoFactorActivation.objects.create(
        user=user,
        code_hash=_code_hash(code),
        issued_by=issued_by,
        expires_at=timezone.now() + dt.timedelta(hours=settings.STAFF_ACTIVATION_CODE_HOURS),
    )
    return code


@transaction.atomic
def two_factor_activation_redeem(*, user: User, code: str) -> TOTPDevice | None:
    """Use an activation code: a new unconfirmed authenticator, or None if the code is wrong,
    used, expired or someone else's."""
    if not _normalise_code(code):
        return None
    now = timezone.now()
    activation = (
        TwoFactorActivation.objects.select_for_update()
        .filter(user=user, code_hash=_code_hash(code), used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if activation is None:
        return None
    activation.used_at = now
    activation.save(update_fields=["used_at"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_device_for(*, user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator, if they enrolled one."""
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device


def totp_enrolment_device(*, user: User, device_id: object) -> TOTPDevice | None:
    """The unconfirmed authenticator this session unlocked with an activation code."""
    if not isinstance(device_id, int):
        return None
    device: TOTPDevice | None = TOTPDevice.objects.filter(
        pk=device_id, user=user, confirmed=False
    ).first()
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
