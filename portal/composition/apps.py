from django.apps import AppConfig


class CompositionConfig(AppConfig):
    """The composition root: the one place that knows every part (home page, health,
    readiness, metrics, the catalogue loader, demo seeding and ``rundemo``). No app imports it."""

    name = "portal.composition"
    label = "composition"
