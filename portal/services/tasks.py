from celery import shared_task

from portal.services.services import notification_email_send


@shared_task(
    acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True
)
def notification_email_task(notification_id: int) -> bool:
    """E-mail one notice; a repeated delivery of the task sends nothing more."""
    return notification_email_send(notification_id=notification_id)
