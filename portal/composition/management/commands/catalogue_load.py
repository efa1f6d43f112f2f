from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from portal.composition.catalogue import KINDS, CatalogueError, catalogue_load


class Command(BaseCommand):
    help = (
        "Load a catalogue (departments, topics, datasets, services, policies) from a directory "
        "or one JSON file; idempotent, all-or-nothing, every bad file reported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a catalogue directory or one of its files")
        parser.add_argument(
            "--only", action="append", choices=KINDS, help="load only these kinds (repeatable)"
        )

    @no_translations  # operators read English, as in every command's output
    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        only = options.get("only")
        kinds = list(only) if isinstance(only, list) else list(KINDS)
        try:
            report = catalogue_load(path=path, kinds=kinds)
        except CatalogueError as exc:
            problems = exc.report.problems
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(problems)} problem(s) in {len({p.path for p in problems})} file(s); "
                "nothing was loaded."
            ) from None
        summary = ", ".join(f"{n} {kind}" for kind, n in report.loaded.items())
        self.stdout.write(self.style.SUCCESS(f"Catalogue loaded: {summary}."))
