"""Command-line offline verifier.

    python -m ledger.verify BUNDLE [--key VKEY ...] [--min-witnesses N] [--workers N]
    python -m ledger.verify --tiles DIR_OR_URL --key VKEY ... [--min-witnesses N] [--workers N]

The first checks a ``ledger-bundle/v1`` export (``ledger.core.verify``), the second a log
served or exported as C2SP tlog-tiles (``ledger.core.tile_verify``), against the keys given
only.  Exit codes: 0 valid (one-line summary), 1 invalid (the first finding), 2 unreadable.
Uses only the standard library and ``cryptography``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ledger.core.tile_verify import verify_tiles
from ledger.core.verify import VerifyReport, verify_bundle

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the verifier; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m ledger.verify",
        description="Verify a ledger-bundle/v1 export, or a log as C2SP tlog-tiles, offline.",
    )
    parser.add_argument(
        "bundle", nargs="?", help="path to the bundle JSON file, or - for standard input"
    )
    parser.add_argument(
        "--tiles",
        metavar="DIR_OR_URL",
        help="verify the tiled log in this directory or under this URL prefix instead",
    )
    parser.add_argument(
        "--key",
        action="append",
        metavar="VKEY",
        help="trusted log or witness vkey (repeatable); default for a bundle: the keys in it; "
        "required with --tiles",
    )
    parser.add_argument(
        "--min-witnesses",
        type=int,
        default=0,
        help="require at least this many witness cosignatures (besides the bundle's own rule)",
    )
    parser.add_argument("--workers", type=int, default=None, help="worker processes")
    args = parser.parse_args(argv)
    if (args.bundle is None) == (args.tiles is None):
        parser.error("give either a bundle or --tiles DIR_OR_URL")
    if args.tiles is not None:
        if not args.key:
            parser.error("--tiles needs the trusted log key: --key VKEY")
        report = verify_tiles(
            args.tiles, keys=args.key, min_witnesses=args.min_witnesses, workers=args.workers
        )
        return _print(report)
    try:
        if args.bundle == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.bundle, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        print(f"error: cannot read {args.bundle}: {exc.strerror}", file=sys.stderr)
        return 2
    report = verify_bundle(
        data, keys=args.key, min_witnesses=args.min_witnesses, workers=args.workers
    )
    if report.ok and args.key is None:
        print(report.message)
        print(
            "note: trusted the keys listed in the bundle; pass --key to pin keys",
            file=sys.stderr,
        )
        return 0
    return _print(report)


def _print(report: VerifyReport) -> int:
    if report.ok:
        print(report.message)
    else:
        print(
            f"{report.status}: {report.message}",
            file=sys.stderr if report.exit_code == 2 else sys.stdout,
        )
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
