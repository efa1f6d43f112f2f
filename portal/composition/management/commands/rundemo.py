import re
import subprocess
import sys
import threading
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.composition.demo.ledger import demo_witness_commands, demo_witnesses_listen_at
from portal.core.staticfiles import static_collect_if_stale

_LISTENING = re.compile(r"listening on http://[^\s:]+:(\d+)")


def refuse_outside_demo(command: str) -> None:
    """Demo commands generate keys and load demo accounts: never in production."""
    if not settings.PORTAL_DEMO:
        raise CommandError(
            f"{command} runs only in a demo setup: PORTAL_DEMO is off (DJANGO_HTTPS is on or "
            "PORTAL_DEMO=false). Use a separate PORTAL_VAR_DIR and database for a demo."
        )


def _start_witness(argv: list[str]) -> tuple[subprocess.Popen[str], int]:
    """Start a witness on a free port; its first line says which (then echo the rest)."""
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)  # noqa: S603 - fixed
    assert child.stdout is not None
    first = child.stdout.readline()
    found = _LISTENING.search(first)
    if found is None:
        child.terminate()
        raise CommandError(f"A demo witness did not start: {first.strip() or 'no output'}")
    sys.stdout.write(first)

    def echo(stream: IO[str]) -> None:
        for line in stream:
            sys.stdout.write(line)

    threading.Thread(target=echo, args=(child.stdout,), daemon=True).start()
    return child, int(found.group(1))


class Command(BaseCommand):
    help = (
        "Run the whole product on this machine: migrate, load demo data, start two demo "
        "witnesses and a Celery worker (with beat) as child processes, and serve the site."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Do not start a worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_outside_demo("rundemo")
        call_command("migrate", interactive=False, verbosity=1)
        call_command("seed_demo")
        if static_collect_if_stale():
            self.stdout.write("Static files collected and compressed (gzip and Brotli).")
        children: list[subprocess.Popen[Any]] = []
        ports: dict[str, int] = {}
        host, _sep, port = str(options["addrport"]).rpartition(":")
        portal_url = f"http://{host or '127.0.0.1'}:{port}"
        for code, argv in demo_witness_commands(portal_url=portal_url).items():
            child, ports[code] = _start_witness(argv)
            children.append(child)
        demo_witnesses_listen_at(ports=ports)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(ports)} demo witnesses started on ports {sorted(ports.values())}."
            )
        )
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
