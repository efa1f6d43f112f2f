import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache


@shared_task(acks_late=True, max_retries=None, autoretry_for=(Exception,), retry_backoff=True)
def ledger_sequence_task() -> int:
    """Sequence whatever is pending. Idempotent: concurrent runs queue on the sequencer lock.

    Dispatched after each recording transaction commits, and by beat as the sweeper that
    picks up events left pending while Redis or the worker was down.
    """
    from ledger.services import SEQUENCE_REQUESTED_KEY, ledger_sequence_all

    total = 0
    while True:
        cache.delete(SEQUENCE_REQUESTED_KEY)
        done = ledger_sequence_all(batch_size=settings.LEDGER_BATCH_SIZE)
        total += done
        if done == 0:
            return total
        # Under a steady stream of reads, let a batch gather instead of spinning through
        # one tiny batch after another (each pass has a fixed cost: lock, queries, COPY).
        time.sleep(settings.LEDGER_SEQUENCE_LINGER_SECONDS)


@shared_task(acks_late=True, max_retries=3, autoretry_for=(Exception,), retry_backoff=True)
def ledger_checkpoint_task() -> int | None:
    """Beat: publish a checkpoint and gather witness cosignatures; then the index epoch.

    The index log follows the checkpoint schedule: each run brings the label index up to the
    checkpoint just published and appends its epoch (idempotent: an unchanged log adds none),
    then sends the index log's checkpoint to the witnesses, which audit it.
    """
    from ledger.services import checkpoint_publish, index_epoch_publish, ledger_sequence_all

    ledger_sequence_all(batch_size=settings.LEDGER_BATCH_SIZE)
    checkpoint = checkpoint_publish(timeout=settings.LEDGER_WITNESS_TIMEOUT)
    index_epoch_publish(timeout=settings.LEDGER_WITNESS_TIMEOUT)
    return None if checkpoint is None else checkpoint.tree_size
