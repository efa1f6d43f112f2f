import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from portal.exchange.unsealing import sealed_reads_unseal_due


class Command(BaseCommand):
    help = (
        "Unseal every sealed read whose unseal-by date has come (what the beat task does): "
        "an unseal entry in the person's namespace for each, and a notice to the person."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--today",
            help="Act as if today were this date (YYYY-MM-DD); default: today in TIME_ZONE",
        )

    def handle(self, *args: object, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date YYYY-MM-DD") from None
        count = sealed_reads_unseal_due(today=today)
        self.stdout.write(f"Unsealed {count} sealed reads.")
