from celery import shared_task


@shared_task(acks_late=True)
def used_signatures_purge_task() -> int:
    """Beat: delete expired replay records of department systems' request signatures."""
    from portal.departments.services import used_signatures_purge

    return used_signatures_purge()
