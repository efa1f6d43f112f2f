from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.services import witness_register


class Command(BaseCommand):
    help = (
        "Register a witness run by another department: its URL and the cosignature verifier "
        "key it printed (python -m ledger.witness --generate-key). Checkpoints are then sent "
        "to it and published with its cosignature."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="witness base URL, e.g. https://witness.rsj.example.gov.cn")
        parser.add_argument("vkey", help="witness verifier key (name+hash+base64, type 0x04)")
        parser.add_argument("--department", help="code of the department that runs it")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            witness = witness_register(
                url=options["url"], vkey=options["vkey"], department_code=options["department"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Witness {witness.name} at {witness.url} registered.")
