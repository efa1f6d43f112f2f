"""django-otp's admin of TOTP devices (staff authenticator apps) in the admin's language.

django-otp marks none of its model texts or section names for translation, so this admin
gives the form, the columns and the sections translated labels (the model itself, and so its
migrations, stay as the library made them).
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

MODEL_NAME = _("authenticator")
MODEL_NAME_PLURAL = _("authenticators")

LABELS = {
    "user": _("user"),
    "name": _("name"),
    "confirmed": _("confirmed"),
    "key": _("secret key"),
    "step": _("time step (seconds)"),
    "t0": _("start time (Unix time)"),
    "digits": _("digits"),
    "tolerance": _("tolerance (time steps)"),
    "drift": _("clock drift (time steps)"),
    "last_t": _("last time step used"),
    "throttling_failure_timestamp": _("last failed attempt"),
    "throttling_failure_count": _("failed attempts in a row"),
    "created_at": _("created"),
    "last_used_at": _("last used"),
}
SECTIONS = {
    "Identity": _("Identity"),
    "Timestamps": _("Times"),
    "Configuration": _("Configuration"),
    "State": _("State"),
    "Throttling": _("Throttling"),
}


class AuthenticatorForm(forms.ModelForm[TOTPDevice]):
    class Meta:
        model = TOTPDevice
        fields = [name for name in LABELS if name not in ("created_at", "last_used_at")]
        labels = LABELS
        help_texts = {name: "" for name in LABELS}


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(TOTPDeviceAdmin):
    form = AuthenticatorForm
    list_display = ["user", "device_name", "created", "last_used", "is_confirmed"]

    @admin.display(description=LABELS["name"], ordering="name")
    def device_name(self, obj: TOTPDevice) -> str:
        return obj.name

    @admin.display(description=LABELS["created_at"], ordering="created_at")
    def created(self, obj: TOTPDevice) -> object:
        return obj.created_at

    @admin.display(description=LABELS["last_used_at"], ordering="last_used_at")
    def last_used(self, obj: TOTPDevice) -> object:
        return obj.last_used_at

    @admin.display(description=LABELS["confirmed"], boolean=True, ordering="confirmed")
    def is_confirmed(self, obj: TOTPDevice) -> bool:
        return bool(obj.confirmed)

    def get_fieldsets(self, request: HttpRequest, obj: TOTPDevice | None = None) -> Any:
        return [
            (SECTIONS.get(str(name), name), options)
            for name, options in super().get_fieldsets(request, obj)  # type: ignore[no-untyped-call]  # untyped library
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        context = {"title": _("Authenticators"), **(extra_context or {})}
        response: HttpResponse = super().changelist_view(request, context)
        return response
