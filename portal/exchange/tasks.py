"""Tasks of the exchange: each takes ids and calls a service in ``portal.exchange.objections``."""

from celery import shared_task

from portal.exchange.objections import (
    objection_notice_email_send,
    objection_notices_email_pending,
    objections_escalate_overdue,
)


@shared_task(
    acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True
)
def objection_notice_email_task(notice_id: int) -> bool:
    """E-mail one objection notice; a repeated delivery of the task sends nothing more."""
    return objection_notice_email_send(notice_id=notice_id)


@shared_task(acks_late=True)
def objection_notices_email_sweep_task() -> int:
    """Beat: e-mail the objection notices whose e-mail could not be dispatched at the time."""
    return objection_notices_email_pending()


@shared_task(acks_late=True)
def objections_escalate_task() -> int:
    """Beat: escalate to the auditors every objection whose answer deadline has passed."""
    return objections_escalate_overdue()
