from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "portal.departments"
    label = "departments"
    verbose_name = _("Departments")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles, sender=self)
        from portal.departments.api import schema  # noqa: F401 - registers the OpenAPI extension


def _sync_roles(**kwargs: object) -> None:
    """Keep the role groups in step with the code after every migrate or flush."""
    from portal.departments.services import role_groups_sync

    role_groups_sync()
