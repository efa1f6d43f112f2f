from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "portal.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")

    def ready(self) -> None:
        # Its notices in the one inbox (/my/notifications/).
        from portal.accounts.inbox import inbox_source_register
        from portal.exchange.inbox import ObjectionNotices, ReadNotices

        inbox_source_register(ObjectionNotices())
        inbox_source_register(ReadNotices())
