"""The worked examples in docs/ledger-formats.md stay true."""

from __future__ import annotations

from pathlib import Path

from ledger.core.verify import verify_bundle

DOC = Path(__file__).resolve().parents[3] / "docs" / "ledger-formats.md"


def test_documented_example_bundle_verifies():
    """The example bundle in the format document verifies with the documented keys."""
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- example-bundle -->\n```json\n", 1)[1].split("\n```", 1)[0]
    report = verify_bundle(block.encode("utf-8"))
    assert report.ok, report.message
    assert report.entries == 2 and report.start == 1 and report.cosignatures == 1
