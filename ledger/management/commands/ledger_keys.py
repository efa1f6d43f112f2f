from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.constants import KeyKind
from ledger.keys import write_new_key
from ledger.models import LedgerKey


class Command(BaseCommand):
    help = (
        "Create an Ed25519 log key named after the origin (first key or rotation). The key is "
        "written to a file readable only by its owner; the public key is registered so that "
        "entries signed with it, and with every older key, keep verifying."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="file for the private key (skey)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["out"])
        try:
            key = write_new_key(name=settings.LEDGER_ORIGIN, path=path)
        except FileExistsError:
            raise CommandError(f"{path} exists; refusing to overwrite a key") from None
        LedgerKey.objects.get_or_create(
            vkey=key.vkey, defaults={"name": key.name, "kind": KeyKind.LOG}
        )
        self.stdout.write(f"Private key written to {path} (mode 0600).")
        self.stdout.write(f"Verifier key: {key.vkey}")
        self.stdout.write(
            "To rotate, set LEDGER_LOG_KEY_FILE to this file (or LEDGER_LOG_KEY to its content), "
            "give the witnesses the new verifier key, and restart the workers; old keys stay "
            "listed at /ledger/keys so old entries keep verifying."
        )
