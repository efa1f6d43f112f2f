from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.core.bundle import bundle_to_json
from ledger.selectors import LedgerQueryError, export_bundle


class Command(BaseCommand):
    help = "Write a ledger-bundle/v1 file that `python -m ledger.verify` checks offline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="output file")
        parser.add_argument("--start", type=int, default=0)
        parser.add_argument("--end", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            bundle = export_bundle(start=options["start"], end=options["end"])
        except LedgerQueryError as exc:
            raise CommandError(str(exc)) from None
        Path(options["out"]).write_bytes(bundle_to_json(bundle))
        self.stdout.write(
            f"Wrote entries {bundle['start']}..{int(str(bundle['end'])) - 1} to {options['out']}"
        )
