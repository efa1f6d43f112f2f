from celery import shared_task

# The services are imported inside each task body, so that tasks and services never import
# each other at load time (``portal.core.dispatch``).


@shared_task(
    acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True
)
def notification_email_task(notification_id: int) -> bool:
    """E-mail one notice; a repeated delivery of the task sends nothing more."""
    from portal.services.services import notification_email_send

    return notification_email_send(notification_id=notification_id)


@shared_task(acks_late=True)
def notifications_email_sweep_task() -> int:
    """Beat: e-mail the notices whose e-mail could not be dispatched at the time."""
    from portal.services.services import notifications_email_pending

    return notifications_email_pending()
