import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from ledger.demo import demo_witness_commands


class Command(BaseCommand):
    help = (
        "Run the whole product on this machine: migrate, load demo data, start two demo "
        "witnesses and a Celery worker (with beat) as child processes, and serve the site."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Do not start a worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=1)
        call_command("seed_demo")
        children: list[subprocess.Popen[bytes]] = [
            subprocess.Popen(argv)  # noqa: S603 - fixed argument list
            for argv in demo_witness_commands()
        ]
        self.stdout.write(self.style.SUCCESS(f"{len(children)} demo witnesses started."))
        if not options["no_worker"]:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "portal",
                    "worker",
                    "--beat",
                    "--pool=solo",
                    "--loglevel=INFO",
                ]
            )
            children.append(worker)
            self.stdout.write(self.style.SUCCESS(f"Celery worker started (pid {worker.pid})."))
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait(timeout=20)
