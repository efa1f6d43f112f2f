from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    label = "policies"
    verbose_name = _("Subsidy policies")

    def ready(self) -> None:
        # Its notices in the one inbox (/my/notifications/).
        from policies.inbox import PolicyNotices
        from portal.accounts.inbox import inbox_source_register

        inbox_source_register(PolicyNotices())
