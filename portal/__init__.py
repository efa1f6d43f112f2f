"""The one-stop services portal: Django project and service domain."""

from portal.celery import app as celery_app

__all__ = ("celery_app",)
