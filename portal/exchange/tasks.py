"""Tasks of the exchange: each takes ids and calls a service (``portal.exchange.objections``,
``portal.exchange.unsealing``), imported in the task body as the services import the tasks in
theirs."""

from celery import shared_task


@shared_task(acks_late=True, max_retries=3, autoretry_for=(Exception,), retry_backoff=True)
def sealed_reads_unseal_due_task() -> int:
    """Beat: unseal every sealed read whose unseal-by date has come, then send the notices'
    e-mails that could not be dispatched. Idempotent: an unsealed read is never unsealed again.
    """
    from portal.exchange.unsealing import read_notices_email_pending, sealed_reads_unseal_due

    done = sealed_reads_unseal_due()
    read_notices_email_pending()
    return done


@shared_task(
    acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True
)
def read_notice_email_task(notice_id: int) -> bool:
    """E-mail one unsealing notice; a repeated delivery of the task sends nothing more."""
    from portal.exchange.unsealing import read_notice_email_send

    return read_notice_email_send(notice_id=notice_id)


@shared_task(
    acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True
)
def objection_notice_email_task(notice_id: int) -> bool:
    """E-mail one objection notice; a repeated delivery of the task sends nothing more."""
    from portal.exchange.objections import objection_notice_email_send

    return objection_notice_email_send(notice_id=notice_id)


@shared_task(acks_late=True)
def objection_notices_email_sweep_task() -> int:
    """Beat: e-mail the objection notices whose e-mail could not be dispatched at the time."""
    from portal.exchange.objections import objection_notices_email_pending

    return objection_notices_email_pending()


@shared_task(acks_late=True)
def objections_escalate_task() -> int:
    """Beat: escalate to the auditors every objection whose answer deadline has passed."""
    from portal.exchange.objections import objections_escalate_overdue

    return objections_escalate_overdue()
