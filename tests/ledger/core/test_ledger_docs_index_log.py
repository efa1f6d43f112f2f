"""The index-log worked example in docs/ledger-formats.md section 9 is what the code computes.

Blocks headed ``<!-- index-log:NAME -->``; regenerate with
``python -m tests.ledger.core.test_ledger_docs_index_log`` after a deliberate change.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ledger.core.index_log import LEAF_SIZE, LEAF_TAG, IndexLeaf
from ledger.core.merkle import root_from_leaf_hashes
from tests.ledger.core.test_ledger_docs_index import example_tree

DOC = Path(__file__).resolve().parents[3] / "docs" / "ledger-formats.md"
TIME = 1740821400  # 2025-03-01T09:30:00Z


def example_leaf() -> IndexLeaf:
    """Epoch 0 over section 8.4's three entries (entry i's leaf hash SHA-256("example entry i"))."""
    tree, _items, _absent = example_tree()
    leaves = [hashlib.sha256(f"example entry {i}".encode()).digest() for i in range(3)]
    return IndexLeaf(
        epoch=0,
        time=TIME,
        log_size=3,
        log_root=root_from_leaf_hashes(leaves),
        index_root=tree.root(version=0),
    )


def examples() -> dict[str, str]:
    leaf = example_leaf()
    data = leaf.to_bytes()
    p = len(LEAF_TAG)
    fields = [
        f'{data[:p].hex()}  "access-index/leaf/v1" 0x00',
        f"{data[p : p + 8].hex()}  epoch 0",
        f"{data[p + 8 : p + 16].hex()}  time {TIME} (2025-03-01T09:30:00Z)",
        f"{data[p + 16 : p + 24].hex()}  access-log size 3",
        f"{data[p + 24 : p + 56].hex()}  access-log root",
        f"{data[p + 56 : p + 88].hex()}  index root (section 8.4)",
    ]
    return {"leaf": "\n".join(fields), "leaf-hash": leaf.leaf_hash.hex()}


def _doc_blocks() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- index-log:([a-z-]+) -->\n```\n(.*?)\n```", text, flags=re.S))


def test_documented_index_log_example_matches_the_code() -> None:
    blocks = _doc_blocks()
    expected = examples()
    assert set(blocks) == set(expected)
    for name, value in expected.items():
        assert blocks[name] == value, f"docs/ledger-formats.md example index-log:{name} is stale"


def test_the_documented_leaf_parses_and_audits() -> None:
    data = bytes.fromhex(
        "".join(line.split("  ", 1)[0] for line in _doc_blocks()["leaf"].splitlines())
    )
    assert len(data) == LEAF_SIZE == 109
    leaf = IndexLeaf.from_bytes(data)
    assert leaf == example_leaf()
    assert IndexLeaf.from_bytes(leaf.to_bytes()) == leaf


if __name__ == "__main__":
    for name, value in examples().items():
        print(f"<!-- index-log:{name} -->\n```\n{value}\n```\n")
