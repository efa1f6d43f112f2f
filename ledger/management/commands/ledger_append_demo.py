import random
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from ledger.constants import Outcome
from ledger.services import ledger_event_record, ledger_sequence_dispatch

DATASETS = [
    ("scjg", "business_registration", ["name", "legal_representative", "registered_capital"]),
    ("rsj", "social_insurance", ["headcount", "contribution_months"]),
    ("swj", "tax_credit", ["rating", "year"]),
    ("gaj", "household_registration", ["address", "household_head"]),
]


class Command(BaseCommand):
    help = "Append N synthetic access events through the normal write path (demos, benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100)
        parser.add_argument("--batch", type=int, default=1000, help="events per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        count, batch = options["count"], options["batch"]
        rng = random.Random(2026)
        done = 0
        while done < count:
            with transaction.atomic():
                for _ in range(min(batch, count - done)):
                    owner, dataset, fields = rng.choice(DATASETS)
                    reader = rng.choice(["rsj", "swj", "kjj", "jxj"])
                    granted = rng.random() > 0.1
                    ledger_event_record(
                        department=reader,
                        user=f"demo.clerk{rng.randint(1, 50)}",
                        system_id=None,
                        dataset=f"{owner}.{dataset}",
                        fields=fields,
                        purpose="demo: eligibility check",
                        application=f"DEMO-{rng.randint(1, 99999):05d}",
                        outcome=Outcome.GRANTED if granted else Outcome.REFUSED,
                        reason="" if granted else "no_grant",
                        subject_identifier=f"demo-subject-{rng.randint(1, 5000)}",
                        dispatch=False,
                    )
                    done += 1
                ledger_sequence_dispatch()
        self.stdout.write(f"Recorded {done} pending events.")
