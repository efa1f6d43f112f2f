"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _use_django_logging(**kwargs: object) -> None:
    """Workers log like the web processes (JSON, request ids, identity numbers masked).

    Without a receiver Celery replaces the root handlers with its own, which have no mask.
    """
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
