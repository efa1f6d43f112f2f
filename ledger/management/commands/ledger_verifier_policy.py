from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.core.verifier_policy import PolicyError
from ledger.selectors import verifier_policy


class Command(BaseCommand):
    help = (
        "Write the browser verifier's pinned policy (log keys, witness keys, quorum, VRF keys) "
        "as an ES module, from the keys registered in this deployment. Review it, publish its "
        "SHA-256, and serve it with LEDGER_VERIFIER_POLICY_FILE (docs/browser-verifier.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="file to write (e.g. policy.js)")
        parser.add_argument(
            "--quorum",
            type=int,
            default=None,
            help="witness cosignatures required (default LEDGER_VERIFIER_QUORUM)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import hashlib

        try:
            policy = verifier_policy(quorum=options["quorum"])
        except PolicyError as exc:
            raise CommandError(f"cannot make a policy: {exc}") from None
        if options["quorum"] is not None and policy.quorum != options["quorum"]:
            raise CommandError(
                f"--quorum {options['quorum']} exceeds the {len(policy.witness_keys)} "
                "registered witness(es)"
            )
        text = policy.to_module()
        Path(options["out"]).write_text(text, encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.stdout.write(
            f"Policy written to {options['out']}: {len(policy.log_keys)} log key(s), "
            f"{len(policy.witness_keys)} witness key(s), quorum {policy.quorum}, "
            f"{len(policy.vrf_keys)} VRF key(s). SHA-256 {digest}"
        )
