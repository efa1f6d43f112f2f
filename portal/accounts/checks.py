"""Deploy checks of the authentication policy."""

from collections.abc import Sequence

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[CheckMessage]:
    """Behind a proxy with no trusted proxy, every client has the proxy's address."""
    behind_proxy = settings.SECURE_PROXY_SSL_HEADER is not None
    if behind_proxy and settings.PORTAL_TRUSTED_PROXIES <= 0:
        return [
            Warning(
                "DJANGO_BEHIND_PROXY is on but PORTAL_TRUSTED_PROXIES is 0: every client has "
                "the proxy's address, so one client's wrong passwords pause sign-in for all.",
                hint="Set PORTAL_TRUSTED_PROXIES to the number of proxies in front (1 for nginx).",
                id="accounts.W001",
            )
        ]
    return []
