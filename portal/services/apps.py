from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "portal.services"
    label = "services"
    verbose_name = _("One-stop services")

    def ready(self) -> None:
        # Its notices in the one inbox (/my/notifications/).
        from portal.accounts.inbox import inbox_source_register
        from portal.services.inbox import ApplicationNotices

        inbox_source_register(ApplicationNotices())
