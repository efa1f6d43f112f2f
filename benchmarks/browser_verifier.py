"""Time of the browser verifier for one person's "who used my data" page.

    .venv/bin/python benchmarks/browser_verifier.py [--reads 50] [--others 950] [--rounds 5]

Builds in memory (ledger.core, no database) a v2 log of ``--reads`` reads of one person among
``--others`` reads of other people, a checkpoint signed by a log key and co-signed by two
witnesses, and the verification JSON the portal sends (``ledger.subject_log``'s shape). Headless
Debian Chromium then runs ``static/ledger/person-verify.js`` on it, as the page does: checkpoint
signature and quorum, and per row the VRF label, entry bytes, inclusion proof and opening.
Prints the median of ``--rounds`` runs in milliseconds (aim: under 1 s for 50 reads).
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from ledger.core.checkpoint import Checkpoint, cosign, sign_checkpoint
from ledger.core.commitment import Details, Reader, commit, new_opening
from ledger.core.entry import ZERO_HASH_HEX
from ledger.core.entry_v2 import EntryV2
from ledger.core.label import prove_label
from ledger.core.merkle import MemoryHashStore, leaf_hash
from ledger.core.proofs import prove_inclusion
from ledger.core.signing import ALG_COSIGNATURE_V1, generate
from ledger.core.verifier_policy import VerifierPolicy
from ledger.core.vrf import generate_vrf_key

ROOT = Path(__file__).resolve().parents[1]
ORIGIN = "bench.localhost/access-ledger/v2"
PERSON = "330106199001010015"


def build(reads: int, others: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(policy object, verification JSON) for one person among others."""
    log_key = generate(ORIGIN)
    witnesses = [generate(f"witness{i}.bench", ALG_COSIGNATURE_V1) for i in range(2)]
    vrf_key = generate_vrf_key(ORIGIN + "/vrf")
    store = MemoryHashStore()
    prev = ZERO_HASH_HEX
    mine: list[dict[str, Any]] = []
    counters: dict[str, int] = {}
    total = reads + others
    step = max(1, total // max(1, reads))
    for n in range(total):
        is_person = n % step == 0 and counters.get(PERSON, 0) < reads
        identifier = PERSON if is_person else f"3301061990{n:08d}"
        counter = counters.get(identifier, 0)
        counters[identifier] = counter + 1
        label, proof = prove_label(vrf_key, "person", identifier, counter)
        details = Details(
            fields=("address",),
            purpose=f"benchmark read {n}",
            application_number=f"SQ-{n:06d}",
            reason="grant",
            reader=Reader(user="bench.reviewer"),
        )
        opening = new_opening()
        entry = EntryV2(
            time="2026-01-01T00:00:00.000000Z",
            department="mzj",
            dataset="gaj.household",
            outcome="granted",
            label=label,
            commitment=commit(details, opening),
            prev=prev,
        )
        data = entry.to_bytes()
        store.append(data)
        prev = leaf_hash(data).hex()
        if identifier == PERSON:
            mine.append(
                {
                    "event": f"event-{n}",
                    "status": "included",
                    "index": n,
                    "entry": base64.b64encode(data).decode(),
                    "namespace": "person",
                    "counter": counter,
                    "vrf_key": vrf_key.key_id,
                    "vrf_proof": proof.hex(),
                    "details": details.to_bytes().decode(),
                    "opening": opening.hex(),
                    "sealed": None,
                }
            )
    size = total
    note = sign_checkpoint(Checkpoint(ORIGIN, size, store.root(size)), log_key)
    text = note[: note.rindex("\n\n") + 1]
    note += "".join(cosign(text, w) for w in witnesses)
    for row in mine:
        row["inclusion"] = [
            base64.b64encode(h).decode() for h in prove_inclusion(row["index"], size, store)
        ]
    policy = VerifierPolicy.build(
        origin=ORIGIN,
        log_keys=[log_key.vkey],
        witness_keys=[w.vkey for w in witnesses],
        vrf_keys=[vrf_key.public.text],
        quorum=2,
    )
    data_json = {
        "format": "data-uses-verification/v1",
        "identifier": PERSON,
        "checkpoint": note,
        "consistency": None,
        "rows": mine,
    }
    return policy.to_json(), data_json


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0]
        if path.startswith("/static/ledger/"):
            return str(ROOT / "static" / "ledger" / Path(path).name)
        return str(ROOT / "benchmarks" / "missing")

    def do_GET(self) -> None:
        if self.path == "/":
            body = b"<!DOCTYPE html><title>bench</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


TIME_JS = """async ([policy, data, rounds]) => {
  const { loadPolicy } = await import("/static/ledger/checkpoint.js");
  const { verifyPerson } = await import("/static/ledger/person-verify.js");
  const times = [];
  let ok = 0;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const loaded = await loadPolicy(policy);
    const outcome = await verifyPerson(loaded, data, null);
    times.push(performance.now() - start);
    ok = [...outcome.rows.values()].filter((r) => r.state === "ok").length;
  }
  return { times, ok };
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=50)
    parser.add_argument("--others", type=int, default=950)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    policy, data = build(args.reads, args.others)
    assert len(data["rows"]) == args.reads, len(data["rows"])
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=args.chromium, args=["--headless", "--no-sandbox"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
            page.evaluate(TIME_JS, [policy, data, 1])  # warm up (module load, JIT)
            result = page.evaluate(TIME_JS, [policy, data, args.rounds])
            browser.close()
    finally:
        server.shutdown()
    if result["ok"] != args.reads:
        raise SystemExit(f"only {result['ok']} of {args.reads} rows verified")
    median = statistics.median(result["times"])
    print(
        f"browser verifier: {args.reads} reads (log of {args.reads + args.others} entries, "
        f"2 witnesses) checked in {median:.0f} ms (median of {args.rounds}; "
        f"min {min(result['times']):.0f}, max {max(result['times']):.0f})"
    )
    print(json.dumps({"reads": args.reads, "median_ms": round(median, 1)}))


if __name__ == "__main__":
    main()
