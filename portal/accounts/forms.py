from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.accounts.authentication_policy import lockout_message
from portal.accounts.identity import IdentityNumberError, validate_resident_id
from portal.core.forms import LimitedTextField
from portal.core.validators import MOBILE_PHONE_RE


def resident_id_validator(value: str) -> None:
    """A form validator from the GB 11643 check (the message says what to fix)."""
    try:
        validate_resident_id(value)
    except IdentityNumberError as exc:
        raise forms.ValidationError(str(exc.message), code="id_number") from None


class SignUpForm(forms.Form):
    """Input of a citizen's sign-up; the rules live in ``citizen_sign_up``."""

    username = forms.RegexField(
        label=_("User name"),
        regex=r"^[A-Za-z0-9_.-]{3,40}$",
        max_length=40,
        help_text=_("3 to 40 letters, digits, dots, dashes or underscores."),
        error_messages={"invalid": _("Use 3 to 40 letters, digits, dots, dashes or underscores.")},
    )
    real_name = LimitedTextField(label=_("Real name"), limit=60)
    # Checked here (GB 11643 check character included) so that a wrong number is reported
    # with every other error at once, not in a second round after the others are fixed.
    id_number = forms.CharField(
        label=_("Resident identity number"),
        validators=[resident_id_validator],
        help_text=_("18 characters, as on your identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=MOBILE_PHONE_RE,
        required=False,
        error_messages={"invalid": _("Enter an 11-digit mobile number starting with 1.")},
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif isinstance(p1, str):
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ActAsForm(forms.Form):
    firm_id = forms.IntegerField(required=False)


class LockoutMessageMixin:
    """Shows the lockout (counted by django-axes in the authentication backend) on the form.

    The backend refuses a locked account before the password is checked; the form then says
    how long to wait instead of "wrong password".
    """

    request: HttpRequest | None

    def clean(self) -> dict[str, Any]:
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]  # mixin of a form
        except forms.ValidationError:
            if self.request is not None and getattr(self.request, "axes_locked_out", False):
                self.request.portal_lockout_shown = True  # type: ignore[attr-defined]  # per request
                raise forms.ValidationError(lockout_message(), code="locked") from None
            raise
        return cleaned


class PortalAuthenticationForm(LockoutMessageMixin, AuthenticationForm):
    """Django's sign-in form; the shared lockout says how long sign-in is paused."""


class PortalAdminAuthenticationForm(LockoutMessageMixin, AdminAuthenticationForm):
    """The admin's sign-in form with the same lockout as every other sign-in."""
