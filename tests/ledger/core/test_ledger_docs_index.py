"""The label index worked examples in docs/ledger-formats.md section 8 are what the code computes.

Each example sits in a block headed by ``<!-- index:NAME -->``; this test recomputes every one
from the labels of section 7's example key. To regenerate them after a deliberate change, run
``python -m tests.ledger.core.test_ledger_docs_index`` and paste the printed blocks.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ledger.core.label import prove_label
from ledger.core.prefix_tree import (
    EMPTY_HASH,
    IndexValue,
    MemoryNodeStore,
    PrefixTree,
    leaf_hash,
    parent_hash,
    verify_batch,
    verify_membership,
    verify_non_membership,
)
from tests.ledger.core.test_ledger_docs_v2 import IDENTIFIER, VRF_KEY

DOC = Path(__file__).resolve().parents[3] / "docs" / "ledger-formats.md"


def _label(namespace: str, counter: int) -> bytes:
    return bytes.fromhex(prove_label(VRF_KEY, namespace, IDENTIFIER, counter)[0])


def example_tree() -> tuple[PrefixTree, dict[bytes, IndexValue], bytes]:
    """Three entries: the person's counters 0 and 1 and the sealed counter 0 (section 7.2);
    entry i's leaf hash is SHA-256 of "example entry i" here. Returns the tree, its items and
    the label of the person's counter 2 (not in the index)."""
    labels = [_label("person", 0), _label("person", 1), _label("sealed", 0)]
    items = {
        label: IndexValue(i, hashlib.sha256(f"example entry {i}".encode()).digest())
        for i, label in enumerate(labels)
    }
    tree = PrefixTree(MemoryNodeStore())
    tree.insert_many(items.items(), version=0)
    return tree, items, _label("person", 2)


def _fields(proof: bytes) -> str:
    """The proof one field a line: hex, then what it is (section 8.3)."""
    kinds = {1: "inclusion", 2: "non-inclusion at a leaf", 3: "non-inclusion, empty"}
    lines = [f"{proof[:1].hex()}  format", f"{proof[1:5].hex()}  results"]
    pos = 5
    for _ in range(int.from_bytes(proof[1:5], "big")):
        kind, depth = proof[pos], int.from_bytes(proof[pos + 1 : pos + 3], "big")
        lines.append(f"{proof[pos : pos + 3].hex()}  {kinds[kind]}, depth {depth}")
        pos += 3
        if kind == 2:
            lines += [
                f"{proof[pos : pos + 32].hex()}  its leaf: label",
                f"{proof[pos + 32 : pos + 40].hex()}  entry index",
                f"{proof[pos + 40 : pos + 72].hex()}  leaf hash",
            ]
            pos += 72
    lines.append(f"{proof[pos : pos + 4].hex()}  elements")
    lines += [f"{proof[i : i + 32].hex()}  element" for i in range(pos + 4, len(proof), 32)]
    return "\n".join(lines)


def _unfields(text: str) -> bytes:
    return bytes.fromhex("".join(line.split("  ", 1)[0] for line in text.splitlines()))


def examples() -> dict[str, str]:
    tree, items, absent = example_tree()
    (l0, v0), (l1, v1), (s0, vs) = items.items()
    lines = []
    for name, (label, value) in (("person 0", (l0, v0)), ("person 1", (l1, v1)),
                                 ("sealed 0", (s0, vs))):  # fmt: skip
        lines += [
            f"{name}:  label       {label.hex()}",
            f"           entry index {value.entry_index}",
            f"           leaf hash   {value.leaf_hash.hex()}",
            f"           node hash   {leaf_hash(label, value).hex()}",
        ]
    member_value, member = tree.prove_membership(l0, version=0)
    assert member_value == v0
    non_member = tree.prove_non_membership(absent, version=0)
    batch = tree.prove([l0, l1, absent], version=0).proof
    return {
        "empty": EMPTY_HASH.hex(),
        "leaves": "\n".join(lines),
        "root": tree.root(version=0).hex(),
        "membership": _fields(member),
        "absent-label": absent.hex(),
        "non-membership": _fields(non_member),
        "batch": _fields(batch),
    }


def _doc_blocks() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- index:([a-z-]+) -->\n```\n(.*?)\n```", text, flags=re.S))


def test_documented_index_examples_match_the_code() -> None:
    blocks = _doc_blocks()
    expected = examples()
    assert set(blocks) == set(expected)
    for name, value in expected.items():
        assert blocks[name] == value, f"docs/ledger-formats.md example index:{name} is stale"


def test_documented_index_proofs_check_out() -> None:
    """The documented root is the documented tree's, and the documented proofs verify."""
    blocks = _doc_blocks()
    _, items, absent = example_tree()
    (l0, v0), (l1, v1), (s0, vs) = items.items()
    assert absent.hex() == blocks["absent-label"]
    root = bytes.fromhex(blocks["root"])
    # Labels 0x95…, 0x64… and 0xff…: bit 0 puts person 1 left, bit 1 splits the other two.
    assert root == parent_hash(leaf_hash(l1, v1), parent_hash(leaf_hash(l0, v0), leaf_hash(s0, vs)))

    def proof(name: str) -> bytes:
        return _unfields(blocks[name])

    assert verify_membership(root, l0, v0, proof("membership"))
    assert verify_non_membership(root, absent, proof("non-membership"))
    assert verify_batch(root, {l0: v0, l1: v1}, [absent], proof("batch"))


if __name__ == "__main__":
    for name, value in examples().items():
        print(f"<!-- index:{name} -->\n```\n{value}\n```\n")
