from django.conf import settings
from django.core.management.base import BaseCommand

from ledger.selectors import checkpoint_cosigned_note
from ledger.services import checkpoint_publish, ledger_sequence_all


class Command(BaseCommand):
    help = "Sequence pending events, publish a signed checkpoint and collect witness cosignatures."

    def handle(self, *args: object, **options: object) -> None:
        ledger_sequence_all(batch_size=settings.LEDGER_BATCH_SIZE)
        checkpoint = checkpoint_publish(timeout=settings.LEDGER_WITNESS_TIMEOUT)
        if checkpoint is None:
            self.stdout.write("The log is empty: no checkpoint.")
            return
        self.stdout.write(checkpoint_cosigned_note(checkpoint), ending="")
