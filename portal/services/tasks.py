from celery import shared_task

from portal.services.services import notification_email_send, notifications_email_pending


@shared_task(
    acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True
)
def notification_email_task(notification_id: int) -> bool:
    """E-mail one notice; a repeated delivery of the task sends nothing more."""
    return notification_email_send(notification_id=notification_id)


@shared_task(acks_late=True)
def notifications_email_sweep_task() -> int:
    """Beat: e-mail the notices whose e-mail could not be dispatched at the time."""
    return notifications_email_pending()
