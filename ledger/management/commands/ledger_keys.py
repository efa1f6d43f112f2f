from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.constants import KeyKind
from ledger.keys import write_new_key, write_new_vrf_key
from ledger.models import LedgerKey


class Command(BaseCommand):
    help = (
        "Create an Ed25519 log key named after the origin (first key or rotation). The key is "
        "written to a file readable only by its owner; the public key is registered so that "
        "entries signed with it, and with every older key, keep verifying. With --vrf, a VRF "
        "key for entry labels instead (RFC 9381), named LEDGER_VRF_KEY_NAME; with --index, the "
        "index log's key (completeness), named LEDGER_INDEX_ORIGIN."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="file for the private key (skey)")
        parser.add_argument("--vrf", action="store_true", help="make a VRF (label) key instead")
        parser.add_argument("--index", action="store_true", help="make the index log's key")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["out"])
        if options["vrf"]:
            self._vrf(path)
            return
        index = bool(options["index"])
        name = settings.LEDGER_INDEX_ORIGIN if index else settings.LEDGER_ORIGIN
        try:
            key = write_new_key(name=name, path=path)
        except FileExistsError:
            raise CommandError(f"{path} exists; refusing to overwrite a key") from None
        LedgerKey.objects.get_or_create(
            vkey=key.vkey,
            defaults={"name": key.name, "kind": KeyKind.INDEX if index else KeyKind.LOG},
        )
        if index:
            self.stdout.write(f"Index log key written to {path} (mode 0600).")
            self.stdout.write(f"Verifier key: {key.vkey}")
            self.stdout.write(
                "Set LEDGER_INDEX_KEY_FILE to this file, give the witnesses the verifier key "
                "(--index-log-vkey) and regenerate the verifier policy."
            )
            return
        self.stdout.write(f"Private key written to {path} (mode 0600).")
        self.stdout.write(f"Verifier key: {key.vkey}")
        self.stdout.write(
            "To rotate, set LEDGER_LOG_KEY_FILE to this file (or LEDGER_LOG_KEY to its content), "
            "give the witnesses the new verifier key, and restart the workers; old keys stay "
            "listed at /ledger/keys so old entries keep verifying."
        )

    def _vrf(self, path: Path) -> None:
        try:
            key = write_new_vrf_key(name=settings.LEDGER_VRF_KEY_NAME, path=path)
        except FileExistsError:
            raise CommandError(f"{path} exists; refusing to overwrite a key") from None
        LedgerKey.objects.get_or_create(
            vkey=key.public.text, defaults={"name": key.public.name, "kind": KeyKind.VRF}
        )
        self.stdout.write(f"VRF private key written to {path} (mode 0600).")
        self.stdout.write(f"VRF public key: {key.public.text}")
        self.stdout.write(
            "To rotate, set LEDGER_VRF_KEY_FILE to this file (or LEDGER_VRF_KEY to its content) "
            "and restart the web and worker processes; new labels use the new key, old labels "
            "keep verifying with the old public key listed at /ledger/keys."
        )
