"""Command-line offline verifier.

    python -m ledger.verify BUNDLE [--key VKEY ...] [--min-witnesses N] [--workers N]
    python -m ledger.verify --tiles DIR_OR_URL --key VKEY ... [--min-witnesses N] [--workers N]
    python -m ledger.verify --proof FILE --key LOGVKEY --key WITNESSVKEY --vrf-key VRFPUB
        [--min-witnesses N] [--identifier ID]
    python -m ledger.verify --completeness FILE --key LOGVKEY --key WITNESSVKEY
        --index-key INDEXVKEY --vrf-key VRFPUB [--min-witnesses N] [--identifier ID]

The first checks a ``ledger-bundle/v1`` export (``ledger.core.verify``), the second a log
served or exported as C2SP tlog-tiles (``ledger.core.tile_verify``), the third a person's
``access-proof/v2`` download (``ledger.core.access_proof``), the fourth a person's
``data-uses-completeness/v1`` download (``ledger.core.completeness``), each against the keys
given only (a bundle without ``--key`` falls back to its own keys and says so).  Exit codes: 0 valid
(one-line summary), 1 invalid (the first finding), 2 unreadable.
Uses only the standard library and ``cryptography``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from ledger.core.tile_verify import verify_tiles
from ledger.core.verify import VerifyReport, verify_bundle

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the verifier; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m ledger.verify",
        description="Verify a ledger-bundle/v1 export, a log as C2SP tlog-tiles, or an "
        "access-proof/v2 file, offline.",
    )
    parser.add_argument(
        "bundle", nargs="?", help="path to the bundle JSON file, or - for standard input"
    )
    parser.add_argument(
        "--tiles",
        metavar="DIR_OR_URL",
        help="verify the tiled log in this directory or under this URL prefix instead",
    )
    parser.add_argument("--proof", metavar="FILE", help="check an access-proof/v2 file instead")
    parser.add_argument(
        "--vrf-key", action="append", metavar="VRFPUB", help="trusted VRF key (with --proof)"
    )
    parser.add_argument(
        "--completeness",
        metavar="FILE",
        help="check a data-uses-completeness/v1 file (all of a person's reads) instead",
    )
    parser.add_argument(
        "--index-key", action="append", metavar="VKEY", help="the index log's vkey (with "
        "--completeness)"
    )  # fmt: skip
    parser.add_argument("--identifier", help="with --proof: the proof must be about this one")
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
        default=None,
        help="require at least this many witness cosignatures (besides the bundle's own rule)",
    )
    parser.add_argument("--workers", type=int, default=None, help="worker processes")
    args = parser.parse_args(argv)
    if args.proof is not None:
        return _access_proof(parser, args)
    if args.completeness is not None:
        return _completeness(parser, args)
    if (args.bundle is None) == (args.tiles is None):
        parser.error("give a bundle file, --tiles DIR_OR_URL or --proof FILE")
    if args.tiles is not None:
        if not args.key:
            parser.error("--tiles needs the trusted log key: --key VKEY")
        report = verify_tiles(
            args.tiles, keys=args.key, min_witnesses=args.min_witnesses or 0, workers=args.workers
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
        data, keys=args.key, min_witnesses=args.min_witnesses or 0, workers=args.workers
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


def _split_keys(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> tuple[list[str], list[str], int]:
    """``--key`` values as (log keys, witness keys, witness quorum): Ed25519 keys are the
    log's, the others witnesses'; the quorum is ``--min-witnesses`` or 1 if any witness."""
    from ledger.core.signing import ALG_ED25519, KeyFormatError, parse_vkey

    try:
        keys = [parse_vkey(k) for k in args.key]
    except (KeyFormatError, ValueError) as exc:
        parser.error(f"--key: {exc}")
    log = [k.vkey for k in keys if k.alg == ALG_ED25519]
    witnesses = [k.vkey for k in keys if k.alg != ALG_ED25519]
    minimum = args.min_witnesses if args.min_witnesses is not None else min(1, len(witnesses))
    return log, witnesses, minimum


def _read(path: str) -> bytes | None:
    """The file's bytes, or None after saying on stderr why it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return None


def _print_report(report: Any) -> int:
    if report.ok:
        print(f"valid: {report.message}")
    else:
        print(f"invalid ({report.code}): {report.message}")
    return int(report.exit_code)


def _access_proof(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """``--proof``: keys from the command line only (a proof file carries none)."""
    from ledger.core.access_proof import verify_access_proof

    if not args.key or not args.vrf_key:
        parser.error("--proof needs the log's key (--key) and the label key (--vrf-key)")
    log, witnesses, minimum = _split_keys(parser, args)
    data = _read(args.proof)
    if data is None:
        return 2
    report = verify_access_proof(
        data,
        log_keys=log,
        witness_keys=witnesses,
        vrf_keys=args.vrf_key,
        min_witnesses=minimum,
        identifier=args.identifier,
    )
    return _print_report(report)


def _completeness(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """``--completeness``: keys from the command line only, as for ``--proof``."""
    from ledger.core.completeness import verify_completeness

    if not args.key or not args.vrf_key or not args.index_key:
        parser.error(
            "--completeness needs the log's key (--key), the index log's key (--index-key) "
            "and the label key (--vrf-key)"
        )
    log, witnesses, minimum = _split_keys(parser, args)
    data = _read(args.completeness)
    if data is None:
        return 2
    report = verify_completeness(
        data,
        log_keys=log,
        index_keys=args.index_key,
        witness_keys=witnesses,
        vrf_keys=args.vrf_key,
        min_witnesses=minimum,
        identifier=args.identifier,
    )
    return _print_report(report)


if __name__ == "__main__":
    sys.exit(main())
