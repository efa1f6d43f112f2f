"""Recompute the public transparency report offline: ``python -m ledger.report``.

    python -m ledger.report --tiles DIR [--today YYYY-MM-DD]     # C2SP tlog-tiles layout
    python -m ledger.report --bundle FILE [--today YYYY-MM-DD]   # a ledger-bundle/v1 export

``--tiles`` reads ``DIR/checkpoint`` for the tree size, then the entry bundles
``DIR/tile/entries/<N>[.p/<W>]`` (C2SP tlog-tiles: each entry a big-endian uint16 length and
its bytes), as ``manage.py ledger_export_tiles`` or the ``/ledger/tile/`` API serve them; the
layout is read here from the specification, not from the portal's code. Prints the report as
CSV (``section`` first), which is what the portal's transparency page shows. Check the log
first (``python -m ledger.verify``): this counts, it does not verify. Exit codes: 0 done,
2 unreadable input. Standard library only (``ledger.core.report``).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from ledger.core.bundle import BundleFormatError, parse_bundle
from ledger.core.report import Report, ReportError, report_from_entries

__all__ = ["entries_from_tiles", "main", "tile_path", "write_csv"]

ENTRY_BUNDLE_WIDTH = 256  # C2SP tlog-tiles: entries per full entry bundle


def tile_path(n: int) -> str:
    """C2SP tlog-tiles tile index path: ``1234067`` → ``x001/x234/067``."""
    groups = [f"{n % 1000:03d}"]
    n //= 1000
    while n > 0:
        groups.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(groups))


def _tree_size(directory: Path) -> int:
    lines = (directory / "checkpoint").read_text(encoding="utf-8").split("\n")
    if len(lines) < 2 or not lines[1].isdigit():
        raise ValueError("the checkpoint's second line is not a tree size")
    return int(lines[1])


def entries_from_tiles(directory: Path) -> Iterator[bytes]:
    """The entries 0 … size-1 of a tiles directory, in order (size from its checkpoint)."""
    size = _tree_size(directory)
    for n in range((size + ENTRY_BUNDLE_WIDTH - 1) // ENTRY_BUNDLE_WIDTH):
        width = min(ENTRY_BUNDLE_WIDTH, size - n * ENTRY_BUNDLE_WIDTH)
        name = tile_path(n) + ("" if width == ENTRY_BUNDLE_WIDTH else f".p/{width}")
        data = (directory / "tile" / "entries" / name).read_bytes()
        offset = 0
        for _ in range(width):
            if offset + 2 > len(data):
                raise ValueError(f"entry bundle {name} is shorter than {width} entries")
            length = int.from_bytes(data[offset : offset + 2], "big")
            entry = data[offset + 2 : offset + 2 + length]
            if len(entry) != length:
                raise ValueError(f"entry bundle {name} is truncated")
            offset += 2 + length
            yield entry
        if offset != len(data):
            raise ValueError(f"entry bundle {name} holds more than {width} entries")


def write_csv(report: Report, out: TextIO) -> None:
    """The report as CSV rows: ``section`` (reads, sealed, overdue), then its columns."""
    writer = csv.writer(out)
    writer.writerow(["section", "month", "department", "dataset", "outcome", "count"])
    for r in report.reads:
        writer.writerow(["reads", r.month, r.department, r.dataset, r.outcome, r.count])
    writer.writerow(["section", "month", "department", "sealed", "unsealed", "overdue"])
    for s in report.sealed:
        writer.writerow(["sealed", s.month, s.department, s.sealed, s.unsealed, s.overdue])
    writer.writerow(
        ["section", "index", "department", "dataset", "sealed_on", "sealed_until", "days_overdue"]
    )
    for o in report.overdue:
        writer.writerow(
            [
                "overdue",
                o.index,
                o.department,
                o.dataset,
                o.sealed_on,
                o.sealed_until,
                o.days_overdue,
            ]
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ledger.report",
        description="Recompute the public transparency report from the log's public entries.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--tiles", metavar="DIR", help="a C2SP tlog-tiles directory")
    source.add_argument("--bundle", metavar="FILE", help="a ledger-bundle/v1 export")
    parser.add_argument(
        "--today", help="date for overdue seals (YYYY-MM-DD); default: today in UTC"
    )
    args = parser.parse_args(argv)
    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.datetime.now(dt.UTC).date()
    except ValueError:
        print("error: --today must be a date YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        if args.tiles:
            report = report_from_entries(entries_from_tiles(Path(args.tiles)), today=today)
        else:
            bundle = parse_bundle(Path(args.bundle).read_bytes())
            report = report_from_entries(
                (e.data for e in bundle.entries), today=today, start=bundle.start
            )
    except (OSError, ValueError, BundleFormatError, ReportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write_csv(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
