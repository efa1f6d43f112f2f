from django.core.management.base import BaseCommand
from django.db import transaction

from portal.accounts.models import Firm
from portal.composition.demo.accounts import DEMO_PASSWORD, seed_accounts
from portal.composition.demo.exchange import seed_exchange
from portal.composition.demo.ledger import seed_ledger
from portal.composition.demo.policies import seed as seed_policies
from portal.composition.demo.services import seed as seed_services
from portal.composition.management.commands.rundemo import refuse_outside_demo


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent) and print the demo sign-ins."

    def handle(self, *args: object, **options: object) -> None:
        refuse_outside_demo("seed_demo")
        with transaction.atomic():
            sign_ins = seed_accounts()
            datasets = seed_exchange()
            services = seed_services()
            policies = seed_policies()
        entries = seed_ledger(list(Firm.objects.values_list("uscc", flat=True)))
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Exchange: {datasets} datasets with records and sharing grants")
        self.stdout.write(f"Services: {services}; policies: {policies}")
        self.stdout.write(f"Ledger: {entries} entries; checkpoint at /ledger/checkpoint")
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        width = max(len(s.username) for s in sign_ins)
        for s in sign_ins:
            self.stdout.write(f"  {s.username.ljust(width)}  {s.who}")
