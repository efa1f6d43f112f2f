from django.conf import settings
from django.core.management.base import BaseCommand

from ledger.services import ledger_sequence_all


class Command(BaseCommand):
    help = "Sequence every pending ledger event now, in the foreground."

    def handle(self, *args: object, **options: object) -> None:
        count = ledger_sequence_all(batch_size=settings.LEDGER_BATCH_SIZE)
        self.stdout.write(f"Sequenced {count} pending events.")
