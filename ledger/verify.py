"""Command-line offline verifier: ``python -m ledger.verify BUNDLE [--key VKEY ...]``.

Exit codes: 0 valid (one-line summary), 1 invalid (the first finding), 2 unreadable bundle.
Uses only the standard library and ``cryptography`` (see ledger.core.verify).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ledger.core.verify import verify_bundle

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the verifier; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m ledger.verify",
        description="Verify a ledger-bundle/v1 export offline.",
    )
    parser.add_argument("bundle", help="path to the bundle JSON file, or - for standard input")
    parser.add_argument(
        "--key",
        action="append",
        metavar="VKEY",
        help="trusted log or witness vkey (repeatable); default: the keys in the bundle",
    )
    parser.add_argument(
        "--min-witnesses",
        type=int,
        default=0,
        help="require at least this many witness cosignatures (besides the bundle's own rule)",
    )
    parser.add_argument("--workers", type=int, default=None, help="worker processes")
    args = parser.parse_args(argv)
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
    if report.ok:
        print(report.message)
        if args.key is None:
            print(
                "note: trusted the keys listed in the bundle; pass --key to pin keys",
                file=sys.stderr,
            )
    else:
        print(
            f"{report.status}: {report.message}",
            file=sys.stderr if report.exit_code == 2 else sys.stdout,
        )
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
