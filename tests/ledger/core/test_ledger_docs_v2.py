"""The version 2 worked examples in docs/ledger-formats.md are what the code computes.

Each example in the document sits in a block headed by ``<!-- v2:NAME -->``; this test
recomputes every one.  To regenerate them after a deliberate change, run
``python -m tests.ledger.core.test_ledger_docs_v2`` and paste the printed blocks.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ledger.core.commitment import Details, Reader, RequestEvidence, commit, verify_opening
from ledger.core.entry_v2 import ZERO_HASH_HEX, EntryV2, entry_leaf_hash
from ledger.core.label import label_alpha, prove_label, verify_label
from ledger.core.vrf import VRFSecretKey, proof_to_hash

DOC = Path(__file__).resolve().parents[3] / "docs" / "ledger-formats.md"

#: Throw-away example key: its secret is SHA-256 of a public phrase.  Never use it.
VRF_KEY = VRFSecretKey(
    "vrf.ledger.example.gov.cn", hashlib.sha256(b"ledger-formats example VRF key").digest()
)
IDENTIFIER = "110101199003071234"
OPENING = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
DETAILS = Details(
    fields=("contribution_months", "employer"),
    purpose="subsidy-review",
    application_number="APP-2025-000123",
    reason="",
    reader=Reader(system="hrss-gateway+7c1d2e3f"),
    request_signature=RequestEvidence(
        keyid="hrss-gateway+7c1d2e3f",
        alg="ed25519",
        signature_input='sig1=("@method" "@target-uri" "content-digest");created=1740821400',
        signature="sig1=:b3JkZXItZXhhbXBsZS1zaWduYXR1cmUtbm90LXJlYWw=:",
        content_digest="sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
    ),
)


def examples() -> dict[str, str]:
    """Every documented value, computed by the code."""
    alpha = label_alpha("person", IDENTIFIER, 0)
    label, pi = prove_label(VRF_KEY, "person", IDENTIFIER, 0)
    label1, _ = prove_label(VRF_KEY, "person", IDENTIFIER, 1)
    sealed, _ = prove_label(VRF_KEY, "sealed", IDENTIFIER, 0)
    commitment = commit(DETAILS, OPENING)
    entry = EntryV2(
        time="2025-03-01T09:30:00.000000Z",
        department="HRSS",
        dataset="MCA.MARRIAGE",
        outcome="granted",
        label=label,
        commitment=commitment,
        prev=ZERO_HASH_HEX,
    )
    return {
        "vrf-key": "\n".join(
            [
                f"secret (hex):  {VRF_KEY.secret.hex()}",
                f"private text:  {VRF_KEY.text}",
                f"public text:   {VRF_KEY.public.text}",
                f"key id:        {VRF_KEY.key_id}",
            ]
        ),
        "label": "\n".join(
            [
                f"alpha (hex):   {alpha.hex()}",
                f"pi (hex):      {pi.hex()}",
                f"beta (hex):    {proof_to_hash(pi).hex()}",
                f"label:         {label}",
                f"counter 1:     {label1}",
                f"sealed, 0:     {sealed}",
            ]
        ),
        "details": DETAILS.to_bytes().decode("utf-8"),
        "commitment": "\n".join(
            [f"opening (hex): {OPENING.hex()}", f"commitment:    {commitment}"]
        ),
        "entry": entry.to_bytes().decode("utf-8"),
        "leaf": entry_leaf_hash(entry.to_bytes()),
    }


def _doc_blocks() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"<!-- v2:([a-z-]+) -->\n```\n(.*?)\n```", text, flags=re.S)
    return dict(found)


def test_documented_v2_examples_match_the_code() -> None:
    blocks = _doc_blocks()
    expected = examples()
    assert set(blocks) == set(expected)
    for name, value in expected.items():
        assert blocks[name] == value, f"docs/ledger-formats.md example {name} is stale"


def test_documented_v2_examples_check_out() -> None:
    """The documented label verifies and the documented opening opens the commitment."""
    values = dict(
        line.split(":", 1)
        for line in (examples()["label"] + "\n" + examples()["commitment"]).splitlines()
    )
    label = values["label"].strip()
    pi = bytes.fromhex(values["pi (hex)"].strip())
    assert verify_label(VRF_KEY.public, "person", IDENTIFIER, 0, label, pi)
    assert verify_opening(DETAILS, OPENING, values["commitment"].strip())
    entry = EntryV2.from_bytes(examples()["entry"].encode("utf-8"))
    assert entry.label == label and entry.commitment == values["commitment"].strip()
    assert IDENTIFIER not in examples()["entry"]


if __name__ == "__main__":
    for name, value in examples().items():
        print(f"<!-- v2:{name} -->\n```\n{value}\n```\n")
