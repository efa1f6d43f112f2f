from django.core.management.base import BaseCommand, CommandError

from ledger.selectors import ledger_verify_all, tree_size


class Command(BaseCommand):
    help = (
        "Verify the live ledger: every index, hash, chain link, signature, stored tree node, "
        "checkpoint and cosignature; the private details behind every label and commitment; and "
        "that every access the portal knows has its identical entry or pending event. Exits "
        "non-zero naming the first problem."
    )

    def handle(self, *args: object, **options: object) -> None:
        finding = ledger_verify_all()
        if finding is not None:
            raise CommandError(f"ledger INVALID: {finding}")
        self.stdout.write(self.style.SUCCESS(f"ledger OK: {tree_size()} entries verified"))
