from celery import shared_task

from portal.exchange.unsealing import (
    read_notice_email_send,
    read_notices_email_pending,
    sealed_reads_unseal_due,
)


@shared_task(acks_late=True, max_retries=3, autoretry_for=(Exception,), retry_backoff=True)
def sealed_reads_unseal_due_task() -> int:
    """Beat: unseal every sealed read whose unseal-by date has come, then send the notices'
    e-mails that could not be dispatched. Idempotent: an unsealed read is never unsealed again.
    """
    done = sealed_reads_unseal_due()
    read_notices_email_pending()
    return done


@shared_task(
    acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True
)
def read_notice_email_task(notice_id: int) -> bool:
    """E-mail one unsealing notice; a repeated delivery of the task sends nothing more."""
    return read_notice_email_send(notice_id=notice_id)
