"""The admin site: django-otp's OTPAdminSite under the portal's one authentication policy.

Sign-in is the admin's password form with the shared lockout (django-axes); an admin user
who still needs the second factor (STAFF_TWO_FACTOR) is sent to the shared two-step page,
where an authenticator is enrolled with an activation code or a code from it is checked.
Until then the site treats them as not allowed in, as OTPAdminSite does.
"""

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from portal.accounts.authentication_policy import SECOND_FACTOR_URL_NAME, second_factor_missing
from portal.accounts.forms import PortalAdminAuthenticationForm


class PortalAdminSite(OTPAdminSite):
    # Password only: the code is asked on the two-step page, which also enrols.
    login_form = PortalAdminAuthenticationForm  # type: ignore[assignment]
    login_template = None  # the admin's own page: the code is asked on the two-step page
    site_header = _("One-stop services portal · administration")
    site_title = _("One-stop services portal administration")
    index_title = _("Portal administration")

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)  # type: ignore[no-untyped-call]  # untyped library

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        """The index's sections; django-otp's device model gets a translated name."""
        from portal.accounts.admin_authenticators import MODEL_NAME_PLURAL

        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                if model.get("object_name") == "TOTPDevice":
                    model["name"] = capfirst(MODEL_NAME_PLURAL)
        return app_list

    def has_permission(self, request: HttpRequest) -> bool:
        return AdminSite.has_permission(self, request) and not second_factor_missing(request.user)

    def login(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        if AdminSite.has_permission(self, request) and second_factor_missing(request.user):
            next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
                "admin:index", current_app=self.name
            )
            return redirect_to_login(next_url, login_url=reverse(SECOND_FACTOR_URL_NAME))
        response: HttpResponse = super().login(request, extra_context)
        return response
