"""``python -m ledger.witness``: run a witness, or generate its key.

python -m ledger.witness --generate-key NAME --key-file PATH
python -m ledger.witness --key-file PATH --state PATH --log-vkey VKEY [--log-vkey ...]
    [--listen 127.0.0.1:8780]
    [--index-log-vkey VKEY --access-tiles URL --index-tiles URL]   (index-auditor mode)

In index-auditor mode the witness also co-signs the index log's checkpoints, each only after
rebuilding the label index from the access log's tiles and finding the index log's new leaves
exactly right (docs/ledger.md, "Completeness").
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ledger.core.signing import (
    ALG_COSIGNATURE_V1,
    KeyFormatError,
    generate,
    load_signing_key,
    parse_vkey,
)
from ledger.core.tile_verify import open_source
from ledger.witness.server import IndexAudit, Witness, make_server


def _generate(name: str, key_file: str) -> int:
    path = Path(key_file)
    if path.exists():
        print(f"error: {path} already exists; not overwriting a key", file=sys.stderr)
        return 2
    try:
        key = generate(name, ALG_COSIGNATURE_V1)
    except KeyFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key.skey + "\n")
    print(key.vkey)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m ledger.witness", description=__doc__)
    parser.add_argument("--key-file", required=True, help="witness private key (skey) file")
    parser.add_argument("--generate-key", metavar="NAME", help="create a key file and print vkey")
    parser.add_argument("--state", help="state file (latest cosigned checkpoint per log)")
    parser.add_argument("--log-vkey", action="append", default=[], help="trusted log vkey")
    parser.add_argument("--listen", default="127.0.0.1:8780", help="HOST:PORT (port 0 = any)")
    parser.add_argument("--index-log-vkey", help="index log vkey: audit its checkpoints")
    parser.add_argument("--access-tiles", help="the access log's tlog-tiles URL prefix")
    parser.add_argument("--index-tiles", help="the index log's tlog-tiles URL prefix")
    args = parser.parse_args(argv)
    if args.generate_key:
        return _generate(args.generate_key, args.key_file)
    if not args.state or not args.log_vkey:
        parser.error("--state and at least one --log-vkey are required to run a witness")
    try:
        key = load_signing_key(path=args.key_file)
        logs = [parse_vkey(v) for v in args.log_vkey]
        audit = None
        index_args = (args.index_log_vkey, args.access_tiles, args.index_tiles)
        if any(index_args):
            if not all(index_args):
                parser.error("--index-log-vkey, --access-tiles and --index-tiles go together")
            index_key = parse_vkey(args.index_log_vkey)
            logs.append(index_key)
            audit = IndexAudit(
                index_origin=index_key.name,
                access_tiles=open_source(args.access_tiles),
                index_tiles=open_source(args.index_tiles),
            )
        witness = Witness(key, logs, args.state, index_audit=audit)
    except (KeyFormatError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    host, _, port_text = args.listen.rpartition(":")
    if not host or not port_text.isdigit():
        parser.error("--listen must be HOST:PORT")
    server = make_server(witness, host, int(port_text))
    bound_host, bound_port = server.server_address[:2]
    mode = "" if audit is None else f" (auditing index log {audit.index_origin})"
    print(f"witness {key.vkey}{mode} listening on http://{bound_host!s}:{bound_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
