from celery import shared_task

from portal.departments.services import used_signatures_purge


@shared_task(acks_late=True)
def used_signatures_purge_task() -> int:
    """Beat: delete expired replay records of department systems' request signatures."""
    return used_signatures_purge()
