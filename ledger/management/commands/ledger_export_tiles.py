from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.core.tile_files import write_tile_file
from ledger.core.tiles import (
    EntryBundle,
    HashTile,
    TileError,
    entry_bundles_for_size,
    hash_tiles_for_size,
)
from ledger.selectors import checkpoint_cosigned_note, checkpoint_latest
from ledger.tiles import tile_data


class Command(BaseCommand):
    help = (
        "Write the latest checkpoint's tree as C2SP tlog-tiles static files into DIR "
        "(checkpoint, tile/..., tile/entries/...); files already there are not rewritten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="output directory (the log's URL prefix)")

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = checkpoint_latest()
        if checkpoint is None:
            raise CommandError("no checkpoint has been published yet")
        root = Path(options["dir"])
        size = checkpoint.tree_size
        written = kept = 0
        try:
            resources: list[HashTile | EntryBundle] = [
                *hash_tiles_for_size(size),
                *entry_bundles_for_size(size),
            ]
            for resource in resources:
                data = tile_data(resource=resource, tree_size=size)
                if write_tile_file(root, resource.path, data):
                    written += 1
                    self.stdout.write(f"wrote {resource.path}")
                else:
                    kept += 1
            # Last, so that a reader of the directory never sees a checkpoint without its tiles.
            note = checkpoint_cosigned_note(checkpoint).encode()
            if write_tile_file(root, "checkpoint", note, mutable=True):
                written += 1
                self.stdout.write("wrote checkpoint")
        except (TileError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Exported the tree of {size} entries to {root}: {written} file(s) written, "
            f"{kept} already present"
        )
