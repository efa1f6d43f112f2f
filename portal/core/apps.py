from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from portal.core import checks  # noqa: F401 - registers the deploy checks
        from portal.core.files import sqlite_files_private

        connection_created.connect(sqlite_files_private, dispatch_uid="sqlite_files_private")
