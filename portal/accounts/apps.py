from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from portal.accounts import checks  # noqa: F401  # registers the deploy checks


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin, served as the portal's OTP admin site (same policy as staff)."""

    default = False  # named in INSTALLED_APPS instead of django.contrib.admin
    default_site = "portal.accounts.admin_site.PortalAdminSite"


class SignInLockoutConfig(AxesConfig):
    """django-axes (sign-in lockout) under a name people read in the admin."""

    verbose_name = _("Sign-in lockout")


class AuthenticatorConfig(TOTPConfig):
    """django-otp's TOTP devices (staff authenticator apps) under a name people read."""

    verbose_name = _("Authenticator apps")
